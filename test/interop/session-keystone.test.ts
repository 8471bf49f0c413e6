// @baton/session's auth flows against the REAL Keystone (Zed, uwsgi) and against Baton,
// started and seeded alike. A counting proxy in front of each counts POST /v3/auth/tokens.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfigText, serviceUserGroup } from '@baton/config';
import {
  ApplicationCredentialAuth,
  AuthenticationError,
  EndpointNotFoundError,
  PasswordAuth,
  ServiceTokenAuthWrapper,
  Session,
  StaticTokenAuth,
  TokenAuth,
  loadServiceUser,
} from '@baton/session';
import {
  countingProxy,
  type CountingProxy,
  callApi,
  issuePasswordToken,
  TARGET_NAMES,
  startTarget,
  type IdentityTarget,
  seedServiceUsers,
  type ServiceUsers,
} from '@baton/test-support';

for (const name of TARGET_NAMES) {
  describe(`@baton/session against ${name}`, { timeout: 240_000 }, () => {
    let target: IdentityTarget;
    let seeded: ServiceUsers;
    let proxy: CountingProxy;
    before(async () => {
      target = await startTarget(name);
      seeded = await seedServiceUsers(target);
      proxy = await countingProxy(new URL(target.url).origin);
    });
    after(async () => {
      await proxy?.close();
      await target?.stop();
    });

    const nova = (authUrl = target.url, password = seeded.nova.password) =>
      new PasswordAuth({ authUrl, username: 'nova', userDomainName: 'Default', password, projectName: 'service', projectDomainName: 'Default' });

    it('password auth: a project-scoped token whose catalog leads back to identity', async () => {
      const auth = nova();
      const session = new Session({ auth });
      const access = await auth.getAccess(session);
      assert.equal(access.body.user?.id, seeded.nova.userId);
      assert.equal(access.body.project?.id, seeded.nova.projectId);
      assert.ok(access.body.roles?.some((r) => r.name === 'service'));
      assert.ok(access.expiresAt > Date.now() / 1000 + 3000);
      assert.equal(await auth.getEndpoint(session, { serviceType: 'identity', interface: 'internal' }), target.url);
      const projects = await session.get('/auth/projects', { endpointFilter: { serviceType: 'identity' } });
      assert.deepEqual(projects.json<{ projects: { name: string }[] }>().projects.map((p) => p.name), ['service']);
      assert.match(projects.requestId ?? '', /^req-/);
      await assert.rejects(session.get('/x', { endpointFilter: { serviceType: 'compute' } }), EndpointNotFoundError);
    });

    it('password auth by user id and project id, auth_url given without /v3', async () => {
      const access = await new PasswordAuth({
        authUrl: new URL(target.url).origin,
        userId: seeded.demo.userId,
        password: seeded.demo.password,
        projectId: seeded.demo.projectId,
      }).getAccess(new Session());
      assert.equal(access.body.project?.name, 'demo');
    });

    it('token method re-auth: a new token for the same user and project', async () => {
      const { token } = await issuePasswordToken(target.url, 'demo', seeded.demo.password, { project: 'demo' });
      const access = await new TokenAuth({ authUrl: target.url, token, projectId: seeded.demo.projectId }).getAccess(new Session());
      assert.notEqual(access.token, token);
      assert.equal(access.body.user?.id, seeded.demo.userId);
      assert.deepEqual([...(access.body.methods ?? [])].sort(), ['password', 'token']);
    });

    it('application credential created through the API, then used to authenticate', async () => {
      const { token } = await issuePasswordToken(target.url, 'demo', seeded.demo.password, { project: 'demo' });
      const { json } = await callApi('POST', `${target.url}/users/${seeded.demo.userId}/application_credentials`, {
        token,
        body: { application_credential: { name: 'session-interop' } },
        expect: 201,
      });
      const credential = (json as { application_credential: { id: string; secret: string } }).application_credential;
      const access = await new ApplicationCredentialAuth({
        authUrl: target.url,
        applicationCredentialId: credential.id,
        applicationCredentialSecret: credential.secret,
      }).getAccess(new Session());
      assert.deepEqual(access.body.methods, ['application_credential']);
      assert.equal(access.body.project?.id, seeded.demo.projectId);
      const byName = await new ApplicationCredentialAuth({
        authUrl: target.url,
        applicationCredentialName: 'session-interop',
        username: 'demo',
        userDomainId: 'default',
        applicationCredentialSecret: credential.secret,
      }).getAccess(new Session());
      assert.equal(byName.body.project?.id, seeded.demo.projectId);
    });

    it('wrong password: AuthenticationError with status 401', async () => {
      await assert.rejects(nova(target.url, 'wrong').getToken(new Session()), (e: unknown) => {
        assert.ok(e instanceof AuthenticationError);
        assert.equal(e.status, 401);
        assert.match(e.message, /^Authentication as user 'nova' in domain 'Default' \(password\) failed: identity at .* answered 401/);
        return true;
      });
    });

    it('one fetch for 50 concurrent callers; cached afterwards; invalidate forces one more', async () => {
      const auth = nova(proxy.url);
      const session = new Session();
      const before = proxy.authPosts();
      const tokens = await Promise.all(Array.from({ length: 50 }, () => auth.getToken(session)));
      assert.equal(new Set(tokens).size, 1);
      await auth.getToken(session);
      assert.equal(proxy.authPosts() - before, 1);
      auth.invalidate();
      await auth.getToken(session);
      assert.equal(proxy.authPosts() - before, 2);
    });

    it('the wrapper sends the user token unchanged and a service token that identity says is nova with role service', async () => {
      const { token: userToken } = await issuePasswordToken(target.url, 'demo', seeded.demo.password, { project: 'demo' });
      const wrapper = new ServiceTokenAuthWrapper(new StaticTokenAuth({ token: userToken }), nova());
      const headers = await wrapper.getHeaders(new Session());
      assert.equal(headers['X-Auth-Token'], userToken);
      const adminSession = new Session({ auth: new PasswordAuth({ authUrl: target.url, username: 'admin', userDomainId: 'default', password: target.adminPassword, projectName: 'admin', projectDomainId: 'default' }) });
      const validated = await adminSession.get(`${target.url}/auth/tokens`, { headers: { 'X-Subject-Token': headers['X-Service-Token']! } });
      const body = validated.json<{ token: { user: { name: string }; roles: { name: string }[] } }>().token;
      assert.equal(body.user.name, 'nova');
      assert.ok(body.roles.some((r) => r.name === 'service'));
    });

    it('[service_user] from an INI file: wrapper when on; wrong password fails at the first call', async () => {
      const lines = (password: string) =>
        [
          '[service_user]',
          'send_service_user_token = true',
          'auth_type = password',
          `auth_url = ${target.url}`,
          'username = nova',
          `password = ${password}`,
          'user_domain_name = Default',
          'project_name = service',
          'project_domain_name = Default',
        ].join('\n');
      const good = loadServiceUser(loadConfigText(lines(seeded.nova.password), [serviceUserGroup], 'nova.conf').config, new StaticTokenAuth({ token: 'u' }));
      assert.ok(good instanceof ServiceTokenAuthWrapper);
      assert.ok((await good.getHeaders(new Session()))['X-Service-Token']);
      const bad = loadServiceUser(loadConfigText(lines('wrong'), [serviceUserGroup], 'nova.conf').config, new StaticTokenAuth({ token: 'u' }));
      await assert.rejects(bad.getHeaders(new Session()), (e: unknown) => e instanceof AuthenticationError && e.status === 401);
    });
  });

  describe(`@baton/session re-auth margin against ${name} ([token] expiration = 115 s < 120 s)`, { timeout: 240_000 }, () => {
    let target: IdentityTarget;
    let seeded: ServiceUsers;
    before(async () => {
      target = await startTarget(name, { expiration: 115 });
      seeded = await seedServiceUsers(target);
    });
    after(async () => {
      await target?.stop();
    });

    it('a token that never has 120 s left is fetched again on every use', async () => {
      const auth = new PasswordAuth({ authUrl: target.url, userId: seeded.nova.userId, password: seeded.nova.password, projectId: seeded.nova.projectId });
      const session = new Session();
      const tokens = [];
      for (let i = 0; i < 3; i++) tokens.push(await auth.getToken(session));
      assert.equal(new Set(tokens).size, 3);
    });
  });
}
