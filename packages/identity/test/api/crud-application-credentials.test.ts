// /v3/users/{user_id}/application_credentials through the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken, startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, applicationCredentialCaller, assertError, BASE, callerWith, CLIENT_ERROR, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let admin: Caller;
let member: Awaited<ReturnType<typeof memberCaller>>;
let roles: Record<string, string>;

before(async () => {
  identity = await startTestIdentity();
  admin = await adminCaller(identity);
  member = await memberCaller(identity, 'ac-member');
  roles = identity.boot.roleIds;
});
after(() => identity.close());

describe('application credentials', () => {
  test('create returns the secret once; roles default to the token roles; the secret authenticates', async () => {
    const url = `/v3/users/${member.userId}/application_credentials`;
    const created = await member('POST', url, { application_credential: { name: 'ac-one', description: 'ci' } });
    assert.equal(created.statusCode, 201, created.body);
    const credential = json(created).application_credential;
    assert.equal(typeof credential.secret, 'string');
    assert.ok(credential.secret.length >= 64);
    assert.equal(credential.project_id, member.projectId);
    assert.equal(credential.user_id, member.userId);
    // Not given: null, as Keystone keeps it (restricted).
    assert.equal(credential.unrestricted, null);
    assert.deepEqual(credential.roles.map((r: { name: string }) => r.name).sort(), ['member', 'reader']);

    const shown = json(await member('GET', `${url}/${credential.id}`)).application_credential;
    assert.equal(shown.secret, undefined);
    assert.equal(shown.name, 'ac-one');

    const auth = await identity.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: { identity: { methods: ['application_credential'], application_credential: { id: credential.id, secret: credential.secret } } } },
    });
    assert.equal(auth.statusCode, 201, auth.body);
  });

  test('given roles by id or name must be on the token; given secret and expiry are kept', async () => {
    const url = `/v3/users/${member.userId}/application_credentials`;
    const byName = await member('POST', url, {
      application_credential: { name: 'ac-named', roles: [{ name: 'reader' }], secret: 'my-secret', expires_at: '2099-01-01T00:00:00' },
    });
    assert.equal(byName.statusCode, 201, byName.body);
    const credential = json(byName).application_credential;
    assert.equal(credential.secret, 'my-secret');
    // Whole roles, as Keystone lists them; a credential given no description has null.
    assert.deepEqual(credential.roles, [{ id: roles.reader, name: 'reader', domain_id: null, description: null, options: { immutable: true } }]);
    assert.equal(credential.description, null);
    assert.equal(credential.expires_at, '2099-01-01T00:00:00.000000');

    assertError(await member('POST', url, { application_credential: { name: 'ac-admin', roles: [{ id: roles.admin }] } }), 400,
      'Invalid application credential: Cannot create an application credential with unassigned role');
    assertError(await member('POST', url, { application_credential: { name: 'ac-bad', expires_at: 'soon' } }), 400,
      `Timestamp not in expected format.${CLIENT_ERROR}`);
    assertError(await member('POST', url, { application_credential: { name: 'ac-past', expires_at: '2001-01-01T00:00:00' } }), 400,
      `The 'expires_at' must not be before now.${CLIENT_ERROR}`);
    assert.equal((await member('POST', url, { application_credential: { name: 'ac-named' } })).statusCode, 409);
    assertError(await member('POST', url, { application_credential: {} }), 400, "'name' is a required property");
  });

  test('list with ?name, delete, and 404 for unknown or foreign ids', async () => {
    const url = `/v3/users/${member.userId}/application_credentials`;
    const id = json(await member('POST', url, { application_credential: { name: 'ac-list' } })).application_credential.id as string;
    const listed = json(await member('GET', `${url}?name=ac-list`));
    assert.deepEqual(listed.application_credentials.map((c: { id: string }) => c.id), [id]);
    assert.equal(listed.links.self, `${BASE}/users/${member.userId}/application_credentials?name=ac-list`);
    assert.ok(!JSON.stringify(listed).includes('secret'));

    const adminUrl = `/v3/users/${identity.boot.userId}/application_credentials`;
    assertError(await admin('GET', `${adminUrl}/${id}`), 404, `Could not find Application Credential: ${id}.`);
    assert.equal((await member('DELETE', `${url}/${id}`)).statusCode, 204);
    assertError(await member('GET', `${url}/${id}`), 404, `Could not find Application Credential: ${id}.`);
  });

  test('only the owner creates, and only with a project-scoped token', async () => {
    const url = `/v3/users/${member.userId}/application_credentials`;
    assertError(await admin('POST', url, { application_credential: { name: 'ac-other' } }), 403, forbidden('create_application_credential'));
    const unscoped = callerWith(identity, await issueToken(identity.app, 'ac-member', 'ac-member-secret'));
    assertError(await unscoped('POST', url, { application_credential: { name: 'ac-unscoped' } }), 400,
      'Application credentials can only be created with a project-scoped token.');
  });
});

