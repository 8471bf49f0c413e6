// A user token older than identity's [token] allow_expired_window is refused even beside a
// valid service token: the job stops and its fault names that option. The services' token
// caches are off, so each validation reaches identity (a cached validation would be honoured
// for up to token_cache_time, as keystonemiddleware does).
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestCloud, waitForServer, type Json, type TestCloud } from './cloud.ts';

let cloud: TestCloud;
before(async () => {
  cloud = await startTestCloud({ tokenSeconds: 3, allowExpiredWindow: 1, authtoken: ['token_cache_time = -1'] });
});
after(() => cloud?.close());

it('a migration outliving the user token by more than allow_expired_window fails, naming the option', async () => {
  const demo = async (): Promise<string> => (await cloud.identity.issue('demo')).token;
  const seeded = await cloud.seed(await demo());
  const { service } = await cloud.startCompute('nova', { compute: 'spawn_duration = 0.2\nlive_migration_duration = 6\n' });
  const url = `${service.url}/v2.1/servers`;
  const created = await cloud.call('POST', url, await demo(), { server: { name: 'vm', imageRef: seeded.imageId, flavorRef: '1', networks: [{ uuid: seeded.networkId }] } });
  const id = created.body.server.id as string;
  await waitForServer(cloud, `${url}/${id}`, demo, (s) => s.status !== 'BUILD');
  const migrate = await cloud.call('POST', `${url}/${id}/action`, await demo(), { 'os-migrateLive': { host: 'node2' } }, { 'OpenStack-API-Version': 'compute 2.30' });
  assert.equal(migrate.status, 202);
  const failed = await waitForServer(cloud, `${url}/${id}`, demo, (s) => s.status === 'ERROR' || s['OS-EXT-STS:task_state'] === null);
  assert.equal(failed.status, 'ERROR');
  assert.match(failed.fault.details, /\[token\] allow_expired_window/);
  assert.match(failed.fault.details, /keystone\.conf/);
  const refused = (failed.fault.message as string);
  assert.match(refused, /answered 401/);
  const actions = await cloud.call('GET', `${url}/${id}/os-instance-actions`, await demo());
  assert.equal((actions.body.instanceActions as Json[]).find((a) => a.action === 'live-migration')?.message, 'Error');
});
