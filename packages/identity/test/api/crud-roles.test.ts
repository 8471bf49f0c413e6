// Roles, implied roles, grants and GET /v3/role_assignments through the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, assertError, BASE, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let admin: Caller;
let member: Awaited<ReturnType<typeof memberCaller>>;
let roles: Record<string, string>;

before(async () => {
  identity = await startTestIdentity();
  admin = await adminCaller(identity);
  member = await memberCaller(identity, 'role-member');
  roles = identity.boot.roleIds;
});
after(() => identity.close());

async function create(kind: string, body: Record<string, unknown>): Promise<string> {
  const response = await admin('POST', `/v3/${kind}s`, { [kind]: body });
  assert.equal(response.statusCode, 201, response.body);
  return json(response)[kind].id as string;
}

describe('roles', () => {
  test('CRUD, ?name filter, global roles only unless ?domain_id', async () => {
    const id = await create('role', { name: 'r-one', description: 'first' });
    assert.deepEqual(json(await admin('GET', `/v3/roles/${id}`)).role, {
      id,
      name: 'r-one',
      domain_id: null,
      description: 'first',
      options: {},
      links: { self: `${BASE}/roles/${id}` },
    });
    const scoped = await create('role', { name: 'r-domain', domain_id: 'default' });
    assert.deepEqual(json(await admin('GET', '/v3/roles?name=r-one')).roles.map((r: { id: string }) => r.id), [id]);
    const global = json(await admin('GET', '/v3/roles')).roles.map((r: { id: string }) => r.id);
    assert.ok(global.includes(id) && !global.includes(scoped));
    assert.deepEqual(json(await admin('GET', '/v3/roles?domain_id=default')).roles.map((r: { id: string }) => r.id), [scoped]);
    assert.equal(json(await admin('PATCH', `/v3/roles/${id}`, { role: { name: 'r-renamed' } })).role.name, 'r-renamed');
    assert.equal((await admin('POST', '/v3/roles', { role: { name: 'r-renamed' } })).statusCode, 409);
    assert.equal((await admin('DELETE', `/v3/roles/${id}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/roles/${id}`), 404, `Could not find role: ${id}.`);
    assertError(await admin('POST', '/v3/roles', { role: { name: '' } }), 400, "Invalid input for field 'name': '' is too short");
    assertError(await member('GET', '/v3/roles'), 403, forbidden('list_roles'));
  });

  test('a description left out is null; the immutable option refuses updates and deletion until cleared', async () => {
    const id = await create('role', { name: 'r-locked', options: { immutable: true } });
    assert.deepEqual(json(await admin('GET', `/v3/roles/${id}`)).role.description, null);
    assert.deepEqual(json(await admin('GET', `/v3/roles/${id}`)).role.options, { immutable: true });
    const updateRefused = `Unable to update immutable role resource: \`${id}. Set resource option "immutable" to false first.`;
    assertError(await admin('PATCH', `/v3/roles/${id}`, { role: { name: 'r-unlocked' } }), 403, updateRefused);
    // Clearing the option must be the whole update.
    assertError(await admin('PATCH', `/v3/roles/${id}`, { role: { options: { immutable: false }, description: 'd' } }), 403, updateRefused);
    assertError(await admin('DELETE', `/v3/roles/${id}`), 403, `Unable to delete immutable role resource: \`${id}. Set resource option "immutable" to false first.`);
    assert.equal((await admin('PATCH', `/v3/roles/${id}`, { role: { options: { colour: true } } })).statusCode, 400);
    // null removes the option.
    assert.deepEqual(json(await admin('PATCH', `/v3/roles/${id}`, { role: { options: { immutable: null } } })).role.options, {});
    assert.equal((await admin('DELETE', `/v3/roles/${id}`)).statusCode, 204);
    // bootstrap's roles are immutable, as keystone-manage bootstrap makes them.
    for (const name of ['reader', 'member', 'admin', 'service']) {
      const shown = await admin('GET', `/v3/roles/${roles[name]}`);
      assert.deepEqual(json(shown).role?.options, { immutable: true }, `${name}: ${shown.body}`);
    }
  });

  test('implied roles: PUT 201, GET, HEAD, list, role_inferences, DELETE', async () => {
    const prior = await create('role', { name: 'r-prior' });
    const implied = await create('role', { name: 'r-implied' });
    const url = `/v3/roles/${prior}/implies/${implied}`;
    assertError(await admin('GET', url), 404, `${prior} does not imply ${implied}.`);
    const put = await admin('PUT', url);
    assert.equal(put.statusCode, 201, put.body);
    const expected = {
      role_inference: {
        prior_role: { id: prior, links: { self: `${BASE}/roles/${prior}` }, name: 'r-prior' },
        implies: { id: implied, links: { self: `${BASE}/roles/${implied}` }, name: 'r-implied' },
      },
      links: { self: `${BASE}${url.slice(3)}` },
    };
    assert.deepEqual(json(put), expected);
    assert.deepEqual(json(await admin('GET', url)), expected);
    assert.equal((await admin('HEAD', url)).statusCode, 204);
    assert.equal((await admin('PUT', url)).statusCode, 409);

    const list = json(await admin('GET', `/v3/roles/${prior}/implies`));
    assert.deepEqual(list.role_inference.implies, [expected.role_inference.implies]);
    assert.equal(list.links.self, `${BASE}/roles/${prior}/implies`);

    const inferences = json(await admin('GET', '/v3/role_inferences'));
    assert.deepEqual(Object.keys(inferences), ['role_inferences']);
    const mine = inferences.role_inferences.find((i: { prior_role: { id: string } }) => i.prior_role.id === prior);
    assert.deepEqual(mine, { prior_role: expected.role_inference.prior_role, implies: [expected.role_inference.implies] });

    assert.equal((await admin('DELETE', url)).statusCode, 204);
    assert.equal((await admin('HEAD', url)).statusCode, 404);
    assertError(await admin('PUT', `/v3/roles/${prior}/implies/nope`), 404, 'Could not find role: nope.');
    assertError(await member('GET', `/v3/roles/${prior}/implies`), 403, forbidden('list_implied_roles'));
  });
});

describe('grants', () => {
  test('project user grants: PUT 204, HEAD/GET 204, list, DELETE, then 404', async () => {
    const user = await create('user', { name: 'g-user' });
    const url = `/v3/projects/${member.projectId}/users/${user}/roles/${roles.reader}`;
    const missing = `Could not find role assignment with role: ${roles.reader}, user or group: ${user}, project, domain, or system: ${member.projectId}.`;
    assertError(await admin('GET', url), 404, missing);
    assert.equal((await admin('PUT', url)).statusCode, 204);
    assert.equal((await admin('HEAD', url)).statusCode, 204);
    assert.equal((await admin('GET', url)).statusCode, 204);
    const listed = json(await admin('GET', `/v3/projects/${member.projectId}/users/${user}/roles`));
    assert.deepEqual(listed.roles.map((r: { name: string }) => r.name), ['reader']);
    assert.equal(listed.links.self, `${BASE}/projects/${member.projectId}/users/${user}/roles`);
    assert.equal((await admin('DELETE', url)).statusCode, 204);
    assertError(await admin('DELETE', url), 404, missing);
    assertError(await admin('PUT', `/v3/projects/nope/users/${user}/roles/${roles.reader}`), 404, 'Could not find project: nope.');
    assertError(await admin('PUT', `/v3/projects/${member.projectId}/users/nope/roles/${roles.reader}`), 404, 'Could not find user: nope.');
    assertError(await admin('PUT', `/v3/projects/${member.projectId}/users/${user}/roles/nope`), 404, 'Could not find role: nope.');
    assertError(await member('PUT', url), 403, forbidden('create_grant'));
  });

  test('domain group grants, system grants and inherited grants', async () => {
    const group = await create('group', { name: 'g-group' });
    const user = await create('user', { name: 'g-system-user' });
    const domainUrl = `/v3/domains/default/groups/${group}/roles/${roles.member}`;
    assert.equal((await admin('PUT', domainUrl)).statusCode, 204);
    assert.deepEqual(json(await admin('GET', `/v3/domains/default/groups/${group}/roles`)).roles.map((r: { id: string }) => r.id), [roles.member]);

    const systemUrl = `/v3/system/users/${user}/roles/${roles.reader}`;
    assert.equal((await admin('HEAD', systemUrl)).statusCode, 404);
    assert.equal((await admin('PUT', systemUrl)).statusCode, 204);
    assert.equal((await admin('GET', systemUrl)).statusCode, 204);
    assert.deepEqual(json(await admin('GET', `/v3/system/users/${user}/roles`)).roles.map((r: { id: string }) => r.id), [roles.reader]);
    assertError(await member('GET', `/v3/system/users/${user}/roles`), 403, forbidden('list_system_grants_for_user'));
    assert.equal((await admin('DELETE', systemUrl)).statusCode, 204);
    assertError(await admin('GET', systemUrl), 404,
      `Could not find role assignment with role: ${roles.reader}, user or group: ${user}, project, domain, or system: system.`);

    const inherited = `/v3/OS-INHERIT/domains/default/users/${user}/roles/${roles.reader}/inherited_to_projects`;
    assert.equal((await admin('PUT', inherited)).statusCode, 204);
    assert.equal((await admin('HEAD', inherited)).statusCode, 204);
    const list = json(await admin('GET', `/v3/OS-INHERIT/domains/default/users/${user}/roles/inherited_to_projects`));
    assert.deepEqual(list.roles.map((r: { id: string }) => r.id), [roles.reader]);
    // The inherited grant is not a grant on the domain itself.
    assert.equal((await admin('HEAD', `/v3/domains/default/users/${user}/roles/${roles.reader}`)).statusCode, 404);
  });
});


describe('domain-specific roles', () => {
  test('granted only on their domain, they imply global roles and are left out of tokens and effective assignments', async () => {
    const domainRole = await create('role', { name: 'dsr-operator', domain_id: 'default' });
    const otherDomain = await create('domain', { name: 'dsr-other' });
    const foreignProject = await create('project', { name: 'dsr-foreign', domain_id: otherDomain });
    assertError(await admin('PUT', `/v3/projects/${foreignProject}/users/${member.userId}/roles/${domainRole}`), 403,
      `Project ${foreignProject} must be in the same domain as the role ${domainRole} being assigned.`);
    assertError(await admin('PUT', `/v3/roles/${roles.reader}/implies/${domainRole}`), 403, 'Global role cannot imply a domain-specific role');
    assert.equal((await admin('PUT', `/v3/roles/${domainRole}/implies/${roles.reader}`)).statusCode, 201);

    const user = await create('user', { name: 'dsr-user', password: 'dsr-user-secret' });
    assert.equal((await admin('PUT', `/v3/projects/${member.projectId}/users/${user}/roles/${domainRole}`)).statusCode, 204);
    const issued = await identity.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: {
        auth: {
          identity: { methods: ['password'], password: { user: { id: user, password: 'dsr-user-secret' } } },
          scope: { project: { id: member.projectId } },
        },
      },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    assert.deepEqual(json(issued).token.roles.map((r: { id: string }) => r.id), [roles.reader]);
    const effective = json(await admin('GET', `/v3/role_assignments?effective&user.id=${user}`)).role_assignments;
    assert.deepEqual(effective.map((a: { role: { id: string } }) => a.role.id), [roles.reader]);
    const direct = json(await admin('GET', `/v3/role_assignments?user.id=${user}`)).role_assignments;
    assert.deepEqual(direct.map((a: { role: { id: string } }) => a.role.id), [domainRole]);
  });

  test("a role's domain cannot change", async () => {
    const domainRole = await create('role', { name: 'dsr-fixed', domain_id: 'default' });
    assertError(await admin('PATCH', `/v3/roles/${domainRole}`, { role: { domain_id: null } }), 400, 'Update of `domain_id` is not allowed.');
    assert.equal((await admin('PATCH', `/v3/roles/${domainRole}`, { role: { domain_id: 'default', description: 'same' } })).statusCode, 200);
    assertError(await admin('PUT', `/v3/roles/${domainRole}/implies/${roles.admin}`), 403, `${roles.admin} cannot be an implied roles.`);
  });
});