describe('access rules', () => {
  const rule = { service: 'compute', path: '/v2.1/servers', method: 'GET' };

  test("a restricted credential's token neither creates nor deletes credentials; an unrestricted one's does", async () => {
    const url = `/v3/users/${member.userId}/application_credentials`;
    const restricted = await applicationCredentialCaller(identity, member, { name: 'ac-restricted' });
    const victim = json(await member('POST', url, { application_credential: { name: 'ac-victim' } })).application_credential;
    const refused =
      "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials.";
    assertError(await restricted('POST', url, { application_credential: { name: 'ac-more' } }), 403, refused);
    assertError(await restricted('DELETE', `${url}/${victim.id}`), 403, refused);
    assert.equal((await restricted('GET', `${url}/${victim.id}`)).statusCode, 200);

    const unrestricted = await applicationCredentialCaller(identity, member, { name: 'ac-unrestricted', unrestricted: true });
    assert.equal((await unrestricted('POST', url, { application_credential: { name: 'ac-more' } })).statusCode, 201);
    assert.equal((await unrestricted('DELETE', `${url}/${victim.id}`)).statusCode, 204);
  });

  test('a credential is created with rules, which the next credential reuses by value or by id', async () => {
    const url = `/v3/users/${member.userId}/application_credentials`;
    const first = await member('POST', url, { application_credential: { name: 'ar-one', access_rules: [rule] } });
    assert.equal(first.statusCode, 201, first.body);
    const [stored] = json(first).application_credential.access_rules as { id: string }[];
    assert.deepEqual(json(first).application_credential.access_rules, [{ id: stored?.id, ...rule }]);
    const second = json(await member('POST', url, { application_credential: { name: 'ar-two', access_rules: [rule] } }));
    const third = json(await member('POST', url, { application_credential: { name: 'ar-three', access_rules: [{ id: stored?.id }] } }));
    assert.deepEqual(second.application_credential.access_rules, [{ id: stored?.id, ...rule }]);
    assert.deepEqual(third.application_credential.access_rules, [{ id: stored?.id, ...rule }]);
    // A credential without rules says nothing about them.
    const plain = json(await member('POST', url, { application_credential: { name: 'ar-none' } }));
    assert.equal(plain.application_credential.access_rules, undefined);

    const rules = `/v3/users/${member.userId}/access_rules`;
    const listed = json(await member('GET', `${rules}?service=compute`));
    assert.deepEqual(listed.access_rules, [{ id: stored?.id, ...rule, links: { self: `${BASE}/access_rules/${stored?.id}` } }]);
    assert.equal(listed.links.self, `${BASE}/users/${member.userId}/access_rules?service=compute`);
    assert.deepEqual(json(await member('GET', `${rules}?method=POST`)).access_rules, []);
    assert.equal(json(await member('GET', `${rules}/${stored?.id}`)).access_rule.path, rule.path);

    assertError(await member('DELETE', `${rules}/${stored?.id}`), 403, 'May not delete access rule in use');
    for (const c of [json(first), second, third]) {
      assert.equal((await member('DELETE', `${url}/${c.application_credential.id}`)).statusCode, 204);
    }
    assert.equal((await member('DELETE', `${rules}/${stored?.id}`)).statusCode, 204);
    assertError(await member('GET', `${rules}/${stored?.id}`), 404, `Could not find Access Rule: ${stored?.id}.`);
  });

  test("rules are checked by schema, and only their owner (or a system reader) reads them", async () => {
    const url = `/v3/users/${member.userId}/application_credentials`;
    const bad = await member('POST', url, { application_credential: { name: 'ar-bad', access_rules: [{ ...rule, method: 'FETCH' }] } });
    assert.equal(bad.statusCode, 400, bad.body);
    const extra = await member('POST', url, { application_credential: { name: 'ar-extra', access_rules: [{ ...rule, verb: 'GET' }] } });
    assert.equal(extra.statusCode, 400, extra.body);
    const id = json(await member('POST', url, { application_credential: { name: 'ar-own', access_rules: [rule] } })).application_credential.access_rules[0].id as string;
    // A project admin is not the owner, and access rules have no deprecated admin rule.
    assertError(await admin('GET', `/v3/users/${member.userId}/access_rules`), 403, forbidden('list_access_rules'));
    assertError(await admin('DELETE', `/v3/users/${member.userId}/access_rules/${id}`), 403, forbidden('delete_access_rule'));
    // Another user's rule id under one's own user is not found.
    assertError(await admin('GET', `/v3/users/${identity.boot.userId}/access_rules/${id}`), 404, `Could not find Access Rule: ${id}.`);
  });

  test('its tokens validate only for a validator that enforces rules, and never call identity itself', async () => {
    const url = `/v3/users/${member.userId}/application_credentials`;
    const credential = json(await member('POST', url, { application_credential: { name: 'ar-token', access_rules: [rule] } })).application_credential;
    const issued = await identity.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: { identity: { methods: ['application_credential'], application_credential: { id: credential.id, secret: credential.secret } } } },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    assert.deepEqual(json(issued).token.application_credential.access_rules, credential.access_rules);
    const token = issued.headers['x-subject-token'] as string;
    const validate = (support?: string) =>
      identity.app.inject({
        method: 'GET',
        url: '/v3/auth/tokens',
        headers: { 'x-auth-token': admin.token, 'x-subject-token': token, ...(support === undefined ? {} : { 'openstack-identity-access-rules': support }) },
      });
    assertError(await validate(), 404, 'Failed to validate token');
    assertError(await validate('0.9'), 404, 'Failed to validate token');
    const valid = await validate('1.0');
    assert.equal(valid.statusCode, 200, valid.body);
    assert.deepEqual(json(valid).token.application_credential.access_rules, credential.access_rules);
    assert.equal((await callerWith(identity, token)('GET', `/v3/users/${member.userId}`)).statusCode, 401);
  });

  test("deleting the user deletes their rules", async () => {
    const owner = await memberCaller(identity, 'ar-owner');
    const url = `/v3/users/${owner.userId}/application_credentials`;
    const id = json(await owner('POST', url, { application_credential: { name: 'ar-gone', access_rules: [rule] } })).application_credential.access_rules[0].id as string;
    assert.equal((await admin('DELETE', `/v3/users/${owner.userId}`)).statusCode, 204);
    await assert.rejects(identity.service.applicationCredentials.getAccessRule(id), { code: 'ERR_IDENTITY_NOT_FOUND' });
  });
});
