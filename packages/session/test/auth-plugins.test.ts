import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ApplicationCredentialAuth,
  AuthenticationError,
  PasswordAuth,
  Session,
  TokenAuth,
  v3Url,
  type AccessInfo,
} from '../src/index.ts';
import { ADMIN_PASSWORD } from '@baton/test-support';
import { startLiveIdentity, type LiveIdentity } from './support/live-identity.ts';

/** Asks identity itself what a token is (GET /v3/auth/tokens as admin). */
async function validate(live: LiveIdentity, token: string): Promise<Record<string, any>> {
  const admin = new PasswordAuth({
    authUrl: live.url,
    username: 'admin',
    userDomainId: 'default',
    password: ADMIN_PASSWORD,
    projectName: 'admin',
    projectDomainId: 'default',
  });
  const session = new Session({ auth: admin });
  const response = await session.get(`${live.url}/auth/tokens`, { headers: { 'X-Subject-Token': token } });
  return response.json<{ token: Record<string, any> }>().token;
}

describe('identity auth plugins against Baton identity', () => {
  let live: LiveIdentity;
  before(async () => {
    live = await startLiveIdentity();
  });
  after(() => live.close());

  test('password by user name + domain name, project scope by name: a project-scoped token with catalog', async () => {
    const auth = new PasswordAuth({
      authUrl: live.url,
      username: 'nova',
      userDomainName: 'Default',
      password: live.nova.password,
      projectName: 'nova-project',
      projectDomainName: 'Default',
    });
    const access = await auth.getAccess(new Session());
    assert.equal(access.body.user?.id, live.nova.userId);
    assert.equal(access.body.project?.id, live.nova.projectId);
    assert.deepEqual(access.body.methods, ['password']);
    assert.ok(access.body.roles?.some((r) => r.name === 'service'));
    assert.ok(Array.isArray(access.body.catalog) && access.body.catalog.length > 0);
    assert.ok(Math.abs(access.expiresAt - (Date.now() / 1000 + 3600)) < 5, 'expiresAt is epoch seconds, one hour ahead');
    const validated = await validate(live, access.token);
    assert.equal(validated['user'].name, 'nova');
  });

  test('password by user id, project id; auth_url without /v3 gets it appended', async () => {
    const auth = new PasswordAuth({
      authUrl: live.url.replace(/\/v3$/, ''),
      userId: live.demo.userId,
      password: live.demo.password,
      projectId: live.demo.projectId,
    });
    const access = await auth.getAccess(new Session());
    assert.equal(access.body.user?.id, live.demo.userId);
    assert.equal(access.body.project?.id, live.demo.projectId);
  });

  test('domain, system and unscoped tokens; includeCatalog false sends ?nocatalog', async () => {
    const { assignment } = live.identity.service;
    const member = await assignment.getRoleByName('member');
    await assignment.grant({ kind: 'user', id: live.demo.userId }, { kind: 'domain', id: 'default' }, member.id);
    const domain = await new PasswordAuth({ authUrl: live.url, userId: live.demo.userId, password: live.demo.password, domainId: 'default' }).getAccess(new Session());
    const base = { authUrl: live.url, username: 'admin', userDomainId: 'default', password: ADMIN_PASSWORD };
    assert.equal(domain.body.domain?.id, 'default');
    assert.equal(domain.body.project, undefined);
    const system = await new PasswordAuth({ ...base, systemScope: 'all' }).getAccess(new Session());
    assert.deepEqual(system.body.system, { all: true });
    // demo has no default project, so no scope means an unscoped token.
    const unscoped = await new PasswordAuth({
      authUrl: live.url,
      userId: live.demo.userId,
      password: live.demo.password,
      includeCatalog: false,
    }).getAccess(new Session());
    assert.equal(unscoped.body.project, undefined);
    assert.equal(unscoped.body.catalog, undefined);
  });

  test('a caller mistake in the options is a TypeError, before any request', () => {
    assert.throws(() => new PasswordAuth({ authUrl: live.url, password: 'x' }), {
      name: 'TypeError',
      message: 'PasswordAuth: userId or username is required',
    });
    assert.throws(() => new PasswordAuth({ authUrl: live.url, username: 'nova', password: 'x' }), {
      name: 'TypeError',
      message: 'PasswordAuth: username needs userDomainId or userDomainName',
    });
    assert.throws(() => new PasswordAuth({ authUrl: live.url, userId: 'u', password: 'x', projectId: 'p', domainId: 'd' }), {
      name: 'TypeError',
      message: 'only one scope may be requested, got domain and project',
    });
    assert.throws(() => new PasswordAuth({ authUrl: live.url, userId: 'u', password: 'x', projectName: 'p' }), {
      name: 'TypeError',
      message: 'projectName needs projectDomainId or projectDomainName',
    });
    assert.throws(() => new PasswordAuth({ authUrl: 'keystone:5000', userId: 'u', password: 'x' }), { name: 'TypeError' });
  });

  test('v3Url appends /v3 only when the URL does not already end in it', () => {
    assert.equal(v3Url('http://h:5000'), 'http://h:5000/v3');
    assert.equal(v3Url('http://h:5000/'), 'http://h:5000/v3');
    assert.equal(v3Url('http://h/identity/v3/'), 'http://h/identity/v3');
    assert.equal(v3Url('http://h/identity'), 'http://h/identity/v3');
  });

  test('token method: exchanges an existing token for a new one of the same user, sending X-Auth-Token too', async () => {
    const first = await new PasswordAuth({
      authUrl: live.url,
      userId: live.demo.userId,
      password: live.demo.password,
    }).getAccess(new Session());
    const auth = new TokenAuth({ authUrl: live.url, token: first.token, projectId: live.demo.projectId });
    const access = await auth.getAccess(new Session());
    assert.notEqual(access.token, first.token);
    assert.equal(access.body.user?.id, live.demo.userId);
    assert.equal(access.body.project?.id, live.demo.projectId);
    assert.deepEqual([...(access.body.methods ?? [])].sort(), ['password', 'token']);
    // Re-scoping never extends a token's life (Keystone keeps the original expires_at).
    assert.ok(access.expiresAt <= first.expiresAt + 0.001);
  });

  test('application credential by id, and by name + owner', async () => {
    const role = await live.identity.service.assignment.getRoleByName('member');
    const { credential, secret } = await live.identity.service.applicationCredentials.create(
      { name: 'backup-job', userId: live.demo.userId, projectId: live.demo.projectId, roleIds: [role.id] },
      [role.id],
    );
    const byId = await new ApplicationCredentialAuth({
      authUrl: live.url,
      applicationCredentialId: credential.id,
      applicationCredentialSecret: secret,
    }).getAccess(new Session());
    assert.deepEqual(byId.body.methods, ['application_credential']);
    assert.equal(byId.body.project?.id, live.demo.projectId);
    assert.equal(byId.body.application_credential?.id, credential.id);

    const byName = await new ApplicationCredentialAuth({
      authUrl: live.url,
      applicationCredentialName: 'backup-job',
      username: 'demo',
      userDomainName: 'Default',
      applicationCredentialSecret: secret,
    }).getAccess(new Session());
    assert.equal(byName.body.application_credential?.id, credential.id);

    await assert.rejects(
      new ApplicationCredentialAuth({
        authUrl: live.url,
        applicationCredentialId: credential.id,
        applicationCredentialSecret: 'wrong',
      }).getAccess(new Session()),
      (error: unknown) => error instanceof AuthenticationError && error.status === 401,
    );
  });

  test('wrong credentials: AuthenticationError naming the user, the URL and the status', async () => {
    const auth = new PasswordAuth({ authUrl: live.url, username: 'nova', userDomainName: 'Default', password: 'wrong' });
    await assert.rejects(auth.getToken(new Session()), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError);
      assert.equal(error.code, 'ERR_SESSION_AUTHENTICATION');
      assert.equal(error.status, 401);
      assert.equal(error.url, `${live.url}/auth/tokens`);
      assert.match(error.requestId ?? '', /^req-/);
      assert.match(
        error.message,
        /^Authentication as user 'nova' in domain 'Default' \(password\) failed: identity at http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens answered 401: /,
      );
      assert.ok(!error.message.includes('wrong'), 'the password is not in the message');
      return true;
    });
  });

  test('the token is cached: many calls, one POST /v3/auth/tokens; invalidate() forces a new one', async () => {
    const auth = new PasswordAuth({ authUrl: live.url, userId: live.nova.userId, password: live.nova.password, projectId: live.nova.projectId });
    const session = new Session();
    const before = live.authRequests();
    const a = await auth.getToken(session);
    const b = await auth.getToken(session);
    assert.equal(a, b);
    assert.equal(live.authRequests() - before, 1);
    assert.equal(auth.invalidate(), true);
    assert.equal(auth.invalidate(), false, 'nothing left to drop');
    const c = await auth.getToken(session);
    assert.notEqual(c, a);
    assert.equal(live.authRequests() - before, 2);
  });

  test('100 concurrent callers on a cold plugin share one fetch', async () => {
    const auth = new PasswordAuth({ authUrl: live.url, userId: live.nova.userId, password: live.nova.password, projectId: live.nova.projectId });
    const session = new Session();
    const before = live.authRequests();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => auth.getToken(session)));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(live.authRequests() - before, 1);
  });

  test('a failed fetch is not cached: the next call tries again', async () => {
    const auth = new PasswordAuth({ authUrl: live.url, userId: live.nova.userId, password: 'wrong' });
    const before = live.authRequests();
    const results = await Promise.allSettled([auth.getToken(new Session()), auth.getToken(new Session())]);
    assert.ok(results.every((r) => r.status === 'rejected'));
    assert.equal(live.authRequests() - before, 1, 'concurrent callers shared the failing fetch');
    await assert.rejects(auth.getToken(new Session()), AuthenticationError);
    assert.equal(live.authRequests() - before, 2);
  });
});

