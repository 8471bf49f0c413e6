// One [service_user] login per process: every inter-service client a service builds (one per
// API request, one per job step) shares the plugin loaded with its config, so identity sees
// the service user authenticate once however many calls carry its token. The service user's
// auth_url goes through a proxy that counts POST /v3/auth/tokens.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAuthToken, type AuthToken } from '@baton/auth-token';
import { countingProxy, novaAuthtokenConf, novaCredentials, startCloudIdentity, type CloudIdentity, type CountingProxy, type IssuedToken } from '@baton/test-support';
import { contextOf, createServiceApp, InterServiceClient, loadServiceConfig, type ServiceConfig, type UserCredentials } from '../../src/index.ts';

const CALLS = 60;

const credentialsOf = (issued: IssuedToken): UserCredentials => ({
  token: issued.token,
  expiresAt: new Date(issued.body.token.expires_at),
  catalog: issued.body.token.catalog ?? [],
});

describe('cloud common: the service user authenticates once per process', () => {
  let cloud: CloudIdentity;
  let proxy: CountingProxy;
  let dir: string;
  let auth: AuthToken;
  let callee: FastifyInstance;

  const load = (name: string, send: boolean): ServiceConfig<[]> => {
    const file = join(dir, name);
    const serviceUser = ['[service_user]', `send_service_user_token = ${send}`, ...novaCredentials(proxy.url, cloud.users), ''];
    writeFileSync(file, `${novaAuthtokenConf(cloud.url, cloud.users)}\n${serviceUser.join('\n')}`);
    return loadServiceConfig({ files: [file], databaseFile: 'x.db', groups: [] });
  };

  before(async () => {
    cloud = await startCloudIdentity();
    proxy = await countingProxy(new URL(cloud.url).origin);
    dir = mkdtempSync(join(tmpdir(), 'baton-service-user-auth-'));
    const calleeConfig = load('callee.conf', true);
    auth = createAuthToken(calleeConfig.authToken, { logger: { warn: () => undefined, info: () => undefined } });
    callee = await createServiceApp({ authToken: auth.core, bodyLimit: 4096, versions: [{ id: 'v2.0', path: '/v2.0', status: 'CURRENT' }], rootStatus: 200 });
    callee.get('/v2.0/whoami', async (request) => ({ isService: contextOf(request).isService, userId: contextOf(request).userId }));
    await cloud.addEndpoint('network', 'neutron', await callee.listen({ host: '127.0.0.1', port: 0 }));
  });

  after(async () => {
    await callee?.close();
    await auth?.close();
    await proxy?.close();
    await cloud?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("sends the same service token on every client's calls, as the user and as itself, after one login", async () => {
    const config = load('nova.conf', true);
    assert.equal(proxy.authPosts(), 0, 'loading the config does not log in yet');
    const users = await Promise.all([cloud.issue('demo'), cloud.issue('admin')]);
    const asUser = (i: number) => {
      return InterServiceClient.asUser(credentialsOf(users[i % users.length]!), config.serviceUser).json<{ isService: boolean; userId: string }>('network', '/v2.0/whoami');
    };
    // A burst first (one login in flight shared by all), then calls one after another, each
    // through a new client as the API and job steps make them.
    const burst = await Promise.all(Array.from({ length: CALLS / 2 }, (_, i) => asUser(i)));
    for (let i = 0; i < CALLS / 2; i++) burst.push(await asUser(i));
    assert.ok(burst.every((answer) => answer.isService), 'every call carried a valid service token');
    assert.deepEqual(new Set(burst.map((answer) => answer.userId)), new Set([cloud.users.demo.userId, users[1]!.body.token.user.id]));
    assert.ok(config.serviceUser.auth !== null);
    const admin = InterServiceClient.asService(config.serviceUser.auth);
    for (let i = 0; i < 5; i++) assert.equal((await admin.json<{ userId: string }>('network', '/v2.0/whoami')).userId, cloud.users.nova.userId);
    assert.equal(proxy.authPosts(), 1, `the service user logged in ${proxy.authPosts()} times for ${CALLS + 5} calls`);
  });

  it('keeps the credentials for admin calls without sending service tokens when the switch is off', async () => {
    const before = proxy.authPosts();
    const config = load('off.conf', false);
    assert.equal(config.serviceUser.sendServiceToken, false);
    const credentials = credentialsOf(await cloud.issue('demo'));
    for (let i = 0; i < 5; i++) assert.equal((await InterServiceClient.asUser(credentials, config.serviceUser).json<{ isService: boolean }>('network', '/v2.0/whoami')).isService, false);
    assert.equal(proxy.authPosts(), before, 'no service-user login without the switch');
    assert.ok(config.serviceUser.auth !== null);
    await InterServiceClient.asService(config.serviceUser.auth).json('network', '/v2.0/whoami');
    assert.equal(proxy.authPosts(), before + 1);
  });
});
