// The block-storage API against a real identity over real HTTP, on SQLite and on PostgreSQL:
// volumes and their statuses, the attachments API, and bug 2004555's check that only a service
// (a valid service token with a service role) may delete an attachment an instance still uses.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueAccessRuleToken, startCloudIdentity, type CloudIdentity } from '@baton/test-support';
import { startBlockStorage, type RunningService } from '../../src/index.ts';
import { createSilentLogger } from '@baton/logging';
import { dropSchema, POSTGRES } from '../image/fixture.ts';

type Json = Record<string, any>;

for (const dialect of ['sqlite', 'postgresql'] as const) describe(`block-storage: volumes and attachments on ${dialect}`, () => {
  const schema = `baton_cinder_${process.pid}_${Date.now()}`;
  let cloud: CloudIdentity;
  let dir: string;
  let service: RunningService;
  let slow: RunningService;
  let configPath: string;
  let demo: string;
  let nova: string;
  let demoProject: string;

  const writeConfig = (name: string, extra: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `[DEFAULT]\nstate_path = ${dir}\n${extra}\n${cloud.serviceSections()}`);
    return file;
  };

  before(async () => {
    cloud = await startCloudIdentity();
    dir = mkdtempSync(join(tmpdir(), 'baton-block-storage-'));
    const database = dialect === 'sqlite' ? '' : `[database]\nconnection = ${POSTGRES}?schema=${schema}\n`;
    configPath = writeConfig('cinder.conf', `${database}[block_storage]\nmax_volume_size = 50\navailability_zone = zone-a\n`);
    service = await startBlockStorage({ files: [configPath], port: 0, log: () => undefined, logger: createSilentLogger() });
    const slowConfig = writeConfig('slow.conf', `[database]\nconnection = sqlite:///${join(dir, 'slow.db')}\n[block_storage]\ncreate_delay = 60\n`);
    slow = await startBlockStorage({ files: [slowConfig], port: 0, log: () => undefined, logger: createSilentLogger() });
    await cloud.addEndpoint('block-storage', 'cinderv3', `${service.url}/v3/%(project_id)s`);
    demo = (await cloud.issue('demo')).token;
    nova = (await cloud.issue('nova')).token;
    demoProject = cloud.users.demo.projectId;
  });

  after(async () => {
    await service?.close();
    await slow?.close();
    await cloud?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgresql') await dropSchema(schema);
  });

  const call = async (method: string, path: string, options: { token?: string; service?: string; body?: unknown; version?: string; base?: string } = {}) => {
    const headers: Record<string, string> = { 'x-auth-token': options.token ?? demo };
    if (options.service !== undefined) headers['x-service-token'] = options.service;
    if (options.version !== undefined) headers['openstack-api-version'] = `volume ${options.version}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${options.base ?? service.url}/v3/${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as Json };
  };

  const waitFor = async (id: string, status: string, base = service.url): Promise<Json> => {
    for (let i = 0; i < 200; i++) {
      const { body } = await call('GET', `${demoProject}/volumes/${id}`, { base });
      if (body.volume?.status === status) return body.volume as Json;
      await sleep(50);
    }
    throw new Error(`volume ${id} never became ${status}`);
  };

  const createVolume = async (name: string): Promise<string> => {
    const created = await call('POST', `${demoProject}/volumes`, { body: { volume: { size: 1, name } } });
    assert.equal(created.status, 202);
    await waitFor(created.body.volume.id, 'available');
    return created.body.volume.id as string;
  };

  it('answers version discovery with the microversions cinderclient negotiates', async () => {
    const root = await fetch(`${service.url}/`);
    assert.equal(root.status, 300);
    const body = (await root.json()) as Json;
    assert.deepEqual([body.versions[0].id, body.versions[0].min_version, body.versions[0].version], ['v3.0', '3.0', '3.70']);
    const shown = await call('GET', `${demoProject}/volumes`, { version: '3.44' });
    assert.equal(shown.headers.get('openstack-api-version'), 'volume 3.44');
  });

  it('checks application-credential access rules under its own type, block-storage, when service_type is unset', async () => {
    const rules = [{ service: 'block-storage', method: 'GET', path: '/v3/*/volumes' }];
    const restricted = await issueAccessRuleToken(cloud.url, demo, cloud.users.demo.userId, rules);
    const statuses = [await call('GET', `${demoProject}/volumes`, { token: restricted }), await call('GET', `${demoProject}/volumes/detail`, { token: restricted })];
    assert.deepEqual(statuses.map((answer) => answer.status), [200, 401]);
  });

  it('creates a volume (creating → available), lists, shows, filters and deletes it', async () => {
    const created = await call('POST', `${demoProject}/volumes`, { body: { volume: { size: 2, name: 'data', description: 'd' } } });
    assert.equal(created.status, 202);
    assert.equal(created.body.volume.status, 'creating');
    assert.equal(created.body.volume.availability_zone, 'zone-a');
    const id = created.body.volume.id as string;
    const volume = await waitFor(id, 'available');
    assert.equal(volume.size, 2);
    assert.equal(volume.name, 'data');
    assert.equal(volume.bootable, 'false');
    assert.deepEqual(volume.attachments, []);
    const summary = await call('GET', `${demoProject}/volumes`);
    assert.ok(summary.body.volumes.some((v: Json) => v.id === id && v.name === 'data' && v.links.length === 2));
    const byName = await call('GET', `${demoProject}/volumes/detail?name=data`);
    assert.deepEqual(byName.body.volumes.map((v: Json) => [v.id, v.status]), [[id, 'available']]);
    assert.equal((await call('DELETE', `${demoProject}/volumes/${id}`)).status, 202);
    const gone = await call('GET', `${demoProject}/volumes/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.message, `Volume ${id} could not be found.`);
  });

  it("keeps a volume 'creating' for [block_storage] create_delay and refuses to delete it meanwhile", async () => {
    const created = await call('POST', `${demoProject}/volumes`, { base: slow.url, body: { volume: { size: 1 } } });
    const id = created.body.volume.id as string;
    await sleep(300);
    const shown = await call('GET', `${demoProject}/volumes/${id}`, { base: slow.url });
    assert.equal(shown.body.volume.status, 'creating');
    assert.equal((await call('DELETE', `${demoProject}/volumes/${id}`, { base: slow.url })).status, 409);
  });

  it('refuses bad input with 400, unknown and foreign volumes with 404', async () => {
    const id = await createVolume('mine');
    const bad = async (body: unknown, message: RegExp) => {
      const response = await call('POST', `${demoProject}/volumes`, { body });
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.match(response.body.error.message, message);
    };
    await bad({ volume: { size: 0 } }, /size/);
    await bad({ volume: { size: 51 } }, /max_volume_size/);
    await bad({ volume: { size: 'big' } }, /size/);
    await bad({ volume: { size: 1, availability_zone: 'elsewhere' } }, /Availability zone 'elsewhere' is invalid/);
    await bad({ volume: {} }, /size/);
    await bad({ nothing: true }, /volume/);
    assert.equal((await call('GET', `${demoProject}/volumes/00000000-0000-0000-0000-000000000000`)).status, 404);
    // nova's project cannot see demo's volume, not even that it exists.
    const foreign = await call('GET', `${cloud.users.nova.projectId}/volumes/${id}`, { token: nova });
    assert.equal(foreign.status, 404);
    const mismatched = await call('GET', `${demoProject}/volumes`, { token: nova });
    assert.equal(mismatched.status, 400);
    assert.match(mismatched.body.error.message, /does not match/);
    const repeated = await call('GET', `${demoProject}/volumes/detail?name=a&name=b`);
    assert.equal(repeated.status, 400);
  });

  it('attaches through the attachments API: reserve, connector, complete (3.44)', async () => {
    const id = await createVolume('disk');
    const instance = '11111111-2222-3333-4444-555555555555';
    assert.equal((await call('POST', `${demoProject}/attachments`, { body: { attachment: { volume_uuid: id, instance_uuid: instance } } })).status, 404, 'not below 3.27');
    const created = await call('POST', `${demoProject}/attachments`, { version: '3.44', body: { attachment: { volume_uuid: id, instance_uuid: instance } } });
    assert.equal(created.status, 200);
    assert.equal(created.body.attachment.status, 'reserved');
    assert.equal((await waitFor(id, 'reserved')).status, 'reserved');
    const attachmentId = created.body.attachment.id as string;
    const updated = await call('PUT', `${demoProject}/attachments/${attachmentId}`, {
      version: '3.44',
      body: { attachment: { connector: { host: 'node1', initiator: 'iqn.x', mode: 'rw' } } },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.attachment.status, 'attaching');
    assert.equal(updated.body.attachment.connection_info.data.target, `baton://node1/${id}`);
    const completed = await call('POST', `${demoProject}/attachments/${attachmentId}/action`, { version: '3.44', body: { 'os-complete': null } });
    assert.equal(completed.status, 204);
    const inUse = await waitFor(id, 'in-use');
    assert.deepEqual(inUse.attachments.map((a: Json) => [a.attachment_id, a.server_id]), [[attachmentId, instance]]);
    const listed = await call('GET', `${demoProject}/attachments/detail?volume_id=${id}`, { version: '3.44' });
    assert.deepEqual(listed.body.attachments.map((a: Json) => [a.id, a.status, a.instance]), [[attachmentId, 'attached', instance]]);
    const deleteVolume = await call('DELETE', `${demoProject}/volumes/${id}`);
    assert.equal(deleteVolume.status, 409);
    assert.match(deleteVolume.body.error.message, /must be available or error/);
    // A second attachment for the same instance (live migration's destination) is allowed; another instance's is not.
    const other = await call('POST', `${demoProject}/attachments`, { version: '3.44', body: { attachment: { volume_uuid: id, instance_uuid: 'aaaaaaaa-0000-0000-0000-000000000000' } } });
    assert.equal(other.status, 409);
    const destination = await call('POST', `${demoProject}/attachments`, { version: '3.44', body: { attachment: { volume_uuid: id, instance_uuid: instance, connector: { host: 'node2' } } } });
    assert.equal(destination.status, 200);
    assert.equal(destination.body.attachment.status, 'attaching');
    assert.equal((await call('GET', `${demoProject}/volumes/${id}`)).body.volume.status, 'in-use');
  });

  it('lets only a service delete an attachment an instance still uses (bug 2004555)', async () => {
    const id = await createVolume('guarded');
    const instance = '22222222-2222-3333-4444-555555555555';
    const created = await call('POST', `${demoProject}/attachments`, { version: '3.44', body: { attachment: { volume_uuid: id, instance_uuid: instance, connector: { host: 'node1' } } } });
    const attachmentId = created.body.attachment.id as string;
    await call('POST', `${demoProject}/attachments/${attachmentId}/action`, { version: '3.44', body: { 'os-complete': null } });

    const byUser = await call('DELETE', `${demoProject}/attachments/${attachmentId}`, { version: '3.44' });
    assert.equal(byUser.status, 409);
    assert.equal(byUser.body.error.message, `Detach volume from instance ${instance} using the Compute API`);
    // A "service token" of a user without the service role is no service token at all.
    const fakeService = await call('DELETE', `${demoProject}/attachments/${attachmentId}`, { version: '3.44', service: (await cloud.issue('demo')).token });
    assert.equal(fakeService.status, 401);
    assert.equal((await call('GET', `${demoProject}/volumes/${id}`)).body.volume.status, 'in-use');

    const byService = await call('DELETE', `${demoProject}/attachments/${attachmentId}`, { version: '3.44', service: nova });
    assert.equal(byService.status, 200);
    assert.deepEqual(byService.body.attachments, []);
    assert.equal((await call('GET', `${demoProject}/volumes/${id}`)).body.volume.status, 'available');

    // A reservation no host is connected to may be dropped by the user.
    const reserved = await call('POST', `${demoProject}/attachments`, { version: '3.44', body: { attachment: { volume_uuid: id, instance_uuid: instance } } });
    assert.equal((await call('DELETE', `${demoProject}/attachments/${reserved.body.attachment.id}`, { version: '3.44' })).status, 200);
    assert.equal((await call('GET', `${demoProject}/volumes/${id}`)).body.volume.status, 'available');
  });

  it('keeps its volumes across a restart', async () => {
    const id = await createVolume('durable');
    await service.close();
    service = await startBlockStorage({ files: [configPath], port: 0, log: () => undefined, logger: createSilentLogger() });
    const shown = await call('GET', `${demoProject}/volumes/${id}`);
    assert.equal(shown.body.volume.status, 'available');
    assert.equal(shown.body.volume.name, 'durable');
  });
});
