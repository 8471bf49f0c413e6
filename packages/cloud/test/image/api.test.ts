// The image API over real HTTP, behind the auth-token middleware of a real identity: the
// record and data life cycle, bad input, another project's images, the size cap, and the
// real openstack CLI's `image create --file` / `image save` / `image delete`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openstack } from '@baton/test-support';
import type { RunningService } from '../../src/common/index.ts';
import { startImage } from '../../src/image/service.ts';
import { startCloudFixture, type CloudFixture } from './fixture.ts';
import { createSilentLogger } from '@baton/logging';

const SIZE_CAP = 4096;

describe('image API', () => {
  let cloud: CloudFixture;
  let image: RunningService;
  let demo: string;
  let alt: string;

  async function call(method: string, path: string, init: { token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers['x-auth-token'] = init.token;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${image.url}${path}`, {
      method,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, bytes, body: type.includes('json') ? (JSON.parse(bytes.toString()) as Record<string, any>) : null };
  }

  const create = async (token: string, json: object = { name: 'img', disk_format: 'raw', container_format: 'bare' }) => {
    const response = await call('POST', '/v2/images', { token, json });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as { id: string; status: string };
  };

  before(async () => {
    cloud = await startCloudFixture();
    // Every image option set away from its default, so each is seen doing what it says.
    const config = await cloud.writeConfig(
      'glance-api.conf',
      `[DEFAULT]\nimage_size_cap = ${SIZE_CAP}\nhashing_algorithm = sha384\n` +
        `[glance_store]\nfilesystem_store_datadir = ${join(cloud.dir, 'image-data')}\n` +
        '[image_format]\ndisk_formats = raw,qcow2\ncontainer_formats = bare\n',
    );
    image = await startImage({ files: [config], port: 0, log: () => {}, logger: createSilentLogger() });
    await cloud.identity.addEndpoint('image', 'glance', image.url);
    [demo, alt] = await Promise.all([cloud.token(cloud.demo), cloud.token(cloud.alt)]);
  });
  after(async () => {
    await image?.close();
    await cloud?.stop();
  });

  it('answers version discovery without a token, as glance does (300)', async () => {
    const response = await call('GET', '/');
    assert.equal(response.status, 300);
    assert.equal(response.body?.versions[0].links[0].href, `${image.url}/v2/`);
  });

  it('refuses a call without a token with 401', async () => {
    assert.equal((await call('GET', '/v2/images')).status, 401);
  });

  it('takes an image from queued to active with its data, digests and size, and serves it back', async () => {
    const data = Buffer.from('baton image bytes\n'.repeat(100));
    const created = await create(demo, { name: 'cirros', disk_format: 'qcow2', container_format: 'bare', os_distro: 'cirros', tags: ['a'] });
    assert.equal(created.status, 'queued');
    assert.equal((await call('GET', `/v2/images/${created.id}/file`, { token: demo })).status, 204);
    const upload = await call('PUT', `/v2/images/${created.id}/file`, { token: demo, body: data, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(upload.status, 204);
    const shown = (await call('GET', `/v2/images/${created.id}`, { token: demo })).body!;
    assert.equal(shown.status, 'active');
    assert.equal(shown.status, 'active');
    assert.equal(shown.size, data.length);
    assert.equal(shown.checksum, createHash('md5').update(data).digest('hex'));
    assert.equal(shown.checksum, createHash('md5').update(data).digest('hex'));
    assert.equal(shown.os_hash_algo, 'sha384');
    assert.equal(shown.os_hash_value, createHash('sha384').update(data).digest('hex'));
    assert.ok((await readdir(join(cloud.dir, 'image-data'))).includes(created.id), 'data under filesystem_store_datadir');
    assert.equal(shown.os_distro, 'cirros');
    assert.deepEqual(shown.tags, ['a']);
    assert.equal(shown.file, `/v2/images/${created.id}/file`);
    const download = await call('GET', `/v2/images/${created.id}/file`, { token: demo });
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-md5'), shown.checksum);
    assert.deepEqual(download.bytes, data);
    const again = await call('PUT', `/v2/images/${created.id}/file`, { token: demo, body: data, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(again.status, 409);
    const listed = await call('GET', '/v2/images?name=cirros', { token: demo });
    assert.deepEqual(listed.body!.images.map((i: { id: string }) => i.id), [created.id]);
    const patched = await call('PATCH', `/v2/images/${created.id}`, {
      token: demo,
      body: JSON.stringify([{ op: 'replace', path: '/name', value: 'renamed' }, { op: 'remove', path: '/os_distro' }]),
      headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body!.name, 'renamed');
    assert.equal('os_distro' in patched.body!, false);
    assert.equal((await call('DELETE', `/v2/images/${created.id}`, { token: demo })).status, 204);
    assert.equal((await call('GET', `/v2/images/${created.id}`, { token: demo })).status, 404);
    assert.deepEqual((await readdir(join(cloud.dir, 'image-data'))).filter((f) => f.includes(created.id)), []);
  });

  it('refuses an upload beyond image_size_cap with 413, leaving the image queued and no data', async () => {
    const created = await create(demo);
    const declared = await call('PUT', `/v2/images/${created.id}/file`, {
      token: demo,
      body: Buffer.alloc(SIZE_CAP + 1),
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(declared.status, 413);
    assert.equal(declared.body!.error.code, 413);
    // Chunked, no Content-Length: refused as the bytes arrive.
    const chunks = new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(1024));
        if (++sent === 5) controller.close();
      },
    });
    let sent = 0;
    const streamed = await call('PUT', `/v2/images/${created.id}/file`, { token: demo, body: chunks, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(streamed.status, 413);
    assert.equal((await call('GET', `/v2/images/${created.id}`, { token: demo })).body!.status, 'queued');
    assert.deepEqual((await readdir(join(cloud.dir, 'image-data'))).filter((f) => f.includes(created.id)), []);
  });

  it('puts an image back to queued, with nothing left on disk, when the client goes away mid-upload', async () => {
    const created = await create(demo);
    const statusOf = async () => (await call('GET', `/v2/images/${created.id}`, { token: demo })).body!.status as string;
    let sent = 0;
    // One chunk, then (once the image is saving, so the data is on its way to disk) the client fails.
    const failing = new ReadableStream({
      async pull(controller) {
        if (sent++ === 0) return controller.enqueue(new Uint8Array(1024));
        for (let i = 0; i < 100 && (await statusOf()) !== 'saving'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        controller.error(new Error('client gone'));
      },
    });
    await assert.rejects(call('PUT', `/v2/images/${created.id}/file`, { token: demo, body: failing, headers: { 'content-type': 'application/octet-stream' } }));
    let status = 'saving';
    for (let i = 0; i < 100 && status !== 'queued'; i++) {
      status = await statusOf();
      if (status !== 'queued') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 'queued');
    assert.deepEqual((await readdir(join(cloud.dir, 'image-data'))).filter((f) => f.includes(created.id)), []);
  });

  it("answers 404 for another project's image and leaves it out of lists", async () => {
    const created = await create(demo, { name: 'private-one', disk_format: 'raw', container_format: 'bare', visibility: 'private' });
    for (const [method, path] of [['GET', ''], ['GET', '/file'], ['DELETE', ''], ['PUT', '/file']] as const) {
      const response = await call(method, `/v2/images/${created.id}${path}`, {
        token: alt,
        ...(method === 'PUT' ? { body: 'x', headers: { 'content-type': 'application/octet-stream' } } : {}),
      });
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    const listed = await call('GET', '/v2/images', { token: alt });
    assert.equal(listed.body!.images.some((i: { id: string }) => i.id === created.id), false);
  });

  it('answers bad input with 4xx and the error JSON', async () => {
    const cases: [string, string, object, number][] = [
      ['GET', '/v2/images/00000000-0000-0000-0000-000000000000', {}, 404],
      ['POST', '/v2/images', { body: '{"name": ', headers: { 'content-type': 'application/json' } }, 400],
      ['POST', '/v2/images', { json: { min_disk: 'big' } }, 400],
      ['POST', '/v2/images', { json: { disk_format: 'floppy' } }, 400],
      ['POST', '/v2/images', { json: { disk_format: 'iso' } }, 400],
      ['POST', '/v2/images', { json: { container_format: 'ova' } }, 400],
      ['POST', '/v2/images', { json: { status: 'active' } }, 403],
      ['POST', '/v2/images', { json: { visibility: 'public' } }, 403],
      ['POST', '/v2/images', { json: { id: 'not-a-uuid' } }, 400],
      ['GET', '/v2/images?limit=x', {}, 400],
      ['GET', '/v2/images?name=a&name=b', {}, 400],
      ['GET', '/v2/images?sort_key=secret', {}, 400],
      ['GET', `/v2/images/${'é'.repeat(40)}`, {}, 404],
    ];
    for (const [method, path, init, status] of cases) {
      const response = await call(method, path, { token: demo, ...init });
      assert.equal(response.status, status, `${method} ${path} ${JSON.stringify(init)}: ${response.bytes.toString()}`);
      assert.equal(response.body?.error?.code, status);
    }
  });

  it('serves the openstack CLI: image create --file, image save, image show, image delete', async () => {
    const source = join(cloud.dir, 'cirros.img');
    const data = Buffer.from('not really cirros\n'.repeat(64));
    await writeFile(source, data);
    const created = (await openstack(cloud.target, cloud.demo, ['image', 'create', '--disk-format', 'qcow2', '--container-format', 'bare', '--file', source, 'cli-image'], { json: true })) as Record<string, unknown>;
    // The CLI prints the record it created before uploading; `image show` has the data's.
    assert.equal(created.name, 'cli-image');
    const saved = join(cloud.dir, 'saved.img');
    await openstack(cloud.target, cloud.demo, ['image', 'save', '--file', saved, 'cli-image'], { json: false });
    assert.deepEqual(await readFile(saved), data);
    const shown = (await openstack(cloud.target, cloud.demo, ['image', 'show', 'cli-image'], { json: true })) as Record<string, unknown>;
    assert.equal(shown.status, 'active');
    assert.equal(shown.size, data.length);
    assert.equal(shown.checksum, createHash('md5').update(data).digest('hex'));
    await openstack(cloud.target, cloud.demo, ['image', 'delete', 'cli-image'], { json: false });
    const listed = (await openstack(cloud.target, cloud.demo, ['image', 'list'], { json: true })) as { Name: string }[];
    assert.equal(listed.some((i) => i.Name === 'cli-image'), false);
  });
});
