// Compute's answers to bad input, as nova gives them: unknown ids and other projects'
// servers 404, actions in the wrong state 409, malformed bodies and unknown references 400,
// each in the OpenStack error JSON, and no job left behind by a refused request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/index.ts';
import { startTestCloud, waitForServer, type TestCloud } from './cloud.ts';

describe('compute API errors', () => {
  let cloud: TestCloud;
  let compute: RunningService;
  let seeded: { networkId: string; imageId: string };
  let serverId: string;
  const demo = async (): Promise<string> => (await cloud.identity.issue('demo')).token;
  const servers = (): string => `${compute.url}/v2.1/servers`;

  before(async () => {
    cloud = await startTestCloud();
    seeded = await cloud.seed(await demo());
    compute = (await cloud.startCompute('nova', { compute: 'spawn_duration = 0.2\nlive_migration_duration = 30\n' })).service;
    const created = await cloud.call('POST', servers(), await demo(), { server: { name: 'vm', imageRef: seeded.imageId, flavorRef: '1', networks: [{ uuid: seeded.networkId }] } });
    serverId = created.body.server.id as string;
    await waitForServer(cloud, `${servers()}/${serverId}`, demo, (s) => s.status === 'ACTIVE');
  });
  after(() => cloud?.close());

  const expectError = (answer: { status: number; body: Record<string, any> }, status: number, message: RegExp): void => {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, status);
    assert.match(answer.body.error.message, message);
  };

  it('404 for an unknown server and for another project\'s server', async () => {
    expectError(await cloud.call('GET', `${servers()}/no-such-server`, await demo()), 404, /Instance no-such-server could not be found/);
    const nova = (await cloud.identity.issue('nova')).token;
    expectError(await cloud.call('GET', `${servers()}/${serverId}`, nova), 404, /could not be found/);
    expectError(await cloud.call('POST', `${servers()}/${serverId}/action`, nova, { 'os-migrateLive': { host: 'node2' } }), 404, /could not be found/);
  });

  it('400 for malformed bodies and unknown flavors, images, networks, hosts and actions', async () => {
    const token = await demo();
    expectError(await cloud.call('POST', servers(), token, { server: { name: 5, flavorRef: '1' } }), 400, /Invalid input/);
    expectError(await cloud.call('POST', servers(), token, { server: { name: 'x', flavorRef: '99', imageRef: seeded.imageId } }), 400, /Flavor 99 could not be found/);
    expectError(await cloud.call('POST', servers(), token, { server: { name: 'x', flavorRef: '1', imageRef: 'no-image' } }), 400, /Image no-image could not be found/);
    expectError(await cloud.call('POST', servers(), token, { server: { name: 'x', flavorRef: '1', imageRef: seeded.imageId, networks: [{ uuid: 'no-net' }] } }), 400, /Network no-net could not be found/);
    expectError(await cloud.call('POST', `${servers()}/${serverId}/action`, token, { 'os-migrateLive': { host: 'node9' } }), 400, /Compute host node9 could not be found/);
    expectError(await cloud.call('POST', `${servers()}/${serverId}/action`, token, { reboot: { type: 'SOFT' } }), 400, /Invalid input/);
    const raw = await fetch(servers(), { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: '{"server": ' });
    assert.equal(raw.status, 400);
    const listed = await cloud.call('GET', servers(), token);
    assert.equal(listed.body.servers.length, 1, 'no refused request left a server (or a job) behind');
  });

  it('409 for an action in the wrong state', async () => {
    const token = await demo();
    assert.equal((await cloud.call('POST', `${servers()}/${serverId}/action`, token, { 'os-migrateLive': { host: 'node2' } })).status, 202);
    expectError(await cloud.call('POST', `${servers()}/${serverId}/action`, token, { 'os-migrateLive': { host: 'node2' } }), 409, /while it is in task_state migrating/);
    expectError(await cloud.call('POST', `${servers()}/${serverId}/action`, token, { createImage: { name: 'snap' } }), 409, /while it is in task_state migrating/);
    expectError(await cloud.call('DELETE', `${servers()}/${serverId}`, token), 409, /task_state migrating/);
  });
});
