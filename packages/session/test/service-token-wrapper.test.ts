import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfigText, serviceUserGroup } from '@baton/config';
import {
  AuthenticationError,
  PasswordAuth,
  ServiceTokenAuthWrapper,
  Session,
  StaticTokenAuth,
  loadServiceUser,
} from '../src/index.ts';
import { ADMIN_PASSWORD } from '@baton/test-support';
import { startLiveIdentity, startTargetServer, type LiveIdentity, type TargetServer } from './support/live-identity.ts';

describe('ServiceTokenAuthWrapper against Baton identity', () => {
  let live: LiveIdentity;
  let echo: TargetServer;
  before(async () => {
    live = await startLiveIdentity();
    echo = await startTargetServer((request) => ({
      status: 200,
      body: { auth: request.headers['x-auth-token'] ?? null, service: request.headers['x-service-token'] ?? null },
    }));
  });
  after(async () => {
    await echo.close();
    await live.close();
  });

  const novaAuth = (password = live.nova.password) =>
    new PasswordAuth({ authUrl: live.url, username: 'nova', userDomainName: 'Default', password, projectName: 'nova-project', projectDomainName: 'Default' });

  async function whoIs(token: string): Promise<{ user: string; roles: string[] }> {
    const admin = new PasswordAuth({ authUrl: live.url, username: 'admin', userDomainId: 'default', password: ADMIN_PASSWORD, projectName: 'admin', projectDomainId: 'default' });
    const response = await new Session({ auth: admin }).get(`${live.url}/auth/tokens`, { headers: { 'X-Subject-Token': token } });
    const body = response.json<{ token: { user: { name: string }; roles: { name: string }[] } }>().token;
    return { user: body.user.name, roles: body.roles.map((r) => r.name) };
  }

  test("headers: the user's token as is, plus the service user's own fresh token", async () => {
    const wrapper = new ServiceTokenAuthWrapper(new StaticTokenAuth({ token: 'expired-user-token' }), novaAuth());
    const headers = await wrapper.getHeaders(new Session());
    assert.deepEqual(Object.keys(headers).sort(), ['X-Auth-Token', 'X-Service-Token']);
    assert.equal(headers['X-Auth-Token'], 'expired-user-token');
    const service = await whoIs(headers['X-Service-Token']!);
    assert.equal(service.user, 'nova');
    assert.ok(service.roles.includes('service'));

    const response = await new Session({ auth: wrapper }).get(`${echo.url}/v3/volumes`);
    assert.deepEqual(response.json(), { auth: 'expired-user-token', service: headers['X-Service-Token'] });
  });

  test('token and endpoints come from the user plugin; the service token is cached across requests', async () => {
    const user = new StaticTokenAuth({ token: 'u', endpointOverride: echo.url });
    const wrapper = new ServiceTokenAuthWrapper(user, novaAuth());
    const session = new Session({ auth: wrapper });
    assert.equal(await wrapper.getToken(session), 'u');
    assert.equal(await wrapper.getEndpoint(session, { serviceType: 'volumev3' }), echo.url);
    const before = live.authRequests();
    const bodies = await Promise.all(
      Array.from({ length: 25 }, async () => (await session.get('/x', { endpointFilter: { serviceType: 'volumev3' } })).json<{ service: string }>()),
    );
    assert.equal(new Set(bodies.map((b) => b.service)).size, 1);
    assert.equal(live.authRequests() - before, 1);
  });

  test('invalidate() drops both; true if either had a token, so a 401 is resent once with a new service token', async () => {
    const wrapper = new ServiceTokenAuthWrapper(new StaticTokenAuth({ token: 'u' }), novaAuth());
    assert.equal(wrapper.invalidate(), false, 'nothing cached yet');
    let first: string | undefined;
    const target = await startTargetServer((request) => {
      first ??= String(request.headers['x-service-token']);
      return request.headers['x-service-token'] === first ? { status: 401 } : { status: 200, body: {} };
    });
    try {
      const response = await new Session({ auth: wrapper }).get(`${target.url}/x`);
      assert.equal(response.status, 200);
      assert.equal(target.requests.length, 2);
      assert.equal(target.requests[1]?.headers['x-auth-token'], 'u');
      assert.notEqual(target.requests[1]?.headers['x-service-token'], first);
    } finally {
      await target.close();
    }
  });

  test('wrong service credentials: a clear AuthenticationError at the first call, nothing sent on the user token alone', async () => {
    const { config } = loadConfigText(
      [
        '[service_user]',
        'send_service_user_token = true',
        'auth_type = password',
        `auth_url = ${live.url}`,
        'username = nova',
        'password = not-the-password',
        'user_domain_name = Default',
        'project_name = nova-project',
        'project_domain_name = Default',
      ].join('\n'),
      [serviceUserGroup],
      'nova.conf',
    );
    const auth = loadServiceUser(config, new StaticTokenAuth({ token: 'user-token' }));
    assert.ok(auth instanceof ServiceTokenAuthWrapper);
    const before = echo.requests.length;
    await assert.rejects(new Session({ auth }).get(`${echo.url}/x`), (e: unknown) => {
      assert.ok(e instanceof AuthenticationError);
      assert.equal(e.status, 401);
      assert.match(e.message, /^Authentication as user 'nova' in domain 'Default' \(password\) failed: identity at http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens answered 401/);
      return true;
    });
    assert.equal(echo.requests.length, before, 'the target never saw the request');
  });

  test('a caller passing no plugin is a TypeError', () => {
    assert.throws(() => new ServiceTokenAuthWrapper(undefined as never, novaAuth()), TypeError);
  });
});
