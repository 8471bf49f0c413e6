// Two `baton compute serve` processes on one PostgreSQL database (each its own nova.conf and
// worker name, as two nova-compute hosts): the one holding a live migration is killed with
// SIGKILL mid-transfer, and the other takes the job over once its lease runs out and finishes it,
// with nothing lost and nothing done twice (each step's calls recorded once, one attachment, one port).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Running } from '@baton/test-support';
import { LIVE_MIGRATION_EVENTS, testCloudPerFile, waitForServer, type Json } from './cloud.ts';

const POSTGRES = 'postgresql://postgres@127.0.0.1:5432/test';
// A schema per run, so parallel runs never share job rows.
const SCHEMA = `compute_takeover_${randomBytes(6).toString('hex')}`;

const shared = testCloudPerFile(async () => {
  const client = new pg.Client(POSTGRES);
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await client.end();
});

/** The worker name holding the instance's live-migration job, read from the shared database. */
async function leaseHost(instanceId: string): Promise<string | null> {
  const client = new pg.Client(POSTGRES);
  await client.connect();
  try {
    const { rows } = await client.query<{ lease_host: string | null }>(`SELECT lease_host FROM ${SCHEMA}.job WHERE instance_id = $1 AND kind = 'live-migration'`, [instanceId]);
    return rows[0]?.lease_host ?? null;
  } finally {
    await client.end();
  }
}

it('two compute services on PostgreSQL: the survivor finishes the migration the killed one held, nothing done twice', async () => {
  const cloud = shared.cloud();
  const demo = async (): Promise<string> => (await cloud.identity.issue('demo')).token;
  const admin = async (): Promise<string> => (await cloud.identity.issue('admin')).token;
  const seeded = await cloud.seed(await demo());
  const connection = `${POSTGRES}?schema=${SCHEMA}`;
  const names = ['compute-a', 'compute-b'];
  const services: Record<string, Running> = {};
  // One after the other: the first creates the schema and its tables, the second finds them.
  for (const name of names) {
    const compute = `spawn_duration = 0.2\nlive_migration_duration = 6\njob_lease_seconds = 2\njob_poll_interval = 0.2\nworker_name = ${name}\n`;
    const conf = await cloud.writeComputeConf(name, { connection, compute });
    services[name] = await shared.serveCompute(conf);
  }
  const servers = (name: string): string => `${services[name]?.url}/v2.1/servers`;

  const created = await cloud.call('POST', servers('compute-a'), await demo(), { server: { name: 'vm', imageRef: seeded.imageId, flavorRef: '1', networks: [{ uuid: seeded.networkId }] } });
  const id = created.body.server.id as string;
  await waitForServer(cloud, `${servers('compute-b')}/${id}`, demo, (s) => s.status === 'ACTIVE');
  const project = cloud.identity.users.demo.projectId;
  const volumes = `${cloud.urls.blockStorage}/v3/${project}/volumes`;
  const volumeId = (await cloud.call('POST', volumes, await demo(), { volume: { size: 1, name: 'data' } })).body.volume.id as string;
  while ((await cloud.call('GET', `${volumes}/${volumeId}`, await demo())).body.volume.status !== 'available') await sleep(100);
  assert.equal((await cloud.call('POST', `${servers('compute-a')}/${id}/os-volume_attachments`, await demo(), { volumeAttachment: { volumeId } })).status, 200);

  const migrate = await cloud.call('POST', `${servers('compute-a')}/${id}/action`, await demo(), { 'os-migrateLive': { host: 'node2' } }, { 'OpenStack-API-Version': 'compute 2.30' });
  assert.equal(migrate.status, 202);
  const actionOn = async (name: string): Promise<Json> => {
    const list = await cloud.call('GET', `${servers(name)}/${id}/os-instance-actions`, await demo());
    const requestId = (list.body.instanceActions as Json[]).find((a) => a.action === 'live-migration')?.request_id as string;
    return (await cloud.call('GET', `${servers(name)}/${id}/os-instance-actions/${requestId}`, await demo())).body.instanceAction as Json;
  };
  // Killed while the transfer runs: whichever service claimed the job.
  for (;;) {
    const current = ((await actionOn('compute-b')).events as Json[]).at(-1);
    if (current?.event === 'compute_transfer' && current.result === null && current.details !== '0%') break;
    await sleep(100);
  }
  const victim = await leaseHost(id);
  assert.ok(victim !== null && names.includes(victim), `the job is held by one of the services (${victim})`);
  const survivor = names.find((name) => name !== victim) as string;
  const killed = services[victim] as Running;
  process.kill(-(killed.child.pid ?? 0), 'SIGKILL');
  await new Promise((resolve) => killed.child.once('exit', resolve));

  const done = await waitForServer(cloud, `${servers(survivor)}/${id}`, admin, (s) => s['OS-EXT-STS:task_state'] === null || s.status === 'ERROR');
  assert.equal(done.status, 'ACTIVE', JSON.stringify(done.fault));
  assert.equal(done['OS-EXT-SRV-ATTR:host'], 'node2');
  assert.equal(await leaseHost(id), null, 'the finished job holds no lease');

  const action = await actionOn(survivor);
  assert.deepEqual((action.events as Json[]).map((e) => `${e.event} ${e.result}`), LIVE_MIGRATION_EVENTS);
  const calls = (action['baton:calls'] as Json[]).map((c) => `${c.step} ${c.method} ${c.path}`);
  assert.deepEqual(calls, [...new Set(calls)], 'each step made each of its calls once');
  assert.ok(calls.some((c) => c.startsWith('post_live_migration ')), 'the survivor ran the post-migration calls');
  const volume = (await cloud.call('GET', `${volumes}/${volumeId}`, await demo())).body.volume as Json;
  assert.equal(volume.attachments.length, 1, `one attachment left: ${JSON.stringify(volume.attachments)}`);
  const ports = await cloud.call('GET', `${cloud.urls.network}/v2.0/ports?device_id=${id}`, await admin());
  assert.equal(ports.body.ports.length, 1);
  assert.equal(ports.body.ports[0]['binding:host_id'], 'node2');
});
