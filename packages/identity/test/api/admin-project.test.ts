// [resource] admin_project_name/admin_project_domain_name → is_admin_project, as Keystone's
// render_token computes it: by names, on project-scoped tokens, only when both are set.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminToken, createProjectUser, issueToken, json, startTestIdentity, type TestIdentity } from '@baton/test-support';

async function body(t: TestIdentity, token: string): Promise<Record<string, any>> {
  const response = await t.app.inject({ method: 'GET', url: '/v3/auth/tokens?nocatalog', headers: { 'x-auth-token': token, 'x-subject-token': token } });
  assert.equal(response.statusCode, 200, response.body);
  return json(response).token;
}

describe('is_admin_project with [resource] admin_project_name = admin, admin_project_domain_name = Default', () => {
  let t: TestIdentity;
  before(async () => {
    t = await startTestIdentity({ adminProject: { name: 'admin', domainName: 'Default' } });
  });
  after(() => t.close());

  it('is true for the admin project and false for any other project', async () => {
    assert.equal((await body(t, await adminToken(t.app))).is_admin_project, true);
    const demo = await createProjectUser(t, 'demo', 'member');
    const demoToken = await issueToken(t.app, 'demo', demo.password, { project: { id: demo.projectId } });
    assert.equal((await body(t, demoToken)).is_admin_project, false);
  });

  it('is absent from system, domain and unscoped tokens', async () => {
    const reader = await t.service.assignment.getRoleByName('reader');
    await t.service.assignment.grant({ kind: 'user', id: t.boot.userId }, { kind: 'domain', id: 'default' }, reader.id);
    for (const scope of [{ system: { all: true } }, { domain: { id: 'default' } }]) {
      const token = await issueToken(t.app, 'admin', 'admin-secret', scope);
      assert.equal('is_admin_project' in (await body(t, token)), false, JSON.stringify(scope));
    }
    const plain = await createProjectUser(t, 'plain', 'member');
    assert.equal('is_admin_project' in (await body(t, await issueToken(t.app, 'plain', plain.password))), false);
  });

  it('compares the domain by name: a project called admin in another domain is not the admin project', async () => {
    const other = await t.service.resource.createDomain({ name: 'other' });
    const project = await t.service.resource.createProject({ name: 'admin', domainId: other.id });
    const role = await t.service.assignment.getRoleByName('member');
    await t.service.assignment.grant({ kind: 'user', id: t.boot.userId }, { kind: 'project', id: project.id }, role.id);
    const token = await issueToken(t.app, 'admin', 'admin-secret', { project: { id: project.id } });
    assert.equal((await body(t, token)).is_admin_project, false);
  });
});

describe('is_admin_project without an admin project configured', () => {
  let t: TestIdentity;
  before(async () => {
    t = await startTestIdentity({ adminProject: { name: 'admin', domainName: '' } });
  });
  after(() => t.close());

  it('is absent (Keystone needs both options), so services treat every project as the admin project', async () => {
    assert.equal('is_admin_project' in (await body(t, await adminToken(t.app))), false);
  });
});
