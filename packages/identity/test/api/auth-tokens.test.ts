// POST/GET/HEAD/DELETE /v3/auth/tokens against a real service (SQLite, Fernet keys).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DIALECTS,
  ADMIN_PASSWORD,
  adminToken,
  createProjectUser,
  issueToken,
  json,
  passwordBody,
  startTestIdentity,
  type TestIdentity,
} from '@baton/test-support';

const GENERIC_401 = { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } };

for (const dialect of DIALECTS) describe(`POST /v3/auth/tokens (${dialect})`, () => {
  let t: TestIdentity;
  before(async () => {
    t = await startTestIdentity({ dialect });
  });
  after(() => t.close());

  it('issues a project-scoped token by user name and domain, body and X-Subject-Token as Keystone', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordBody('admin', ADMIN_PASSWORD, { project: { name: 'admin', domain: { name: 'Default' } } }) as object,
    });
    assert.equal(r.statusCode, 201);
    const tokenId = r.headers['x-subject-token'] as string;
    assert.match(tokenId, /^gAAAAA[A-Za-z0-9_-]+$/);
    assert.equal(r.headers['vary'], 'X-Auth-Token');
    assert.match(r.headers['x-openstack-request-id'] as string, /^req-[0-9a-f-]{36}$/);
    const { token } = json(r);
    assert.deepEqual(token.methods, ['password']);
    assert.deepEqual(token.user, { domain: { id: 'default', name: 'Default' }, id: t.boot.userId, name: 'admin', password_expires_at: null });
    assert.deepEqual(token.project, { domain: { id: 'default', name: 'Default' }, id: t.boot.projectId, name: 'admin' });
    assert.equal(token.is_domain, false);
    assert.deepEqual(token.roles.map((x: { name: string }) => x.name).sort(), ['admin', 'member', 'reader']);
    assert.match(token.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$/);
    assert.equal(Date.parse(token.expires_at) - Date.parse(token.issued_at), 3600_000);
    assert.equal(token.audit_ids.length, 1);
    assert.match(token.audit_ids[0], /^[A-Za-z0-9_-]{22}$/);
    const identity = token.catalog.find((s: { type: string }) => s.type === 'identity');
    assert.equal(identity.name, 'keystone');
    assert.deepEqual(identity.endpoints.map((e: { interface: string }) => e.interface).sort(), ['admin', 'internal', 'public']);
  });

  it('honours ?nocatalog (the key is absent, not empty)', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens?nocatalog',
      payload: passwordBody('admin', ADMIN_PASSWORD, { project: { id: t.boot.projectId } }) as object,
    });
    assert.equal(r.statusCode, 201);
    assert.equal('catalog' in json(r).token, false);
  });

  it("fills $(project_id)s and %(project_id)s into catalog URLs, leaving such endpoints out without a project", async () => {
    const volume = await t.service.catalog.createService({ type: 'volumev3', name: 'cinderv3' });
    await t.service.catalog.createEndpoint({ serviceId: volume.id, interface: 'public', url: 'http://127.0.0.1:8776/v3/%(project_id)s' });
    const compute = await t.service.catalog.createService({ type: 'compute-legacy', name: 'nova-legacy' });
    await t.service.catalog.createEndpoint({ serviceId: compute.id, interface: 'public', url: 'http://127.0.0.1:8774/v2/$(tenant_id)s' });
    try {
      const scoped = json(await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody('admin', ADMIN_PASSWORD, { project: { name: 'admin', domain: { name: 'Default' } } }) as object })).token;
      const urlOf = (token: { catalog: { type: string; endpoints: { url: string }[] }[] }, type: string) => token.catalog.find((s) => s.type === type)?.endpoints[0]?.url;
      assert.equal(urlOf(scoped, 'volumev3'), `http://127.0.0.1:8776/v3/${t.boot.projectId}`);
      assert.equal(urlOf(scoped, 'compute-legacy'), `http://127.0.0.1:8774/v2/${t.boot.projectId}`);
      const system = json(await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody('admin', ADMIN_PASSWORD, { system: { all: true } }) as object })).token;
      assert.equal(urlOf(system, 'volumev3'), undefined);
    } finally {
      await t.service.catalog.deleteService(volume.id);
      await t.service.catalog.deleteService(compute.id);
    }
  });

  it('scopes to a user id, the system, a domain, or nothing', async () => {
    const byId = (scope?: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/v3/auth/tokens',
        payload: { auth: { identity: { methods: ['password'], password: { user: { id: t.boot.userId, password: ADMIN_PASSWORD } } }, ...(scope ? { scope } : {}) } },
      });
    const system = json(await byId({ system: { all: true } })).token;
    assert.deepEqual(system.system, { all: true });
    assert.equal(system.project, undefined);
    await t.service.assignment.grant({ kind: 'user', id: t.boot.userId }, { kind: 'domain', id: 'default' }, t.boot.roleIds.admin as string);
    const domain = json(await byId({ domain: { id: 'default' } })).token;
    assert.deepEqual(domain.domain, { id: 'default', name: 'Default' });
    const unscoped = json(await byId('unscoped')).token;
    assert.equal(unscoped.roles, undefined);
    assert.equal(unscoped.catalog, undefined);
    // No scope: unscoped, as bootstrap gives the admin no default project (as Keystone's)...
    assert.equal(json(await byId()).token.project, undefined);
    // ...and the user's default project once it has one.
    await t.service.identity.updateUser(t.boot.userId, { defaultProjectId: t.boot.projectId });
    try {
      assert.equal(json(await byId()).token.project.id, t.boot.projectId);
    } finally {
      await t.service.identity.updateUser(t.boot.userId, { defaultProjectId: null });
    }
  });

  it('answers a wrong password, an unknown user, a disabled user and a foreign project with the same 401', async () => {
    const someone = await createProjectUser(t, 'carol', 'member');
    await t.service.identity.createUser({ name: 'disabled', domainId: 'default', password: 'pw', enabled: false });
    const cases = [
      passwordBody('admin', 'wrong'),
      passwordBody('nobody', 'pw'),
      passwordBody('disabled', 'pw'),
      passwordBody('carol', someone.password, { project: { id: t.boot.projectId } }),
      passwordBody('carol', someone.password, { project: { id: 'no-such-project' } }),
    ];
    for (const payload of cases) {
      const r = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: payload as object });
      assert.equal(r.statusCode, 401);
      assert.deepEqual(json(r), GENERIC_401);
      assert.equal(r.headers['www-authenticate'], 'Keystone uri="http://localhost/v3"');
    }
  });

  it('rejects malformed bodies with 400 and Keystone messages', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', headers: { 'content-type': 'application/json' }, payload: '{"auth": ' });
    assert.equal(bad.statusCode, 400);
    assert.match(json(bad).error.message, /^Expecting to find valid JSON in request body\./);
    const noDomain = await t.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'x' } } } } },
    });
    assert.equal(noDomain.statusCode, 400);
    assert.match(json(noDomain).error.message, /^Expecting to find domain in user\./);
    const noAuth = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: { nope: 1 } });
    assert.equal(noAuth.statusCode, 400);
    assert.match(json(noAuth).error.message, /^Expecting to find auth in request body\./);
    const twoScopes = await t.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordBody('admin', ADMIN_PASSWORD, { project: { id: 'x' }, domain: { id: 'y' } }) as object,
    });
    assert.equal(twoScopes.statusCode, 400);
  });

  it('refuses an unsupported method with 401 listing the methods it accepts', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: { auth: { identity: { methods: ['totp'], totp: {} } } } });
    assert.equal(r.statusCode, 401);
    assert.deepEqual(json(r).error.identity, { methods: ['password', 'token', 'oauth1', 'application_credential'] });
  });

  it('re-scopes with the token method: same expiry, audit chain kept, methods merged', async () => {
    const unscoped = await issueToken(t.app, 'admin', ADMIN_PASSWORD, 'unscoped');
    const first = json(await t.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': unscoped, 'x-subject-token': unscoped } })).token;
    const r = await t.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: { identity: { methods: ['token'], token: { id: unscoped } }, scope: { project: { id: t.boot.projectId } } } },
    });
    assert.equal(r.statusCode, 201);
    const token = json(r).token;
    assert.equal(token.expires_at, first.expires_at);
    assert.deepEqual(token.methods.sort(), ['password', 'token']);
    assert.equal(token.audit_ids.length, 2);
    assert.equal(token.audit_ids[1], first.audit_ids[0]);
  });

  it('keeps serving after an oversized body (413)', async () => {
    const big = { auth: { identity: { methods: ['password'], password: { user: { id: 'x', password: 'a'.repeat(200_000) } } } } };
    const r = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: big });
    assert.equal(r.statusCode, 413);
    assert.equal(json(r).error.code, 413);
    assert.ok(await adminToken(t.app));
  });
});
