// /v3/OS-TRUST/trusts and trust-scoped tokens through the HTTP API.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, mock, test } from 'node:test';
import { issueToken, startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, applicationCredentialCaller, assertError, BASE, callerWith, CLIENT_ERROR, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

const TRUSTS = '/v3/OS-TRUST/trusts';

let identity: TestIdentity;
let admin: Caller;
let trustor: Awaited<ReturnType<typeof memberCaller>>;
let roles: Record<string, string>;

before(async () => {
  identity = await startTestIdentity();
  admin = await adminCaller(identity);
  trustor = await memberCaller(identity, 'trustor');
  roles = identity.boot.roleIds;
});
after(() => identity.close());

/** A user without roles and their unscoped token. */
async function plainUser(name: string): Promise<Caller & { userId: string; password: string }> {
  const password = `${name}-secret`;
  const user = await identity.service.identity.createUser({ name, domainId: 'default', password });
  return Object.assign(callerWith(identity, await issueToken(identity.app, name, password)), { userId: user.id, password });
}

function trustBody(trusteeUserId: string, more: Record<string, unknown> = {}): unknown {
  return {
    trust: {
      trustor_user_id: trustor.userId,
      trustee_user_id: trusteeUserId,
      project_id: trustor.projectId,
      impersonation: false,
      roles: [{ name: 'member' }],
      ...more,
    },
  };
}

async function createTrust(trusteeUserId: string, more: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const created = await trustor('POST', TRUSTS, trustBody(trusteeUserId, more));
  assert.equal(created.statusCode, 201, created.body);
  return json(created).trust;
}

/** POST /v3/auth/tokens with the caller's token, scoped to the trust. */
function trustToken(caller: Caller, trustId: string) {
  return identity.app.inject({
    method: 'POST',
    url: '/v3/auth/tokens',
    payload: { auth: { identity: { methods: ['token'], token: { id: caller.token } }, scope: { 'OS-TRUST:trust': { id: trustId } } } },
  });
}

/** GET /v3/auth/tokens for `token`, as the admin. */
function validate(token: string) {
  return identity.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin.token, 'x-subject-token': token } });
}

