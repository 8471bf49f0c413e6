import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  issuePasswordToken,
  validateStatus,
  seedServiceUsers,
  startKeystone,
  type RealKeystone,
} from '@baton/test-support';

describe('real Keystone harness', { timeout: 180_000 }, () => {
  let keystone: RealKeystone;
  before(async () => {
    keystone = await startKeystone({ expiration: 600 });
  });
  after(async () => {
    await keystone?.stop();
  });

  it('serves the v3 API at its url on a loopback port', async () => {
    assert.match(keystone.url, /^http:\/\/127\.0\.0\.1:\d+\/v3$/);
    const response = await fetch(keystone.url);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { version: { id: string } };
    assert.equal(body.version.id, 'v3.14');
  });

  it('issues an admin token whose catalog points the identity service at its url', async () => {
    const { token, body } = await issuePasswordToken(keystone.url, 'admin', keystone.adminPassword, { project: 'admin' });
    assert.match(token, /^gAAAAAB/);
    assert.equal(body.token.project?.name, 'admin');
    const issued = Date.parse(body.token.expires_at) - Date.now();
    assert.ok(issued > 500_000 && issued <= 600_000, `expiration ${issued} ms should follow [token] expiration = 600`);
    const identity = body.token.catalog?.find((s) => s.type === 'identity');
    assert.deepEqual(identity?.endpoints.map((e) => e.interface).sort(), ['admin', 'internal', 'public']);
    assert.ok(identity?.endpoints.every((e) => e.url === keystone.url && e.region_id === 'RegionOne'));
  });

  it('seeds nova (role service) and demo (role member) who can then authenticate', async () => {
    const seeded = await seedServiceUsers(keystone);
    const nova = await issuePasswordToken(keystone.url, 'nova', seeded.nova.password, { project: 'service' });
    assert.deepEqual(nova.body.token.roles?.map((r) => r.name), ['service']);
    const demo = await issuePasswordToken(keystone.url, 'demo', seeded.demo.password, { project: 'demo' });
    assert.deepEqual(demo.body.token.roles?.map((r) => r.name).sort(), ['member', 'reader']);
    // nova's service role lets it validate another user's token (the middleware's job).
    assert.equal(await validateStatus(keystone.url, nova.token, demo.token), 200);
  });

  it('stop() ends uwsgi and removes the state dir', async () => {
    const { url, stateDir } = keystone;
    await keystone.stop();
    assert.equal(existsSync(stateDir), false);
    await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2_000) }));
  });
});
