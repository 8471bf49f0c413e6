// GET /v3/role_assignments: direct rows, filters, include_names and effective mode,
// with the shapes and links Keystone returns.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, assertError, BASE, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let admin: Caller;
let roles: Record<string, string>;
let adminId: string;
let adminProject: string;

before(async () => {
  identity = await startTestIdentity();
  admin = await adminCaller(identity);
  roles = identity.boot.roleIds;
  adminId = identity.boot.userId;
  adminProject = identity.boot.projectId;
});
after(() => identity.close());

async function list(query: string): Promise<Record<string, any>> {
  const response = await admin('GET', `/v3/role_assignments${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return json(response);
}

describe('GET /v3/role_assignments', () => {
  test('include_names=True (openstack role assignment list --names) shows names and domains', async () => {
    const body = await list(`?include_names=True&user.id=${adminId}`);
    assert.equal(body.links.self, `${BASE}/role_assignments?include_names=True&user.id=${adminId}`);
    const domain = { id: 'default', name: 'Default' };
    const user = { id: adminId, name: 'admin', domain };
    assert.deepEqual(body.role_assignments, [
      {
        links: { assignment: `${BASE}/projects/${adminProject}/users/${adminId}/roles/${roles.admin}` },
        scope: { project: { id: adminProject, name: 'admin', domain } },
        user,
        role: { id: roles.admin, name: 'admin' },
      },
      {
        links: { assignment: `${BASE}/system/users/${adminId}/roles/${roles.admin}` },
        scope: { system: { all: true } },
        user,
        role: { id: roles.admin, name: 'admin' },
      },
    ]);
  });

  test('effective mode adds implied roles with prior_role links and drops system rows', async () => {
    const body = await list(`?effective&user.id=${adminId}`);
    const base = `${BASE}/projects/${adminProject}/users/${adminId}/roles`;
    assert.deepEqual(body.role_assignments, [
      { links: { assignment: `${base}/${roles.admin}` }, scope: { project: { id: adminProject } }, user: { id: adminId }, role: { id: roles.admin } },
      {
        links: { assignment: `${base}/${roles.admin}`, prior_role: `${BASE}/prior_role/${roles.member}/implies/${roles.admin}` },
        scope: { project: { id: adminProject } },
        user: { id: adminId },
        role: { id: roles.member },
      },
      {
        links: { assignment: `${base}/${roles.member}`, prior_role: `${BASE}/prior_role/${roles.reader}/implies/${roles.member}` },
        scope: { project: { id: adminProject } },
        user: { id: adminId },
        role: { id: roles.reader },
      },
    ]);
  });

  test('group grants: direct rows per group, effective rows per member with membership links', async () => {
    const group = json(await admin('POST', '/v3/groups', { group: { name: 'ra-group' } })).group.id as string;
    const user = json(await admin('POST', '/v3/users', { user: { name: 'ra-user' } })).user.id as string;
    await admin('PUT', `/v3/groups/${group}/users/${user}`);
    await admin('PUT', `/v3/domains/default/groups/${group}/roles/${roles.reader}`);
    await admin('PUT', `/v3/OS-INHERIT/domains/default/groups/${group}/roles/${roles.reader}/inherited_to_projects`);

    const direct = await list(`?group.id=${group}`);
    assert.deepEqual(direct.role_assignments, [
      {
        links: { assignment: `${BASE}/domains/default/groups/${group}/roles/${roles.reader}` },
        scope: { domain: { id: 'default' } },
        group: { id: group },
        role: { id: roles.reader },
      },
      {
        links: { assignment: `${BASE}/OS-INHERIT/domains/default/groups/${group}/roles/${roles.reader}/inherited_to_projects` },
        scope: { domain: { id: 'default' }, 'OS-INHERIT:inherited_to': 'projects' },
        group: { id: group },
        role: { id: roles.reader },
      },
    ]);
    assert.deepEqual((await list(`?group.id=${group}&scope.OS-INHERIT:inherited_to=projects`)).role_assignments, [direct.role_assignments[1]]);

    const effective = (await list(`?effective&user.id=${user}&include_names`)).role_assignments;
    const membership = `${BASE}/groups/${group}/users/${user}`;
    const onDomain = effective.find((a: Record<string, any>) => a.scope.domain !== undefined);
    assert.deepEqual(onDomain, {
      links: { membership, assignment: `${BASE}/domains/default/groups/${group}/roles/${roles.reader}` },
      scope: { domain: { id: 'default', name: 'Default' } },
      user: { id: user, name: 'ra-user', domain: { id: 'default', name: 'Default' } },
      role: { id: roles.reader, name: 'reader' },
    });
    const onAdminProject = effective.find((a: Record<string, any>) => a.scope.project?.id === adminProject);
    assert.deepEqual(onAdminProject.links, {
      membership,
      assignment: `${BASE}/OS-INHERIT/domains/default/groups/${group}/roles/${roles.reader}/inherited_to_projects`,
    });
    assert.equal(onAdminProject.scope['OS-INHERIT:inherited_to'], 'projects');
    assert.equal(onAdminProject.scope.project.name, 'admin');
    // Every project of the domain gets the inherited role; nothing is left as a group row.
    assert.ok(effective.every((a: Record<string, any>) => a.group === undefined));

    const onProject = (await list(`?effective&scope.project.id=${adminProject}&role.id=${roles.reader}`)).role_assignments;
    assert.deepEqual(onProject.map((a: Record<string, any>) => a.user.id).sort(), [adminId, user].sort());
  });

  test('filters by role, scope and system', async () => {
    const system = (await list(`?scope.system=all&role.id=${roles.admin}`)).role_assignments;
    assert.deepEqual(system, [
      {
        links: { assignment: `${BASE}/system/users/${adminId}/roles/${roles.admin}` },
        scope: { system: { all: true } },
        user: { id: adminId },
        role: { id: roles.admin },
      },
    ]);
    const onProject = (await list(`?scope.project.id=${adminProject}`)).role_assignments;
    assert.deepEqual(onProject.map((a: Record<string, any>) => a.role.id), [roles.admin]);
    assert.deepEqual((await list(`?role.id=${roles.service}`)).role_assignments, []);
  });

  test('invalid filter combinations are 400; a member is refused', async () => {
    assertError(await admin('GET', '/v3/role_assignments?user.id=a&group.id=b'), 400, 'Specify a user or group, not both');
    assertError(await admin('GET', '/v3/role_assignments?scope.project.id=a&scope.domain.id=b'), 400, 'Specify a domain or project, not both');
    assertError(await admin('GET', '/v3/role_assignments?scope.system=all&scope.project.id=b'), 400, 'Specify system or project, not both');
    assertError(await admin('GET', '/v3/role_assignments?effective&group.id=b'), 400,
      'Combining effective and group filter will always result in an empty list.');
    assertError(await admin('GET', '/v3/role_assignments?include_subtree'), 400,
      'scope.project.id must be specified if include_subtree is also specified');
    const member = await memberCaller(identity, 'ra-member');
    assertError(await member('GET', '/v3/role_assignments'), 403, forbidden('list_role_assignments'));
  });

  test('include_subtree covers child projects', async () => {
    const parent = json(await admin('POST', '/v3/projects', { project: { name: 'ra-parent' } })).project.id as string;
    const child = json(await admin('POST', '/v3/projects', { project: { name: 'ra-child', parent_id: parent } })).project.id as string;
    await admin('PUT', `/v3/projects/${child}/users/${adminId}/roles/${roles.member}`);
    const rows = (await list(`?scope.project.id=${parent}&include_subtree=True`)).role_assignments;
    assert.deepEqual(rows.map((a: Record<string, any>) => a.scope.project.id), [child]);
  });
});
