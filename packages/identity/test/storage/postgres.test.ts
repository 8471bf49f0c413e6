// The conformance suite on PostgreSQL (127.0.0.1:5432, database `test`), in a schema of
// its own that is dropped afterwards. It fails, rather than skips, without a server.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { createStorage } from '../../src/storage/index.ts';
import { storageConformance } from './conformance.ts';
import { newDomain, newProject } from './conformance/helpers.ts';

const server = 'postgresql://postgres@127.0.0.1:5432/test';
const schema = `baton_storage_${process.pid}_${Date.now()}`;
const url = `${server}?schema=${schema}`;

describe('postgresql', () => {
  after(async () => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  storageConformance('postgresql', { open: () => createStorage(url) });

  describe('postgresql specifics', () => {
    it('keeps its tables in the requested schema', async () => {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      try {
        const { rows } = await client.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
          [schema],
        );
        const tables = rows.map((row) => row.table_name);
        for (const table of ['assignment', 'domain', 'project', 'revocation_event', 'role', 'user']) {
          assert.ok(tables.includes(table), `${table} in ${tables.join(',')}`);
        }
      } finally {
        await client.end();
      }
    });

    it('migrates in its own schema while another schema already holds Kysely\'s tables', async () => {
      // Kysely looks for its migration tables in every schema unless told which one.
      const fresh = `${schema}_b`;
      const storage = await createStorage(`${server}?schema=${fresh}`);
      try {
        await storage.migrate();
        const domain = await storage.resource.createDomain(newDomain());
        assert.deepEqual(await storage.resource.getDomain(domain.id), domain);
      } finally {
        await storage.close();
        const client = new pg.Client({ connectionString: server });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`).finally(() => client.end());
      }
    });

    it('accepts the postgresql+psycopg2 spelling and libpq options', async () => {
      const storage = await createStorage(
        `postgresql+psycopg2://postgres@127.0.0.1:5432/test?charset=utf8&options=-csearch_path%3D${schema}`,
      );
      try {
        assert.equal(storage.dialect, 'postgres');
        await storage.migrate();
        const domain = await storage.resource.createDomain(newDomain());
        await assert.rejects(storage.resource.createProject(newProject(`missing-${domain.id}`)), {
          code: 'ERR_IDENTITY_UNEXPECTED',
        });
        const again = await createStorage(url);
        try {
          assert.deepEqual(await again.resource.getDomain(domain.id), domain);
        } finally {
          await again.close();
        }
      } finally {
        await storage.close();
      }
    });
  });
});
