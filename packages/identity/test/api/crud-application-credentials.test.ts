// /v3/users/{user_id}/application_credentials through the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken, startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, assertError, BASE, callerWith, CLIENT_ERROR, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

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
    assert.equal(credential.unrestricted, false);
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
    assert.deepEqual(credential.roles.map((r: { id: string }) => r.id), [roles.reader]);
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
