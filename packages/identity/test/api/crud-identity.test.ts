// Users, groups, membership and self-service password change through the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken, passwordBody, startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, assertError, BASE, callerWith, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let admin: Caller;
let member: Awaited<ReturnType<typeof memberCaller>>;

before(async () => {
  identity = await startTestIdentity();
  admin = await adminCaller(identity);
  member = await memberCaller(identity, 'id-member');
});
after(() => identity.close());

describe('users', () => {
  test('create keeps extra attributes, never returns the password', async () => {
    const response = await admin('POST', '/v3/users', {
      user: { name: 'u-one', password: 'pw-one', email: 'one@example.com', default_project_id: member.projectId },
    });
    assert.equal(response.statusCode, 201, response.body);
    const { user } = json(response);
    assert.deepEqual(user, {
      id: user.id,
      name: 'u-one',
      domain_id: 'default',
      enabled: true,
      password_expires_at: null,
      options: {},
      email: 'one@example.com',
      default_project_id: member.projectId,
      links: { self: `${BASE}/users/${user.id}` },
    });
    assert.ok(!response.body.includes('pw-one'));
    assert.ok(!response.body.includes('$2b$'));
    // The password works.
    await issueToken(identity.app, 'u-one', 'pw-one');
  });

  test('list filters, get, update (password and enabled) and delete', async () => {
    const { user } = json(await admin('POST', '/v3/users', { user: { name: 'u-two', password: 'old-pw' } }));
    assert.deepEqual(json(await admin('GET', '/v3/users?name=u-two&domain_id=default')).users.map((u: { id: string }) => u.id), [user.id]);
    assert.equal(json(await admin('GET', `/v3/users/${user.id}`)).user.name, 'u-two');

    const patched = await admin('PATCH', `/v3/users/${user.id}`, { user: { password: 'new-pw', email: 'two@example.com' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(json(patched).user.email, 'two@example.com');
    await issueToken(identity.app, 'u-two', 'new-pw');

    await admin('PATCH', `/v3/users/${user.id}`, { user: { enabled: false } });
    const disabled = json(await admin('GET', '/v3/users?enabled=false')).users.map((u: { id: string }) => u.id);
    assert.deepEqual(disabled, [user.id]);
    const refused = await identity.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody('u-two', 'new-pw') as object });
    assert.equal(refused.statusCode, 401);

    assert.equal((await admin('DELETE', `/v3/users/${user.id}`)).statusCode, 204);
    assertError(await admin('DELETE', `/v3/users/${user.id}`), 404, `Could not find user: ${user.id}.`);
  });

  test('deleting a user removes their role assignments', async () => {
    const { user } = json(await admin('POST', '/v3/users', { user: { name: 'u-granted' } }));
    const memberRole = identity.boot.roleIds.member as string;
    assert.equal((await admin('PUT', `/v3/projects/${member.projectId}/users/${user.id}/roles/${memberRole}`)).statusCode, 204);
    await admin('DELETE', `/v3/users/${user.id}`);
    const left = json(await admin('GET', `/v3/role_assignments?user.id=${user.id}`)).role_assignments;
    assert.deepEqual(left, []);
  });

  test('errors: duplicate, missing name, bad types, id change, unknown domain', async () => {
    await admin('POST', '/v3/users', { user: { name: 'u-dup' } });
    assert.equal((await admin('POST', '/v3/users', { user: { name: 'u-dup' } })).statusCode, 409);
    assertError(await admin('POST', '/v3/users', { usr: { name: 'x' } }), 400, "'name' is a required property");
    assertError(await admin('POST', '/v3/users', { user: { name: 'x', enabled: 1 } }), 400, "Invalid input for field 'enabled': 1 is not of type 'boolean'");
    assertError(await admin('POST', '/v3/users', { user: { name: 'x', domain_id: 'nope' } }), 404, 'Could not find domain: nope.');
    assertError(await admin('PATCH', `/v3/users/${member.userId}`, { user: { id: 'other' } }), 400, 'Cannot change ID');
    assertError(await admin('GET', '/v3/users/nope'), 404, 'Could not find user: nope.');
  });

  test('policy: a member reads only themself', async () => {
    assert.equal((await member('GET', `/v3/users/${member.userId}`)).statusCode, 200);
    assertError(await member('GET', `/v3/users/${identity.boot.userId}`), 403, forbidden('get_user'));
    assertError(await member('GET', '/v3/users'), 403, forbidden('list_users'));
    assertError(await member('POST', '/v3/users', { user: { name: 'x' } }), 403, forbidden('create_user'));
    assertError(await member('PATCH', `/v3/users/${member.userId}`, { user: { name: 'y' } }), 403, forbidden('update_user'));
    assertError(await member('DELETE', `/v3/users/${member.userId}`), 403, forbidden('delete_user'));
  });

  test('POST /v3/users/{id}/password: 204, then only the new password works; wrong original is 401', async () => {
    const { user } = json(await admin('POST', '/v3/users', { user: { name: 'u-pw', password: 'first-pw' } }));
    const own = callerWith(identity, await issueToken(identity.app, 'u-pw', 'first-pw'));
    const wrong = await own('POST', `/v3/users/${user.id}/password`, { user: { original_password: 'nope', password: 'x' } });
    assertError(wrong, 401, 'The request you have made requires authentication.');
    assertError(await own('POST', `/v3/users/${user.id}/password`, { user: { password: 'x' } }), 400, "'original_password' is a required property");
    const changed = await own('POST', `/v3/users/${user.id}/password`, { user: { original_password: 'first-pw', password: 'second-pw' } });
    assert.equal(changed.statusCode, 204, changed.body);
    await issueToken(identity.app, 'u-pw', 'second-pw');
    const old = await identity.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody('u-pw', 'first-pw') as object });
    assert.equal(old.statusCode, 401);
  });
});