describe('re-authentication before expiry ([token] expiration = 115 s, margin 120 s)', () => {
  let live: LiveIdentity;
  before(async () => {
    live = await startLiveIdentity({ expiration: 115 });
  });
  after(() => live.close());

  test('a token that never has 120 s left is replaced on every use', async () => {
    const auth = new PasswordAuth({ authUrl: live.url, userId: live.nova.userId, password: live.nova.password, projectId: live.nova.projectId });
    const session = new Session();
    const before = live.authRequests();
    const seen: AccessInfo[] = [];
    for (let i = 0; i < 3; i++) seen.push(await auth.getAccess(session));
    assert.equal(live.authRequests() - before, 3);
    assert.equal(new Set(seen.map((a) => a.token)).size, 3);
    for (const access of seen) assert.ok(access.expiresAt - Date.now() / 1000 <= 115);
  });

  test('concurrent callers still share one fetch per refresh', async () => {
    const auth = new PasswordAuth({ authUrl: live.url, userId: live.nova.userId, password: live.nova.password, projectId: live.nova.projectId });
    const session = new Session();
    const before = live.authRequests();
    await Promise.all(Array.from({ length: 20 }, () => auth.getToken(session)));
    assert.equal(live.authRequests() - before, 1);
  });
});

describe('re-authentication before expiry ([token] expiration = 125 s): the 120 s margin is crossed', () => {
  let live: LiveIdentity;
  before(async () => {
    live = await startLiveIdentity({ expiration: 125 });
  });
  after(() => live.close());

  test('cached while more than 120 s remain, refreshed once fewer do', async () => {
    const auth = new PasswordAuth({ authUrl: live.url, userId: live.nova.userId, password: live.nova.password, projectId: live.nova.projectId });
    const session = new Session();
    const before = live.authRequests();
    const first = await auth.getAccess(session);
    assert.equal((await auth.getAccess(session)).token, first.token);
    assert.equal(live.authRequests() - before, 1);
    // Keystone truncates expires_at to the second, so at most ~5 s until the margin is reached.
    const waitMs = (first.expiresAt - 120) * 1000 - Date.now() + 50;
    assert.ok(waitMs < 6000, `wait ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
    const refreshed = await auth.getAccess(session);
    assert.notEqual(refreshed.token, first.token);
    assert.equal(live.authRequests() - before, 2);
  });
});
