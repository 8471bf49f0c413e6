// The image manager and its filesystem store on a real database (a SQLite file and
// PostgreSQL) and a real directory: the status machine, digests, the size cap leaving
// nothing behind, visibility.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '@baton/storage';
import { ImageManager, type ImageCaller } from '../../src/image/image-manager.ts';
import { imageMigrations, type ImageDatabase } from '../../src/image/storage.ts';
import { FilesystemStore } from '../../src/image/store.ts';
import { dropSchema, POSTGRES } from './fixture.ts';

const alice: ImageCaller = { projectId: 'project-a', isAdmin: false };
const bob: ImageCaller = { projectId: 'project-b', isAdmin: false };
const admin: ImageCaller = { projectId: 'admin', isAdmin: true };
const disk = { disk_format: 'raw', container_format: 'bare' };

for (const dialect of ['sqlite', 'postgresql'] as const) describe(`image manager on ${dialect}`, () => {
  const schema = `baton_image_${process.pid}_${Date.now()}`;
  let dir: string;
  let opened: OpenedDatabase<ImageDatabase>;
  const managers = (sizeCap: number, hashAlgo = 'sha512', directory = join(dir, 'images')) =>
    new ImageManager({
      db: opened.db,
      store: new FilesystemStore({ directory, sizeCap, hashAlgo }),
      diskFormats: ['raw', 'qcow2'],
      containerFormats: ['bare'],
      isUniqueViolation: opened.dialect.isUniqueViolation,
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-image-'));
    opened = await openDatabase<ImageDatabase>(dialect === 'sqlite' ? `sqlite:///${join(dir, 'glance.db')}` : `${POSTGRES}?schema=${schema}`);
    await migrateToLatest(opened, imageMigrations);
  });
  after(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgresql') await dropSchema(schema);
  });

  it('goes queued → active with size, md5 and the configured digest, and serves the bytes back', async () => {
    const images = managers(1024, 'sha256');
    const data = Buffer.from('x'.repeat(700));
    const image = await images.create(alice, { name: 'cirros', ...disk, 'os_distro': 'cirros' });
    assert.equal(image.status, 'queued');
    assert.equal(image.visibility, 'shared');
    assert.equal((await images.download(alice, image.id)).data, null);
    await images.upload(alice, image.id, Readable.from([data.subarray(0, 300), data.subarray(300)]), undefined);
    const active = await images.get(alice, image.id);
    assert.equal(active.status, 'active');
    assert.equal(active.size, 700);
    assert.equal(active.checksum, createHash('md5').update(data).digest('hex'));
    assert.equal(active.osHashAlgo, 'sha256');
    assert.equal(active.osHashValue, createHash('sha256').update(data).digest('hex'));
    assert.deepEqual(active.properties, { os_distro: 'cirros' });
    const { data: stream } = await images.download(alice, image.id);
    assert.deepEqual(await buffer(stream!), data);
    await assert.rejects(images.upload(alice, image.id, Readable.from([data]), 700), { status: 409 });
  });

  it('refuses data past the size cap with 413, leaving the image queued and no file', async () => {
    const images = managers(100);
    const image = await images.create(alice, { name: 'big', ...disk });
    // Declared too large: refused before reading.
    await assert.rejects(images.upload(alice, image.id, Readable.from([Buffer.alloc(10)]), 101), { status: 413 });
    // Not declared (chunked): refused when the 101st byte arrives.
    await assert.rejects(images.upload(alice, image.id, Readable.from([Buffer.alloc(60), Buffer.alloc(41)]), undefined), { status: 413 });
    assert.equal((await images.get(alice, image.id)).status, 'queued');
    assert.deepEqual(readdirSync(join(dir, 'images')).filter((name) => name.includes(image.id)), []);
    // Exactly the cap is fine.
    await images.upload(alice, image.id, Readable.from([Buffer.alloc(100)]), 100);
    assert.equal((await images.get(alice, image.id)).size, 100);
  });

  it('kills the image when the store cannot write', async () => {
    const notADirectory = join(dir, 'plain-file');
    writeFileSync(notADirectory, '');
    const images = managers(100, 'sha512', notADirectory);
    const image = await images.create(alice, { name: 'doomed', ...disk });
    await assert.rejects(images.upload(alice, image.id, Readable.from([Buffer.alloc(10)]), 10), { code: 'EEXIST' });
    assert.equal((await images.get(alice, image.id)).status, 'killed');
  });

  it("hides another project's images, shows public ones, and lets only admins publicize", async () => {
    const images = managers(100);
    const own = await images.create(alice, { name: 'mine', ...disk, visibility: 'private' });
    await assert.rejects(images.get(bob, own.id), { status: 404, message: `No image found with ID ${own.id}` });
    await assert.rejects(images.delete(bob, own.id), { status: 404 });
    await assert.rejects(images.create(alice, { name: 'pub', visibility: 'public' }), { status: 403 });
    const pub = await images.create(admin, { name: 'pub', ...disk, visibility: 'public' });
    assert.equal((await images.get(bob, pub.id)).name, 'pub');
    await assert.rejects(images.delete(bob, pub.id), { status: 403 });
    const names = (await images.list(bob, { properties: {}, sortKey: 'created_at', sortDir: 'desc', limit: 100 })).map((i) => i.name);
    assert.ok(names.includes('pub') && !names.includes('mine'), names.join(','));
  });

  it('refuses read-only attributes, unknown formats, duplicate ids and deleting a protected image', async () => {
    const images = managers(100);
    await assert.rejects(images.create(alice, { status: 'active' }), { status: 403, message: "Attribute 'status' is read-only." });
    await assert.rejects(images.create(alice, { disk_format: 'floppy' }), { status: 400, message: "Invalid disk format 'floppy' for image." });
    const image = await images.create(alice, { name: 'kept', ...disk, protected: true });
    await assert.rejects(images.create(alice, { id: image.id }), { status: 409 });
    await assert.rejects(images.delete(alice, image.id), { status: 403 });
    const updated = await images.update(alice, image.id, { protected: false, name: 'gone' });
    assert.equal(updated.name, 'gone');
    await images.delete(alice, image.id);
    await assert.rejects(images.get(alice, image.id), { status: 404 });
  });
});