describe('groups', () => {
  test('CRUD with the group shape', async () => {
    const created = await admin('POST', '/v3/groups', { group: { name: 'g-one', description: 'ops' } });
    assert.equal(created.statusCode, 201, created.body);
    const { group } = json(created);
    assert.deepEqual(group, {
      id: group.id,
      name: 'g-one',
      domain_id: 'default',
      description: 'ops',
      links: { self: `${BASE}/groups/${group.id}` },
    });
    assert.deepEqual(json(await admin('GET', '/v3/groups?name=g-one')).groups.map((g: { id: string }) => g.id), [group.id]);
    assert.equal(json(await admin('PATCH', `/v3/groups/${group.id}`, { group: { description: 'dev' } })).group.description, 'dev');
    assert.equal((await admin('POST', '/v3/groups', { group: { name: 'g-one' } })).statusCode, 409);
    assert.equal((await admin('DELETE', `/v3/groups/${group.id}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/groups/${group.id}`), 404, `Could not find group: ${group.id}.`);
  });

  test('membership: add, check, list both ways, remove', async () => {
    const { group } = json(await admin('POST', '/v3/groups', { group: { name: 'g-members' } }));
    const url = `/v3/groups/${group.id}/users/${member.userId}`;
    assert.equal((await admin('HEAD', url)).statusCode, 404);
    assertError(await admin('GET', url), 404, `User '${member.userId}' not found in group '${group.id}'`);
    assert.equal((await admin('PUT', url)).statusCode, 204);
    assert.equal((await admin('HEAD', url)).statusCode, 204);
    assert.equal((await admin('GET', url)).statusCode, 204);

    const users = json(await admin('GET', `/v3/groups/${group.id}/users`));
    assert.deepEqual(users.users.map((u: { id: string }) => u.id), [member.userId]);
    assert.equal(users.links.self, `${BASE}/groups/${group.id}/users`);

    const groups = json(await member('GET', `/v3/users/${member.userId}/groups`)).groups;
    assert.equal(groups.length, 1);
    assert.equal(groups[0].id, group.id);
    assert.equal(groups[0].membership_expires_at, null);

    assert.equal((await admin('DELETE', url)).statusCode, 204);
    assert.equal((await admin('HEAD', url)).statusCode, 404);
    assertError(await admin('PUT', `/v3/groups/${group.id}/users/nope`), 404, 'Could not find user: nope.');
  });

  test('policy: a member cannot manage groups', async () => {
    assertError(await member('POST', '/v3/groups', { group: { name: 'x' } }), 403, forbidden('create_group'));
    assertError(await member('GET', '/v3/groups'), 403, forbidden('list_groups'));
    assertError(await member('GET', `/v3/users/${identity.boot.userId}/groups`), 403, forbidden('list_groups_for_user'));
  });
});
