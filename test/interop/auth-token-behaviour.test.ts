// One behavioural suite for Baton's auth-token middleware (through `baton echo-service`),
// run against the real Keystone (uwsgi) and against Baton's identity service.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  callApi,
  issuePasswordToken,
  TARGET_NAMES,
  startTarget,
  type IdentityTarget,
  startBatonCommand,
  novaAuthtokenConf,
  seedServiceUsers,
  type ServiceUsers,
} from '@baton/test-support';

// Long enough for the seeding helper to finish with one admin token on the real Keystone.
const EXPIRATION = 10;
// Wide enough that the in-window cases finish inside it on a loaded 2-core CI machine.
const WINDOW = 10;
const UNAUTHORIZED = { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function startEchoService(configText: string): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-echo-'));
  const configPath = join(dir, 'service.conf');
  await writeFile(configPath, configText);
  const running = await startBatonCommand(['echo-service', '--config', configPath, '--port', '0']);
  return {
    url: running.url,
    async stop() {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function serviceConf(target: { url: string }, seeded: ServiceUsers): string {
  // allow_expired_window mirrors the identity's [token] value so cached allow_expired results die with the window.
  return novaAuthtokenConf(target.url, seeded, ['http_connect_timeout = 10', `allow_expired_window = ${WINDOW}`]);
}

type Echo = { headers: Record<string, string>; context: { isService: boolean } };

// Keystone's suite and Baton's run side by side (each its own identity, echo service and
// tokens): most of each is waiting for a token to expire, and the waits overlap.
describe('auth-token middleware against each identity service', { concurrency: true }, () => {
  for (const name of TARGET_NAMES) {
    describe(`auth-token middleware against ${name}`, { timeout: 240_000, concurrency: 1 }, () => {
      let target: IdentityTarget;
      let seeded: ServiceUsers;
      let echo: { url: string; stop(): Promise<void> };
      let expiredDemo: string;
      let revokedDemo: string;
      let issuedAt: number;
      let novaToken: string;

      const token = async (user: 'nova' | 'demo') =>
        (await issuePasswordToken(target.url, user, seeded[user].password, { project: seeded[user].project })).token;

      async function get(path: string, headers: Record<string, string> = {}) {
        const response = await fetch(`${echo.url}${path}`, { headers });
        const text = await response.text();
        return { status: response.status, headers: response.headers, body: JSON.parse(text) as unknown, echo: JSON.parse(text) as Echo };
      }

      before(async () => {
        target = await startTarget(name, { expiration: EXPIRATION, allowExpiredWindow: WINDOW });
        seeded = await seedServiceUsers(target);
        echo = await startEchoService(serviceConf(target, seeded));
      });
      after(async () => {
        await echo?.stop();
        await target?.stop();
      });

      it('valid token: 200 with the user identity', async () => {
        const { status, echo: e } = await get('/v1/servers', { 'X-Auth-Token': await token('demo') });
        assert.equal(status, 200);
        assert.equal(e.headers['x-identity-status'], 'Confirmed');
        assert.equal(e.headers['x-user-id'], seeded.demo.userId);
        assert.equal(e.headers['x-project-id'], seeded.demo.projectId);
        assert.ok(e.headers['x-roles']!.split(',').includes('member'));
      });

      it('every spoofable header is stripped, OpenStack-System-Scope included', async () => {
        const spoof = { 'X-Roles': 'admin', 'X-Service-Roles': 'service', 'X-Identity-Status': 'Confirmed', 'OpenStack-System-Scope': 'all', 'X-User-Id': 'evil' };
        const { echo: e } = await get('/v1', { 'X-Auth-Token': await token('demo'), ...spoof });
        assert.ok(!e.headers['x-roles']!.split(',').includes('admin'));
        assert.equal(e.headers['x-service-roles'], undefined);
        assert.equal(e.headers['openstack-system-scope'], undefined);
        assert.equal(e.headers['x-user-id'], seeded.demo.userId);
        const delayed = await get('/delay/v1', spoof);
        assert.equal(delayed.echo.headers['x-identity-status'], 'Invalid');
        for (const h of ['x-roles', 'x-service-roles', 'openstack-system-scope', 'x-user-id']) assert.equal(delayed.echo.headers[h], undefined, h);
      });

      it('service token without the role: 401 when required, 200 with service headers when not', async () => {
        const user = await token('demo');
        const member = await token('demo');
        assert.equal((await get('/v1', { 'X-Auth-Token': user, 'X-Service-Token': member })).status, 401);
        const lax = await get('/lax/v1', { 'X-Auth-Token': user, 'X-Service-Token': member });
        assert.equal(lax.status, 200);
        assert.equal(lax.echo.headers['x-service-identity-status'], 'Confirmed');
        assert.equal(lax.echo.context.isService, false);
      });

      it('invalid service token: 401 (delay mode: X-Service-Identity-Status Invalid)', async () => {
        const user = await token('demo');
        const response = await get('/v1', { 'X-Auth-Token': user, 'X-Service-Token': 'garbage-token' });
        assert.equal(response.status, 401);
        assert.deepEqual(response.body, UNAUTHORIZED);
        assert.equal(response.headers.get('www-authenticate'), `Keystone uri="${target.url}"`);
        const delayed = await get('/delay/v1', { 'X-Auth-Token': user, 'X-Service-Token': 'garbage-token' });
        assert.equal(delayed.echo.headers['x-service-identity-status'], 'Invalid');
      });

      it('delay_auth_decision passes a request without a token on as Invalid', async () => {
        const { status, echo: e } = await get('/delay/anything');
        assert.equal(status, 200);
        assert.equal(e.headers['x-identity-status'], 'Invalid');
      });

      describe('after the user token expired', () => {
        // The tokens are issued here, not in the suite's set-up, so the in-window cases run
        // right after expiry whatever time the earlier cases took on a loaded machine.
        before(async () => {
          issuedAt = Date.now();
          expiredDemo = await token('demo');
          revokedDemo = await token('demo');
          const admin = (await issuePasswordToken(target.url, 'admin', target.adminPassword, { project: 'admin' })).token;
          await callApi('DELETE', `${target.url}/auth/tokens`, { token: admin, headers: { 'x-subject-token': revokedDemo }, expect: 204 });
          await sleep(issuedAt + EXPIRATION * 1000 + 1200 - Date.now());
          novaToken = await token('nova');
        });

        it('expired user token + service token with the role: 200, both identities exposed', async () => {
          const { status, echo: e } = await get('/v1', { 'X-Auth-Token': expiredDemo, 'X-Service-Token': novaToken });
          assert.equal(status, 200);
          assert.equal(e.headers['x-user-id'], seeded.demo.userId);
          assert.equal(e.headers['x-service-user-id'], seeded.nova.userId);
          assert.equal(e.headers['x-service-roles'], 'service');
          assert.equal(e.context.isService, true);
        });

        it('expired token alone: 401', async () => {
          const response = await get('/v1', { 'X-Auth-Token': expiredDemo });
          assert.equal(response.status, 401);
          assert.deepEqual(response.body, UNAUTHORIZED);
        });

        it('expired user token + service token without the role: 401 (required and not)', async () => {
          const member = await token('demo');
          assert.equal((await get('/v1', { 'X-Auth-Token': expiredDemo, 'X-Service-Token': member })).status, 401);
          assert.equal((await get('/lax/v1', { 'X-Auth-Token': expiredDemo, 'X-Service-Token': member })).status, 401);
        });

        it('expired service token: 401', async () => {
          assert.equal((await get('/v1', { 'X-Auth-Token': await token('demo'), 'X-Service-Token': expiredDemo })).status, 401);
        });

        it('revoked user token + valid service token: 401', async () => {
          assert.equal((await get('/v1', { 'X-Auth-Token': revokedDemo, 'X-Service-Token': await token('nova') })).status, 401);
        });

        it('user token expired beyond allow_expired_window + valid service token: 401', async () => {
          await sleep(issuedAt + (EXPIRATION + WINDOW) * 1000 + 1500 - Date.now());
          assert.equal((await get('/v1', { 'X-Auth-Token': expiredDemo, 'X-Service-Token': await token('nova') })).status, 401);
        });
      });
    });
  }
});
