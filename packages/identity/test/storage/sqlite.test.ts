// The conformance suite on SQLite (a temporary file), plus what is SQLite-specific:
// directory creation, WAL, and data surviving a close and reopen.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Migrator } from 'kysely';
import { openDatabase } from '@baton/storage';
import { createStorage } from '../../src/storage/index.ts';
import { identityMigrations } from '../../src/storage/migrations/index.ts';
import { storageConformance } from './conformance.ts';
import { newDomain, newProject, newRole } from './conformance/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-storage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storageConformance('sqlite', { open: () => createStorage(`sqlite:///${join(dir, 'conformance.db')}`) });

describe('sqlite specifics', () => {
  it('creates the database, -wal and -shm 0600 in a 0700 directory, whatever the umask', async () => {
    const file = join(dir, 'private', 'keystone.db');
    const previous = process.umask(0o022);
    try {
      const storage = await createStorage(`sqlite:///${file}`);
      await storage.migrate();
      await storage.resource.createDomain(newDomain());
      assert.equal(statSync(join(dir, 'private')).mode & 0o777, 0o700);
      for (const name of ['keystone.db', 'keystone.db-wal', 'keystone.db-shm']) {
        assert.equal(statSync(join(dir, 'private', name)).mode & 0o777, 0o600, name);
      }
      await storage.close();
    } finally {
      process.umask(previous);
    }
  });

  it('creates missing parent directories and uses WAL', async () => {
    const file = join(dir, 'nested', 'deeper', 'keystone.db');
    const storage = await createStorage(`sqlite:///${file}`);
    await storage.migrate();
    await storage.close();
    const raw = new Database(file, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      raw.close();
    }
  });

  it('data survives closing and reopening the file', async () => {
    const url = `sqlite:///${join(dir, 'reopen.db')}`;
    const first = await createStorage(url);
    await first.migrate();
    const domain = await first.resource.createDomain(newDomain({ enabled: false, extra: { a: [1, 2] } }));
    const project = await first.resource.createProject(newProject(domain.id, { tags: ['x', 'y'] }));
    await first.close();
    const second = await createStorage(url);
    try {
      await second.migrate();
      assert.equal(second.dialect, 'sqlite');
      assert.deepEqual(await second.resource.getDomain(domain.id), domain);
      assert.deepEqual(await second.resource.getProject(project.id), project);
    } finally {
      await second.close();
    }
  });

  it('enforces foreign keys: a project in a missing domain is an unexpected error', async () => {
    const storage = await createStorage('sqlite://');
    try {
      await storage.migrate();
      await assert.rejects(storage.resource.createProject(newProject('no-such-domain')), {
        code: 'ERR_IDENTITY_UNEXPECTED',
        message: 'An unexpected error occurred when trying to store project',
      });
    } finally {
      await storage.close();
    }
  });

  it('sqlite:// is a private in-memory database', async () => {
    const a = await createStorage('sqlite://');
    const b = await createStorage('sqlite://');
    try {
      await a.migrate();
      await b.migrate();
      const domain = await a.resource.createDomain(newDomain());
      await assert.rejects(b.resource.getDomain(domain.id), { code: 'ERR_IDENTITY_NOT_FOUND' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('0011 makes role and application credential descriptions nullable, keeping every row and the rows that reference them', async () => {
    const url = `sqlite:///${join(dir, 'upgrade.db')}`;
    const opened = await openDatabase<Record<string, Record<string, unknown>>>(url);
    try {
      const migrator = new Migrator({ db: opened.db, provider: { getMigrations: async () => identityMigrations(opened.dialect) } });
      assert.equal((await migrator.migrateTo('0010-oauth1')).error, undefined);
      const role = (id: string) => ({ id, name: id, domain_id: '<<null>>', description: `${id} described`, extra: '{}' });
      await opened.db.insertInto('role').values([role('prior'), role('implied')]).execute();
      await opened.db.insertInto('implied_role').values({ prior_role_id: 'prior', implied_role_id: 'implied' }).execute();
      assert.equal((await migrator.migrateToLatest()).error, undefined);
    } finally {
      await opened.close();
    }
    const storage = await createStorage(url);
    try {
      assert.deepEqual(await storage.assignment.getRole('prior'), { id: 'prior', name: 'prior', domainId: null, description: 'prior described', options: {}, extra: {} });
      // The rebuild ran with foreign keys off: the rule naming the rebuilt table is still there, and still enforced.
      assert.deepEqual(await storage.assignment.listImpliedRoles('prior'), [{ priorRoleId: 'prior', impliedRoleId: 'implied' }]);
      await storage.assignment.deleteRole('implied');
      assert.deepEqual(await storage.assignment.listImpliedRoles('prior'), []);
      assert.equal((await storage.assignment.createRole(newRole())).description, null);
    } finally {
      await storage.close();
    }
  });

  it('0012 makes domain, project and group descriptions nullable, keeping a project\'s tags, which still cascade; a service\'s description moves to its extra attributes', async () => {
    const url = `sqlite:///${join(dir, 'upgrade-0012.db')}`;
    const opened = await openDatabase<Record<string, Record<string, unknown>>>(url);
    try {
      const migrator = new Migrator({ db: opened.db, provider: { getMigrations: async () => identityMigrations(opened.dialect) } });
      assert.equal((await migrator.migrateTo('0011-role-options')).error, undefined);
      await opened.db.insertInto('domain').values({ id: 'dom', name: 'dom', description: 'kept', enabled: true, extra: '{}' }).execute();
      await opened.db
        .insertInto('project')
        .values({ id: 'proj', name: 'proj', domain_id: 'dom', description: 'kept too', enabled: true, parent_id: 'dom', is_domain: false, extra: '{}' })
        .execute();
      await opened.db.insertInto('project_tag').values({ project_id: 'proj', name: 'blue', position: 0 }).execute();
      const service = (id: string, description: string) => ({ id, type: id, name: id, description, enabled: true, extra: '{"colour":"red"}' });
      await opened.db.insertInto('service').values([service('described', 'the old one'), service('blank', '')]).execute();
      assert.equal((await migrator.migrateToLatest()).error, undefined);
    } finally {
      await opened.close();
    }
    const storage = await createStorage(url);
    try {
      assert.equal((await storage.resource.getDomain('dom')).description, 'kept');
      const project = await storage.resource.getProject('proj');
      assert.deepEqual([project.description, project.tags], ['kept too', ['blue']]);
      assert.equal((await storage.resource.createProject(newProject('dom', { description: null }))).description, null);
      assert.deepEqual((await storage.catalog.getService('described')).extra, { colour: 'red', description: 'the old one' });
      assert.deepEqual((await storage.catalog.getService('blank')).extra, { colour: 'red', description: '' });
      await storage.resource.deleteProject('proj');
      await assert.rejects(storage.resource.getProject('proj'), { code: 'ERR_IDENTITY_NOT_FOUND' });
    } finally {
      await storage.close();
    }
    const raw = new Database(join(dir, 'upgrade-0012.db'));
    try {
      assert.deepEqual(raw.prepare('select * from project_tag').all(), [], 'the tag went with its project');
    } finally {
      raw.close();
    }
  });
});
