// The common service layer against a real identity over real HTTP: the app behind auth-token,
// its errors, microversions and version documents, and the inter-service client calling a
// service through the catalog with and without service tokens.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAuthToken, type AuthToken } from '@baton/auth-token';
import { startCloudIdentity, type CloudIdentity } from '@baton/test-support';
import {
  ConflictError,
  contextOf,
  createServiceApp,
  InterServiceClient,
  InterServiceError,
  loadServiceConfig,
  ServiceConfigError,
  type CallRecord,
} from '../../src/index.ts';

const EXPIRATION = 8;

describe('cloud common: a service behind auth-token, calling another through the catalog', () => {
  let cloud: CloudIdentity;
  let dir: string;
  let auth: AuthToken;
  let app: FastifyInstance;
  let base: string;
  const calls: CallRecord[] = [];

  const configFile = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  before(async () => {
    cloud = await startCloudIdentity({ expiration: EXPIRATION });
    dir = mkdtempSync(join(tmpdir(), 'baton-cloud-common-'));
    const on = loadServiceConfig({ files: [configFile('on.conf', `[DEFAULT]\nstate_path = ${dir}\n[oslo_middleware]\nmax_request_body_size = 2048\n${cloud.serviceSections()}`)], databaseFile: 'x.db', groups: [] });
    const off = loadServiceConfig({ files: [configFile('off.conf', cloud.serviceSections({ sendServiceToken: false }))], databaseFile: 'x.db', groups: [] });
    auth = createAuthToken(on.authToken, { logger: { warn: () => undefined, info: () => undefined } });
    app = await createServiceApp({
      authToken: auth.core,
      bodyLimit: on.values.oslo_middleware.max_request_body_size,
      versions: [{ id: 'v3.0', path: '/v3', status: 'CURRENT', microversions: { serviceType: 'volume', min: '3.0', max: '3.5' } }],
      rootStatus: 300,
    });
    app.get('/v3/echo', async (request) => {
      const ctx = contextOf(request);
      return { ...ctx, catalog: ctx.catalog.map((s) => s.type), microversion: request.microversion };
    });
    app.post('/v3/echo', async (request) => ({ body: request.body }));
    app.get('/v3/busy', async () => {
      throw new ConflictError('Volume is busy.');
    });
    app.get<{ Querystring: { send?: string } }>('/v3/relay', async (request) => {
      const ctx = contextOf(request);
      const config = request.query.send === 'off' ? off : on;
      const client = InterServiceClient.asUser(InterServiceClient.credentialsOf(ctx), config.serviceUser, {
        listener: (call) => calls.push(call),
      });
      try {
        return { callee: await client.json<Record<string, unknown>>('block-storage', '/echo') };
      } catch (error) {
        if (error instanceof InterServiceError) return { failed: error.call };
        throw error;
      }
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    await cloud.addEndpoint('block-storage', 'cinderv3', `${base}/v3`);
  });

  after(async () => {
    await app?.close();
    await auth?.close();
    await cloud?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

  it('answers version discovery without a token and everything else with 401 without one', async () => {
    const root = await get('/');
    assert.equal(root.status, 300);
    const versions = (await root.json()) as { versions: { id: string; version: string; min_version: string; links: { href: string }[] }[] };
    assert.deepEqual(versions.versions.map((v) => [v.id, v.min_version, v.version]), [['v3.0', '3.0', '3.5']]);
    assert.equal(versions.versions[0]?.links[0]?.href, `${base}/v3/`);
    assert.equal((await get('/v3/')).status, 200);
    const denied = await get('/v3/echo');
    assert.equal(denied.status, 401);
    assert.match(denied.headers.get('www-authenticate') ?? '', /Keystone uri=/);
  });

  it("gives routes the caller's context, a request id and the negotiated microversion", async () => {
    const { token } = await cloud.issue('demo');
    const response = await get('/v3/echo', { 'x-auth-token': token, 'openstack-api-version': 'volume 3.3' });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('x-openstack-request-id') ?? '', /^req-[0-9a-f-]{36}$/);
    assert.equal(response.headers.get('openstack-api-version'), 'volume 3.3');
    const ctx = (await response.json()) as Record<string, unknown>;
    assert.equal(ctx.projectId, cloud.users.demo.projectId);
    assert.equal(ctx.userId, cloud.users.demo.userId);
    assert.equal(ctx.isAdmin, false);
    assert.equal(ctx.isService, false);
    assert.equal(ctx.userTokenExpired, false);
    assert.deepEqual(ctx.microversion, { major: 3, minor: 3 });
    assert.ok((ctx.catalog as string[]).includes('block-storage'));
    const admin = await (await get('/v3/echo', { 'x-auth-token': (await cloud.issue('admin')).token })).json();
    assert.equal((admin as { isAdmin: boolean }).isAdmin, true);
    const latest = await get('/v3/echo', { 'x-auth-token': token, 'openstack-api-version': 'volume latest' });
    assert.equal(latest.headers.get('openstack-api-version'), 'volume 3.5');
    const none = await get('/v3/echo', { 'x-auth-token': token });
    assert.equal(none.headers.get('openstack-api-version'), 'volume 3.0');
  });

  it('answers every mistake with the OpenStack error JSON', async () => {
    const { token } = await cloud.issue('demo');
    const expectError = async (response: Response, status: number, message: RegExp) => {
      assert.equal(response.status, status);
      const body = (await response.json()) as { error: { code: number; title: string; message: string } };
      assert.equal(body.error.code, status);
      assert.equal(typeof body.error.title, 'string');
      assert.match(body.error.message, message);
      assert.ok(response.headers.get('x-openstack-request-id'));
    };
    const post = (body: string, type = 'application/json') =>
      fetch(`${base}/v3/echo`, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': type }, body });
    await expectError(await get('/v3/nowhere', { 'x-auth-token': token }), 404, /could not be found/);
    await expectError(await get('/v3/busy', { 'x-auth-token': token }), 409, /Volume is busy/);
    await expectError(await get('/v3/echo', { 'x-auth-token': token, 'openstack-api-version': 'volume 3.9' }), 406, /Minimum is 3.0 and maximum is 3.5/);
    await expectError(await get('/v3/echo', { 'x-auth-token': token, 'openstack-api-version': 'volume x.y' }), 400, /Invalid API version/);
    await expectError(await post('{"volume": '), 400, /not valid JSON/);
    await expectError(await post(`${'['.repeat(40)}${']'.repeat(40)}`), 400, /nested deeper/);
    await expectError(await post(JSON.stringify({ name: 'x'.repeat(4096) })), 413, /too large/);
    await expectError(await post('name=x', 'application/x-www-form-urlencoded'), 400, /Content-Type/);
    assert.deepEqual(await (await post('{"volume":{"size":1}}')).json(), { body: { volume: { size: 1 } } });
  });

  it('calls another service as the user with the service token beside it, and reports the call', async () => {
    const { token } = await cloud.issue('demo');
    calls.length = 0;
    const relayed = (await (await get('/v3/relay', { 'x-auth-token': token })).json()) as { callee: Record<string, unknown> };
    assert.equal(relayed.callee.userId, cloud.users.demo.userId);
    assert.equal(relayed.callee.isService, true, 'the callee saw a valid service token with role service');
    assert.equal(calls.length, 1);
    const [call] = calls;
    assert.equal(call?.serviceType, 'block-storage');
    assert.equal(call?.method, 'GET');
    assert.equal(call?.path, '/echo');
    assert.equal(call?.as, 'user');
    assert.equal(call?.serviceToken, true);
    assert.equal(call?.userTokenExpired, false);
    assert.equal(call?.status, 200);
    assert.match(call?.requestId ?? '', /^req-/);

    calls.length = 0;
    const plain = (await (await get('/v3/relay?send=off', { 'x-auth-token': token })).json()) as { callee: Record<string, unknown> };
    assert.equal(plain.callee.isService, false);
    assert.equal(calls[0]?.serviceToken, false);
  });

  it("lets a call with an expired user token through only when the service's token goes with it", async () => {
    const user = await cloud.issue('demo');
    // Wait for the user token to expire (it lives EXPIRATION seconds).
    const expiresAt = Date.parse(user.body.token.expires_at);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 500));
    assert.equal((await get('/v3/echo', { 'x-auth-token': user.token })).status, 401);
    // The incoming call carries a service token too (as a job's caller would), so it is accepted.
    const headers = { 'x-auth-token': user.token, 'x-service-token': (await cloud.issue('nova')).token };
    calls.length = 0;
    const relayed = (await (await get('/v3/relay', headers)).json()) as { callee: Record<string, unknown> };
    assert.equal(relayed.callee.userTokenExpired, true);
    assert.equal(calls[0]?.userTokenExpired, true);
    assert.equal(calls[0]?.serviceToken, true);
    assert.equal(calls[0]?.status, 200);

    calls.length = 0;
    const failed = (await (await get('/v3/relay?send=off', headers)).json()) as { failed: CallRecord };
    assert.equal(failed.failed.status, 401);
    assert.equal(failed.failed.serviceToken, false);
    assert.equal(failed.failed.userTokenExpired, true);
  });

  it('names the file, section and option of a configuration mistake', () => {
    const noAuthType = configFile('bad-service-user.conf', `${cloud.serviceSections()}`.replace(/\[service_user\]\n(.|\n)*$/, '[service_user]\nsend_service_user_token = true\n'));
    assert.throws(
      () => loadServiceConfig({ files: [noAuthType], databaseFile: 'x.db', groups: [] }),
      (error: unknown) => error instanceof ServiceConfigError && error.message.startsWith(noAuthType) && /\[service_user\] auth_type/.test(error.message),
    );
    const badDatabase = configFile('bad-db.conf', `[database]\nconnection = mysql://x\n${cloud.serviceSections()}`);
    assert.throws(
      () => loadServiceConfig({ files: [badDatabase], databaseFile: 'x.db', groups: [] }),
      (error: unknown) => error instanceof ServiceConfigError && error.message.includes(badDatabase) && /\[database\] connection/.test(error.message),
    );
    const noPassword = configFile('no-password.conf', '[keystone_authtoken]\nauth_url = http://127.0.0.1:1/v3\nusername = nova\n');
    assert.throws(
      () => loadServiceConfig({ files: [noPassword], databaseFile: 'x.db', groups: [] }),
      (error: unknown) => error instanceof ServiceConfigError && error.message.startsWith(noPassword) && /password/.test(error.message),
    );
  });
});
