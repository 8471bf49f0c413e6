// Compute's long jobs over real HTTP with a 5-second user token: a live migration (with a
// volume attached) and a snapshot that outlive the token succeed because compute sends its
// service token; without it the migration ends in ERROR with a fault naming the option.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIVE_MIGRATION_EVENTS, startTestCloud, waitForServer, type Json, type TestCloud } from './cloud.ts';

const MIGRATE = { 'OpenStack-API-Version': 'compute 2.30' };

describe('compute long jobs outliving a 5-second user token', () => {
  let cloud: TestCloud;
  let seeded: { networkId: string; imageId: string };
  const demo = async (): Promise<string> => (await cloud.identity.issue('demo')).token;
  const admin = async (): Promise<string> => (await cloud.identity.issue('admin')).token;

  before(async () => {
    cloud = await startTestCloud({ tokenSeconds: 5 });
    seeded = await cloud.seed(await demo());
  });
  after(() => cloud?.close());

  async function bootServer(computeUrl: string): Promise<string> {
    const created = await cloud.call('POST', `${computeUrl}/v2.1/servers`, await demo(), {
      server: { name: 'vm', imageRef: seeded.imageId, flavorRef: '1', networks: [{ uuid: seeded.networkId }] },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const id = created.body.server.id as string;
    const server = await waitForServer(cloud, `${computeUrl}/v2.1/servers/${id}`, demo, (s) => s.status !== 'BUILD');
    assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault));
    return id;
  }

  async function lastAction(computeUrl: string, id: string, action: string): Promise<Json> {
    const token = await demo();
    const list = await cloud.call('GET', `${computeUrl}/v2.1/servers/${id}/os-instance-actions`, token);
    const entry = (list.body.instanceActions as Json[]).find((a) => a.action === action);
    assert.ok(entry !== undefined, JSON.stringify(list.body));
    return (await cloud.call('GET', `${computeUrl}/v2.1/servers/${id}/os-instance-actions/${entry.request_id}`, token)).body.instanceAction as Json;
  }

  it('live migration and snapshot succeed after the token expired, with service tokens', async () => {
    const { service } = await cloud.startCompute('nova', { compute: 'spawn_duration = 0.2\nlive_migration_duration = 6\nsnapshot_duration = 6\n' });
    const url = `${service.url}/v2.1/servers`;
    const id = await bootServer(service.url);

    // A volume attached on node1: its attachment must move to node2.
    const project = cloud.identity.users.demo.projectId;
    const volume = await cloud.call('POST', `${cloud.urls.blockStorage}/v3/${project}/volumes`, await demo(), { volume: { size: 1, name: 'data' } });
    const volumeId = volume.body.volume.id as string;
    for (let i = 0; i < 100; i++) {
      const shown = await cloud.call('GET', `${cloud.urls.blockStorage}/v3/${project}/volumes/${volumeId}`, await demo());
      if (shown.body.volume.status === 'available') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const attached = await cloud.call('POST', `${url}/${id}/os-volume_attachments`, await demo(), { volumeAttachment: { volumeId } });
    assert.equal(attached.status, 200, JSON.stringify(attached.body));
    const sourceAttachment = attached.body.volumeAttachment.attachment_id as string;

    const token = await demo();
    const migrate = await cloud.call('POST', `${url}/${id}/action`, token, { 'os-migrateLive': { host: 'node2', block_migration: 'auto' } }, MIGRATE);
    assert.equal(migrate.status, 202, JSON.stringify(migrate.body));
    const migrating = await cloud.call('GET', `${url}/${id}`, token);
    assert.equal(migrating.body.server.status, 'MIGRATING');
    const done = await waitForServer(cloud, `${url}/${id}`, admin, (s) => s['OS-EXT-STS:task_state'] === null);
    assert.equal(done.status, 'ACTIVE', JSON.stringify(done.fault));
    assert.equal(done['OS-EXT-SRV-ATTR:host'], 'node2', 'admins see the new host');
    const asOwner = await cloud.call('GET', `${url}/${id}`, await demo());
    assert.equal('OS-EXT-SRV-ATTR:host' in asOwner.body.server, false, 'the owner does not see hosts');

    const action = await lastAction(service.url, id, 'live-migration');
    assert.deepEqual((action.events as Json[]).map((e) => `${e.event} ${e.result}`), LIVE_MIGRATION_EVENTS);
    const calls = action['baton:calls'] as Json[];
    const late = calls.filter((c) => c.userTokenExpired === true);
    assert.ok(late.length > 0, 'calls were made after the user token expired');
    for (const call of late) assert.ok(call.as === 'service' || (call.serviceToken === true && call.status < 400), JSON.stringify(call));
    for (const call of calls.filter((c) => c.as === 'service')) assert.equal(call.serviceToken, false, 'admin calls carry no service token');
    const deleteSource = calls.find((c) => c.method === 'DELETE' && String(c.path).endsWith(sourceAttachment));
    assert.equal(deleteSource?.status, 200, 'the source attachment was deleted by compute with its service token');
    assert.equal(deleteSource?.userTokenExpired, true);

    const attachments = await cloud.call('GET', `${url}/${id}/os-volume_attachments`, await demo());
    const moved = attachments.body.volumeAttachments[0] as Json;
    assert.notEqual(moved.attachment_id, sourceAttachment, 'the server now uses the destination attachment');

    // Snapshot: captured for 6 s, then uploaded to image with the expired user token.
    const snapToken = await demo();
    const snap = await cloud.call('POST', `${url}/${id}/action`, snapToken, { createImage: { name: 'snap' } }, { 'OpenStack-API-Version': 'compute 2.45' });
    assert.equal(snap.status, 202, JSON.stringify(snap.body));
    const imageId = snap.body.image_id as string;
    await waitForServer(cloud, `${url}/${id}`, demo, (s) => s['OS-EXT-STS:task_state'] === null);
    const image = await cloud.call('GET', `${cloud.urls.image}/v2/images/${imageId}`, await demo());
    assert.equal(image.body.status, 'active', JSON.stringify(await lastAction(service.url, id, 'createImage')));
    const upload = ((await lastAction(service.url, id, 'createImage'))['baton:calls'] as Json[]).find((c) => c.method === 'PUT');
    assert.equal(upload?.userTokenExpired, true);
    assert.equal(upload?.serviceToken, true);
  });

  it('without service tokens the migration ends in ERROR with a fault naming the option and file', async () => {
    const { service, conf } = await cloud.startCompute('nova-no-service-token', {
      sendServiceToken: false,
      compute: 'spawn_duration = 0.2\nlive_migration_duration = 6\n',
    });
    const url = `${service.url}/v2.1/servers`;
    const id = await bootServer(service.url);
    const migrate = await cloud.call('POST', `${url}/${id}/action`, await demo(), { 'os-migrateLive': { host: 'node2', block_migration: 'auto' } }, MIGRATE);
    assert.equal(migrate.status, 202);
    const failed = await waitForServer(cloud, `${url}/${id}`, demo, (s) => s.status === 'ERROR' || s['OS-EXT-STS:task_state'] === null);
    assert.equal(failed.status, 'ERROR');
    assert.match(failed.fault.message, /GET network \/v2\.0\/ports\?device_id=.* answered 401/);
    const action = await lastAction(service.url, id, 'live-migration');
    assert.equal(action.message, 'Error');
    const error = (action.events as Json[]).at(-1) as Json;
    assert.equal(error.event, 'compute_post_live_migration');
    assert.equal(error.result, 'Error');
    assert.ok(String(error.traceback).includes('[service_user] send_service_user_token = true'), error.traceback);
    assert.ok(String(error.traceback).includes(conf), 'the fault names the file to change');
  });

  it('a revoked user token stops the migration even with a service token', async () => {
    const { service } = await cloud.startCompute('nova-revoked', { compute: 'spawn_duration = 0.2\nlive_migration_duration = 3\n' });
    const url = `${service.url}/v2.1/servers`;
    const id = await bootServer(service.url);
    const token = await demo();
    const migrate = await cloud.call('POST', `${url}/${id}/action`, token, { 'os-migrateLive': { host: 'node2' } }, MIGRATE);
    assert.equal(migrate.status, 202);
    const revoked = await cloud.call('DELETE', `${cloud.identity.url}/auth/tokens`, await admin(), undefined, { 'x-subject-token': token });
    assert.equal(revoked.status, 204);
    const failed = await waitForServer(cloud, `${url}/${id}`, demo, (s) => s.status === 'ERROR' || s['OS-EXT-STS:task_state'] === null);
    assert.equal(failed.status, 'ERROR');
    assert.match(failed.fault.details, /revoked/);
    const calls = (await lastAction(service.url, id, 'live-migration'))['baton:calls'] as Json[];
    const refused = calls.find((c) => c.status === 401);
    assert.equal(refused?.serviceToken, true, 'the refused call carried a service token');
  });
});