describe('trusts', () => {
  test('create answers Keystone\'s trust, with its roles and links; get, list and roles read it back', async () => {
    const trustee = await plainUser('trustee-shape');
    const trust = await createTrust(trustee.userId, { remaining_uses: 3, expires_at: '2099-01-01T00:00:00.123456Z', colour: 'red' });
    assert.deepEqual(Object.keys(trust).sort(), [
      'colour', 'deleted_at', 'expires_at', 'id', 'impersonation', 'links', 'project_id', 'redelegated_trust_id', 'redelegation_count',
      'remaining_uses', 'roles', 'roles_links', 'trustee_user_id', 'trustor_user_id',
    ]);
    assert.equal(trust.expires_at, '2099-01-01T00:00:00.123000Z');
    assert.equal(trust.remaining_uses, 3);
    assert.equal(trust.redelegation_count, 0);
    // member implies reader, but a trust delegates the roles it names.
    assert.deepEqual(trust.roles.map((r: { id: string }) => r.id), [roles.member]);
    assert.equal(trust.links.self, `${BASE}/OS-TRUST/trusts/${trust.id}`);
    assert.equal(trust.roles_links.self, `${BASE}/${trust.id}/roles`);

    const shown = json(await trustee('GET', `${TRUSTS}/${trust.id}`)).trust;
    assert.deepEqual(shown, trust);
    const listed = json(await trustor('GET', `${TRUSTS}?trustor_user_id=${trustor.userId}`));
    const item = listed.trusts.find((t: { id: string }) => t.id === trust.id);
    assert.equal(item.roles, undefined);
    assert.equal(listed.links.self, `${BASE}/OS-TRUST/trusts?trustor_user_id=${trustor.userId}`);
    const trustRoles = json(await trustee('GET', `${TRUSTS}/${trust.id}/roles`));
    assert.deepEqual(trustRoles.roles.map((r: { name: string }) => r.name), ['member']);
    assert.equal(json(await trustee('GET', `${TRUSTS}/${trust.id}/roles/${roles.member}`)).role.name, 'member');
    assertError(await trustee('GET', `${TRUSTS}/${trust.id}/roles/${roles.reader}`), 404, `Could not find role: ${roles.reader}.`);
    const head = await trustee('HEAD', `${TRUSTS}/${trust.id}`);
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
  });

  test('create refuses another trustor, roles the trustor lacks, unknown users and bad bodies', async () => {
    const trustee = await plainUser('trustee-errors');
    assertError(await trustor('POST', TRUSTS, trustBody(trustee.userId, { trustor_user_id: trustee.userId })), 403, forbidden('create_trust'));
    assertError(await trustor('POST', TRUSTS, trustBody(trustee.userId, { roles: [{ id: roles.admin }] })), 404, `Could not find role: ${roles.admin}.`);
    assertError(await trustor('POST', TRUSTS, trustBody('f'.repeat(32))), 404, `Could not find user: ${'f'.repeat(32)}.`);
    assertError(await trustor('POST', TRUSTS, trustBody(trustee.userId, { roles: [] })), 403,
      'You are not authorized to perform the requested action: At least one role should be specified.');
    assertError(await trustor('POST', TRUSTS, trustBody(trustee.userId, { impersonation: 'yes' })), 400,
      "Invalid input for field 'impersonation': 'yes' is not of type 'boolean'");
    assertError(await trustor('POST', TRUSTS, trustBody(trustee.userId, { remaining_uses: 0 })), 400,
      "Invalid input for field 'remaining_uses': 0 is less than the minimum of 1");
    // Beyond the integer column, where Keystone's database would fail.
    assertError(await trustor('POST', TRUSTS, trustBody(trustee.userId, { remaining_uses: 2 ** 31 })), 400,
      "Invalid input for field 'remaining_uses': 2147483648 is greater than the maximum of 2147483647");
    assertError(await trustor('POST', TRUSTS, trustBody(trustee.userId, { expires_at: '2001-01-01T00:00:00Z' })), 400,
      `The 'expires_at' must not be before now.${CLIENT_ERROR}`);
    // Someone else naming the trustor, or no token at all, never gets as far as the body.
    assertError(await trustee('POST', TRUSTS, trustBody(trustee.userId, { impersonation: 'yes' })), 403, forbidden('create_trust'));
    assert.equal((await identity.app.inject({ method: 'POST', url: TRUSTS, payload: trustBody(trustee.userId) as object })).statusCode, 401);
  });

  test('only the trustor, the trustee and admins read a trust; lists are filtered by policy', async () => {
    const trustee = await plainUser('trustee-policy');
    const stranger = await plainUser('stranger-policy');
    const trust = await createTrust(trustee.userId);
    assertError(await stranger('GET', `${TRUSTS}/${trust.id}`), 403, forbidden('get_trust'));
    assertError(await stranger('GET', `${TRUSTS}/${trust.id}/roles`), 403, forbidden('list_roles_for_trust'));
    assertError(await stranger('DELETE', `${TRUSTS}/${trust.id}`), 403, forbidden('delete_trust'));
    assertError(await trustee('DELETE', `${TRUSTS}/${trust.id}`), 403, forbidden('delete_trust'));
    assertError(await stranger('GET', `${TRUSTS}/${'e'.repeat(32)}`), 404, `Could not find trust: ${'e'.repeat(32)}.`);
    assertError(await trustor('GET', TRUSTS), 403, forbidden('list_trusts'));
    assertError(await stranger('GET', `${TRUSTS}?trustee_user_id=${trustee.userId}`), 403, forbidden('list_trusts_for_trustee'));
    const mine = json(await trustee('GET', `${TRUSTS}?trustee_user_id=${trustee.userId}`)).trusts;
    assert.deepEqual(mine.map((t: { id: string }) => t.id), [trust.id]);
    const all = json(await admin('GET', TRUSTS)).trusts;
    assert.ok(all.some((t: { id: string }) => t.id === trust.id));
    assert.deepEqual(json(await admin('GET', `${TRUSTS}?colour=red`)).trusts, []);
    assert.equal(json(await admin('GET', `${TRUSTS}/${trust.id}`)).trust.id, trust.id);
  });

  test('the trustee\'s trust-scoped token: the trust\'s roles on its project, the trustor as user when impersonating', async () => {
    const trustee = await plainUser('trustee-token');
    const plain = await createTrust(trustee.userId);
    const issued = await trustToken(trustee, plain.id);
    assert.equal(issued.statusCode, 201, issued.body);
    const token = json(issued).token;
    assert.deepEqual(token['OS-TRUST:trust'], {
      id: plain.id, trustor_user: { id: trustor.userId }, trustee_user: { id: trustee.userId }, impersonation: false,
    });
    assert.equal(token.user.id, trustee.userId);
    assert.equal(token.project.id, trustor.projectId);
    assert.equal(token.is_domain, undefined);
    assert.deepEqual(token.roles.map((r: { name: string }) => r.name).sort(), ['member', 'reader']);
    // Whole roles, as Keystone's trust tokens have them.
    assert.deepEqual(Object.keys(token.roles[0]).sort(), ['description', 'domain_id', 'id', 'name', 'options']);
    const validated = await validate(issued.headers['x-subject-token'] as string);
    assert.equal(validated.statusCode, 200, validated.body);
    assert.equal(json(validated).token['OS-TRUST:trust'].id, plain.id);

    const impersonating = await createTrust(trustee.userId, { impersonation: true });
    const asTrustor = json(await trustToken(trustee, impersonating.id)).token;
    assert.equal(asTrustor.user.id, trustor.userId);
    assert.equal(asTrustor['OS-TRUST:trust'].trustee_user.id, trustee.userId);

    // Only the trustee scopes to it, and a trust-scoped token makes no other token.
    const stranger = await plainUser('stranger-token');
    assertError(await trustToken(stranger, plain.id), 403, 'User is not a trustee.');
    const rescoped = await trustToken(callerWith(identity, issued.headers['x-subject-token'] as string), plain.id);
    assertError(rescoped, 403,
      'You are not authorized to perform the requested action: Using trust-scoped token to create another token. Create a new trust-scoped token instead.');
    assertError(await trustToken(trustee, 'd'.repeat(32)), 401, 'The request you have made requires authentication.');
    // A trust without a project delegates nothing a token could carry: 404, as Keystone's project lookup.
    const projectless = await createTrust(trustee.userId, { project_id: undefined, roles: undefined });
    assert.equal(projectless.project_id, null);
    assertError(await trustToken(trustee, projectless.id), 404, 'Could not find project: None.');
    // A trust-scoped token is a delegation: it mints no credential, as in Keystone.
    const viaTrust = callerWith(identity, issued.headers['x-subject-token'] as string);
    const blob = { credential: { type: 'cert', blob: 'b', user_id: trustee.userId } };
    assertError(await viaTrust('POST', '/v3/credentials', blob), 403, 'You are not authorized to perform the requested action: Delegated tokens cannot access credentials directly.');
  });

  test('remaining_uses runs out, expiry ends a trust, deleting it or the trustor\'s role voids its tokens', async () => {
    const trustee = await plainUser('trustee-life');
    const once = await createTrust(trustee.userId, { remaining_uses: 1 });
    assert.equal((await trustToken(trustee, once.id)).statusCode, 201);
    assertError(await trustToken(trustee, once.id), 401, 'The request you have made requires authentication.');
    assertError(await trustor('GET', `${TRUSTS}/${once.id}`), 404, `Could not find trust: ${once.id}.`);

    const soon = new Date(Date.now() + 60_000).toISOString();
    const expiring = await createTrust(trustee.userId, { expires_at: soon });
    const beforeExpiry = (await trustToken(trustee, expiring.id)).headers['x-subject-token'] as string;
    assert.equal((await validate(beforeExpiry)).statusCode, 200);
    mock.timers.enable({ apis: ['Date'], now: Date.parse(soon) + 1000 });
    try {
      assert.equal((await validate(beforeExpiry)).statusCode, 404);
      assertError(await trustToken(trustee, expiring.id), 401, 'The request you have made requires authentication.');
    } finally {
      mock.timers.reset();
    }

    const deleted = await createTrust(trustee.userId);
    const deletedToken = (await trustToken(trustee, deleted.id)).headers['x-subject-token'] as string;
    assert.equal((await trustor('DELETE', `${TRUSTS}/${deleted.id}`)).statusCode, 204);
    assert.equal((await validate(deletedToken)).statusCode, 404);
    assertError(await trustor('DELETE', `${TRUSTS}/${deleted.id}`), 404, `Could not find trust: ${deleted.id}.`);

    const other = await memberCaller(identity, 'trustor-loses');
    const lost = json(await other('POST', TRUSTS, {
      trust: { trustor_user_id: other.userId, trustee_user_id: trustee.userId, project_id: other.projectId, impersonation: false, roles: [{ name: 'member' }] },
    })).trust;
    const lostToken = (await trustToken(trustee, lost.id)).headers['x-subject-token'] as string;
    assert.equal((await validate(lostToken)).statusCode, 200);
    assert.equal((await admin('DELETE', `/v3/projects/${other.projectId}/users/${other.userId}/roles/${roles.member}`)).statusCode, 204);
    assert.equal((await validate(lostToken)).statusCode, 404);
    assertError(await trustToken(trustee, lost.id), 403, 'Trustee has no delegated roles.');
  });

  test('redelegation: the trustee delegates on within the chain\'s limits; deleting a trust deletes its redelegations', async () => {
    const first = await plainUser('redelegate-first');
    const second = await plainUser('redelegate-second');
    const third = await plainUser('redelegate-third');
    assertError(await trustor('POST', TRUSTS, trustBody(first.userId, { allow_redelegation: true, redelegation_count: 4 })), 403,
      'Requested redelegation depth of 4 is greater than allowed 3');
    assertError(await trustor('POST', TRUSTS, trustBody(first.userId, { allow_redelegation: true, remaining_uses: 2 })), 400,
      `remaining_uses must not be set if redelegation is allowed`);
    const parent = await createTrust(first.userId, { allow_redelegation: true, redelegation_count: 1 });
    assert.equal(parent.redelegation_count, 1);

    const firstTrustToken = callerWith(identity, (await trustToken(first, parent.id)).headers['x-subject-token'] as string);
    const redelegate = (trusteeUserId: string, more: Record<string, unknown> = {}) =>
      firstTrustToken('POST', TRUSTS, {
        trust: { trustor_user_id: first.userId, trustee_user_id: trusteeUserId, project_id: trustor.projectId, impersonation: false, roles: [{ name: 'member' }], ...more },
      });
    assertError(await redelegate(second.userId, { impersonation: true }), 403,
      `Impersonation is not allowed because redelegated trust does not specify impersonation. Redelegated trust id: ${parent.id}`);
    const child = await redelegate(second.userId);
    assert.equal(child.statusCode, 201, child.body);
    const childTrust = json(child).trust;
    assert.equal(childTrust.redelegated_trust_id, parent.id);
    assert.equal(childTrust.redelegation_count, 0);

    // The child may not be redelegated again: its depth is spent.
    const secondTrustToken = callerWith(identity, (await trustToken(second, childTrust.id)).headers['x-subject-token'] as string);
    assertError(await secondTrustToken('POST', TRUSTS, {
      trust: { trustor_user_id: second.userId, trustee_user_id: third.userId, project_id: trustor.projectId, impersonation: false, roles: [{ name: 'member' }] },
    }), 403, 'Remaining redelegation depth of 0 out of allowed range of [0..3]');

    assert.equal((await trustor('DELETE', `${TRUSTS}/${parent.id}`)).statusCode, 204);
    assertError(await second('GET', `${TRUSTS}/${childTrust.id}`), 404, `Could not find trust: ${childTrust.id}.`);
  });

  test('Keystone\'s own TokenFormatter reads a trust-scoped token Baton issued: trustee, project and trust', async () => {
    const trustee = await plainUser('trustee-keystone');
    const trust = await createTrust(trustee.userId);
    const tokenId = (await trustToken(trustee, trust.id)).headers['x-subject-token'] as string;
    // The tokens package's bridge to python3-keystone (CI installs it; a missing one fails).
    const script = fileURLToPath(new URL('../../../tokens/test/python/interop.py', import.meta.url));
    const { config } = identity.service;
    const request = { repository: config.fernet_tokens.key_repository, authMethods: config.auth.methods, parse: [tokenId] };
    const run = spawnSync('/usr/bin/python3', [script], { input: JSON.stringify(request), encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const [parsed] = JSON.parse(run.stdout).parsed as Record<string, unknown>[];
    assert.equal(parsed?.user_id, trustee.userId);
    assert.equal(parsed?.project_id, trustor.projectId);
    assert.equal(parsed?.trust_id, trust.id);
    assert.deepEqual(parsed?.methods, ['token', 'password']);
  });

  test('delegated tokens: an application credential\'s manages no trust and makes no other token; a trust\'s manages no application credential', async () => {
    const trustee = await plainUser('trustee-delegated');
    const trust = await createTrust(trustee.userId);
    const viaAppCred = await applicationCredentialCaller(identity, trustor, { name: 'trusting' });
    const refused = 'You are not authorized to perform the requested action: Delegated tokens cannot manage trusts..';
    assertError(await viaAppCred('POST', TRUSTS, trustBody(trustee.userId)), 403, refused);
    assertError(await viaAppCred('GET', `${TRUSTS}?trustor_user_id=${trustor.userId}`), 403, refused);
    assertError(await viaAppCred('GET', `${TRUSTS}/${trust.id}`), 403, refused);
    assertError(await viaAppCred('DELETE', `${TRUSTS}/${trust.id}`), 403, refused);
    assertError(await trustToken(viaAppCred, trust.id), 403,
      'You are not authorized to perform the requested action: Using a delegated token to create another token is not allowed..');

    // A trust-scoped token redelegates and reads trusts, but reaches no application credential.
    const viaTrust = callerWith(identity, (await trustToken(trustee, trust.id)).headers['x-subject-token'] as string);
    assert.equal((await viaTrust('GET', `${TRUSTS}/${trust.id}`)).statusCode, 200);
    const appCreds = `/v3/users/${trustee.userId}/application_credentials`;
    const noAppCreds = 'Cannot manage application credentials with a token issued via delegation.';
    assertError(await viaTrust('GET', appCreds), 403, noAppCreds);
    assertError(await viaTrust('POST', appCreds, { application_credential: { name: 'from-a-trust' } }), 403, noAppCreds);
    assertError(await viaTrust('GET', `/v3/users/${trustee.userId}/access_rules`), 403, noAppCreds);
  });

  test('[security_compliance] allow_insecure_application_credential_trust_escalation lets application credentials manage trusts', async () => {
    const lenient = await startTestIdentity({ securityCompliance: { allow_insecure_application_credential_trust_escalation: true } });
    try {
      const owner = await memberCaller(lenient, 'lenient-trustor');
      const viaAppCred = await applicationCredentialCaller(lenient, owner, { name: 'heat' });
      const trustee = await lenient.service.identity.createUser({ name: 'lenient-trustee', domainId: 'default' });
      const created = await viaAppCred('POST', TRUSTS, {
        trust: { trustor_user_id: owner.userId, trustee_user_id: trustee.id, project_id: owner.projectId, impersonation: false, roles: [{ name: 'member' }] },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal((await viaAppCred('GET', `${TRUSTS}/${json(created).trust.id}`)).statusCode, 200);
    } finally {
      await lenient.close();
    }
  });

  test('deleting the trustee deletes their trusts', async () => {
    const trustee = await plainUser('trustee-deleted');
    const trust = await createTrust(trustee.userId);
    assert.equal((await admin('DELETE', `/v3/users/${trustee.userId}`)).statusCode, 204);
    assertError(await trustor('GET', `${TRUSTS}/${trust.id}`), 404, `Could not find trust: ${trust.id}.`);
  });
});
