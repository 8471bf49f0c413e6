// GET /v3/auth/catalog, /v3/auth/projects, /v3/auth/domains, /v3/auth/system: what the caller may scope to.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminToken, createProjectUser, issueToken, json, startTestIdentity, type TestIdentity } from '@baton/test-support';

describe('/v3/auth/* for the caller', () => {
  let t: TestIdentity;
  let demo: { userId: string; projectId: string; password: string };
  let demoToken: string;
  let admin: string;

  before(async () => {
    t = await startTestIdentity();
    demo = await createProjectUser(t, 'demo', 'member');
    demoToken = await issueToken(t.app, 'demo', demo.password, 'unscoped');
    admin = await adminToken(t.app);
  });
  after(() => t.close());

  const get = (path: string, token: string) => t.app.inject({ method: 'GET', url: path, headers: { 'x-auth-token': token } });

  it('catalog: the v3 catalog with links; 401 without a token', async () => {
    const r = await get('/v3/auth/catalog', admin);
    assert.equal(r.statusCode, 200);
    const body = json(r);
    assert.equal(body.links.self, 'http://localhost/v3/auth/catalog');
    const identity = body.catalog.find((s: { type: string }) => s.type === 'identity');
    assert.equal(identity.endpoints.length, 3);
    const noToken = await t.app.inject({ method: 'GET', url: '/v3/auth/catalog' });
    assert.equal(noToken.statusCode, 401);
  });

  it('projects: only the enabled projects the user holds a role on', async () => {
    const body = json(await get('/v3/auth/projects', demoToken));
    assert.deepEqual(body.projects.map((p: { id: string }) => p.id), [demo.projectId]);
    await t.service.resource.updateProject(demo.projectId, { enabled: false });
    assert.deepEqual(json(await get('/v3/auth/projects', demoToken)).projects, []);
    await t.service.resource.updateProject(demo.projectId, { enabled: true });
  });

  it('domains: those with a role for the user; system: [{all: true}] only for system role holders', async () => {
    assert.deepEqual(json(await get('/v3/auth/domains', demoToken)).domains, []);
    const member = await t.service.assignment.getRoleByName('member');
    await t.service.assignment.grant({ kind: 'user', id: demo.userId }, { kind: 'domain', id: 'default' }, member.id);
    assert.deepEqual(json(await get('/v3/auth/domains', demoToken)).domains.map((d: { id: string }) => d.id), ['default']);
    assert.deepEqual(json(await get('/v3/auth/system', demoToken)).system, []);
    assert.deepEqual(json(await get('/v3/auth/system', admin)).system, [{ all: true }]);
  });
});
