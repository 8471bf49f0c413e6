// `baton compute serve` killed with SIGKILL in the middle of a live migration, then started
// again on the same nova.conf: the job resumes from its last finished step and completes,
// with nothing lost and nothing done twice (one destination attachment, one port).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Running } from '@baton/test-support';
import { LIVE_MIGRATION_EVENTS, testCloudPerFile, waitForServer, type Json } from './cloud.ts';

const shared = testCloudPerFile();

it('kill -9 of compute mid-migration: the restarted service resumes the job, nothing done twice', async () => {
  const cloud = shared.cloud();
  const demo = async (): Promise<string> => (await cloud.identity.issue('demo')).token;
  const admin = async (): Promise<string> => (await cloud.identity.issue('admin')).token;
  const seeded = await cloud.seed(await demo());
  const conf = await cloud.writeComputeConf('nova', { compute: 'spawn_duration = 0.2\nlive_migration_duration = 8\nworker_name = compute-a\n' });
  const serve = (): Promise<Running> => shared.serveCompute(conf);
  const first = await serve();
  let url = `${first.url}/v2.1/servers`;
  const created = await cloud.call('POST', url, await demo(), { server: { name: 'vm', imageRef: seeded.imageId, flavorRef: '1', networks: [{ uuid: seeded.networkId }] } });
  const id = created.body.server.id as string;
  await waitForServer(cloud, `${url}/${id}`, demo, (s) => s.status === 'ACTIVE');

  const project = cloud.identity.users.demo.projectId;
  const volumes = `${cloud.urls.blockStorage}/v3/${project}/volumes`;
  const volumeId = (await cloud.call('POST', volumes, await demo(), { volume: { size: 1, name: 'data' } })).body.volume.id as string;
  while ((await cloud.call('GET', `${volumes}/${volumeId}`, await demo())).body.volume.status !== 'available') await sleep(100);
  assert.equal((await cloud.call('POST', `${url}/${id}/os-volume_attachments`, await demo(), { volumeAttachment: { volumeId } })).status, 200);

  const migrate = await cloud.call('POST', `${url}/${id}/action`, await demo(), { 'os-migrateLive': { host: 'node2' } }, { 'OpenStack-API-Version': 'compute 2.30' });
  assert.equal(migrate.status, 202);
  const actionUrl = async (): Promise<string> => {
    const list = await cloud.call('GET', `${url}/${id}/os-instance-actions`, await demo());
    return `${url}/${id}/os-instance-actions/${(list.body.instanceActions as Json[]).find((a) => a.action === 'live-migration')?.request_id}`;
  };
  // Killed while the transfer runs, after the destination attachment was made.
  for (;;) {
    const action = (await cloud.call('GET', await actionUrl(), await demo())).body.instanceAction as Json;
    const current = (action.events as Json[]).at(-1);
    if (current?.event === 'compute_transfer' && current.result === null && current.details !== '0%') break;
    await sleep(100);
  }
  process.kill(-(first.child.pid ?? 0), 'SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));

  const second = await serve();
  url = `${second.url}/v2.1/servers`;
  const done = await waitForServer(cloud, `${url}/${id}`, admin, (s) => s['OS-EXT-STS:task_state'] === null || s.status === 'ERROR');
  assert.equal(done.status, 'ACTIVE', JSON.stringify(done.fault));
  assert.equal(done['OS-EXT-SRV-ATTR:host'], 'node2');

  const action = (await cloud.call('GET', await actionUrl(), await demo())).body.instanceAction as Json;
  assert.deepEqual((action.events as Json[]).map((e) => `${e.event} ${e.result}`), LIVE_MIGRATION_EVENTS);
  const calls = action['baton:calls'] as Json[];
  assert.equal(calls.filter((c) => c.method === 'POST' && c.path === '/attachments').length, 1, 'the destination attachment was created once');
  const volume = (await cloud.call('GET', `${volumes}/${volumeId}`, await demo())).body.volume as Json;
  assert.equal(volume.attachments.length, 1, `one attachment left: ${JSON.stringify(volume.attachments)}`);
  const ports = await cloud.call('GET', `${cloud.urls.network}/v2.0/ports?device_id=${id}`, await admin());
  assert.equal(ports.body.ports.length, 1);
  assert.equal(ports.body.ports[0]['binding:host_id'], 'node2');
});
