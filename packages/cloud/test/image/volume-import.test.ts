// Image as a caller: an image made from a volume, read from the real block-storage service
// through the catalog as the user, with image's own service token beside the user's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBlockStorage } from '../../src/block-storage/service.ts';
import type { RunningService } from '../../src/common/index.ts';
import { startImage } from '../../src/image/service.ts';
import { startCloudFixture, type CloudFixture } from './fixture.ts';
import { createSilentLogger } from '@baton/logging';

type Json = Record<string, any>;

describe('image from a volume (image calls block-storage)', () => {
  let cloud: CloudFixture;
  let image: RunningService;
  let blockStorage: RunningService;
  let demo: string;
  const imageLog: string[] = [];

  async function call(base: string, method: string, path: string, json?: unknown, type = 'application/json'): Promise<{ status: number; body: Json | null }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-auth-token': demo, ...(json === undefined ? {} : { 'content-type': type }) },
      body: json === undefined ? undefined : typeof json === 'string' ? json : JSON.stringify(json),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as Json) };
  }

  async function volumeFrom(imageRef: string | null): Promise<string> {
    const project = cloud.identity.users.demo.projectId;
    const created = await call(blockStorage.url, 'POST', `/v3/${project}/volumes`, { volume: { size: 1, ...(imageRef === null ? {} : { imageRef }) } });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const id = created.body!.volume.id as string;
    for (let i = 0; i < 200; i++) {
      const shown = await call(blockStorage.url, 'GET', `/v3/${project}/volumes/${id}`);
      if (shown.body!.volume.status === 'available') return id;
      await sleep(50);
    }
    throw new Error(`volume ${id} never became available`);
  }

  before(async () => {
    cloud = await startCloudFixture();
    image = await startImage({ files: [await cloud.writeConfig('glance-api.conf')], port: 0, log: (line) => imageLog.push(line), logger: createSilentLogger() });
    const cinder = await cloud.writeConfig('cinder.conf', `[database]\nconnection = sqlite:///${cloud.dir}/cinder.db\n`);
    blockStorage = await startBlockStorage({ files: [cinder], port: 0, log: () => undefined, logger: createSilentLogger() });
    await cloud.identity.addEndpoint('image', 'glance', image.url);
    await cloud.identity.addEndpoint('block-storage', 'cinderv3', `${blockStorage.url}/v3/%(project_id)s`);
    demo = await cloud.token(cloud.demo);
  });
  after(async () => {
    await image?.close();
    await blockStorage?.close();
    await cloud?.stop();
  });

  it('copies the data of a volume made from an image into a new image, sending a service token', async () => {
    const source = (await call(image.url, 'POST', '/v2/images', { name: 'base', disk_format: 'raw', container_format: 'bare' })).body!;
    const data = 'volume contents\n'.repeat(50);
    assert.equal((await call(image.url, 'PUT', `/v2/images/${source.id}/file`, data, 'application/octet-stream')).status, 204);
    const volumeId = await volumeFrom(source.id);
    const target = (await call(image.url, 'POST', '/v2/images', { name: 'from-volume', disk_format: 'raw', container_format: 'bare' })).body!;
    const imported = await call(image.url, 'POST', `/v2/images/${target.id}/import`, { method: { name: 'block-storage-volume', volume_id: volumeId } });
    assert.equal(imported.status, 202, JSON.stringify(imported.body));
    const shown = (await call(image.url, 'GET', `/v2/images/${target.id}`)).body!;
    const original = (await call(image.url, 'GET', `/v2/images/${source.id}`)).body!;
    assert.equal(shown.status, 'active');
    assert.equal(shown.checksum, original.checksum);
    assert.equal(shown.size, data.length);
    assert.ok(
      imageLog.some((line) => line.startsWith(`GET block-storage /volumes/${volumeId} → 200`) && line.includes('service token: true')),
      imageLog.join('\n'),
    );
  });

  it('refuses a blank volume, an unknown volume and an unknown method, leaving the image queued', async () => {
    const blank = await volumeFrom(null);
    const target = (await call(image.url, 'POST', '/v2/images', { name: 'nothing', disk_format: 'raw', container_format: 'bare' })).body!;
    const cases: [unknown, number, RegExp][] = [
      [{ method: { name: 'block-storage-volume', volume_id: blank } }, 400, /created blank/],
      [{ method: { name: 'block-storage-volume', volume_id: '00000000-0000-4000-8000-000000000000' } }, 400, /Could not read volume .* 404/],
      [{ method: { name: 'web-download', uri: 'http://example.com/x' } }, 400, /not supported/],
      [{ method: { name: 'block-storage-volume' } }, 400, /needs method.volume_id/],
    ];
    for (const [body, status, message] of cases) {
      const response = await call(image.url, 'POST', `/v2/images/${target.id}/import`, body);
      assert.equal(response.status, status, JSON.stringify(response.body));
      assert.match(response.body!.error.message, message);
    }
    assert.equal((await call(image.url, 'GET', `/v2/images/${target.id}`)).body!.status, 'queued');
    const methods = (await call(image.url, 'GET', '/v2/info/import')).body!;
    assert.deepEqual(methods['import-methods'].value, ['block-storage-volume']);
  });
});
