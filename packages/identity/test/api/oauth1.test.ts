// OS-OAUTH1 in-process: consumers, the signed request-token and access-token exchanges,
// authorization, oauth1 tokens with only the delegated roles, and how each step refuses.
// Requests are signed as keystoneauth signs them (test-support's signer, checked against
// oauthlib in test/oauth1/signature.test.ts); test/interop drives the real clients.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createProjectUser, issueToken, json, oauth1Authorization, startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, assertError, memberCaller, type Caller } from './crud-helpers.ts';

const ORIGIN = 'http://localhost';

describe('OS-OAUTH1', () => {
  let t: TestIdentity;
  let admin: Caller;
  let consumer: { id: string; secret: string };

  before(async () => {
    t = await startTestIdentity();
    admin = await adminCaller(t);
    const created = await admin('POST', '/v3/OS-OAUTH1/consumers', { consumer: { description: 'my app', colour: 'blue' } });
    assert.equal(created.statusCode, 201, created.body);
    consumer = json(created).consumer;
  });
  after(() => t.close());

  function signedPost(path: string, sign: Partial<Parameters<typeof oauth1Authorization>[0]>, headers: Record<string, string> = {}) {
    const authorization = oauth1Authorization({ method: 'POST', url: `${ORIGIN}${path}`, consumerKey: consumer.id, consumerSecret: consumer.secret, ...sign });
    return t.app.inject({ method: 'POST', url: path, headers: { authorization, ...headers } });
  }

  const form = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body));

  async function requestToken(projectId: string): Promise<{ oauth_token: string; oauth_token_secret: string }> {
    const r = await signedPost('/v3/OS-OAUTH1/request_token', { callback: 'oob' }, { 'requested-project-id': projectId });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
    return form(r.body) as { oauth_token: string; oauth_token_secret: string };
  }

  async function accessToken(roles: unknown[] = [{ id: t.boot.roleIds.admin }]) {
    const request = await requestToken(t.boot.projectId);
    const authorized = await admin('PUT', `/v3/OS-OAUTH1/authorize/${request.oauth_token}`, { roles });
    assert.equal(authorized.statusCode, 200, authorized.body);
    const verifier = json(authorized).token.oauth_verifier as string;
    const r = await signedPost('/v3/OS-OAUTH1/access_token', { token: request.oauth_token, tokenSecret: request.oauth_token_secret, verifier });
    assert.equal(r.statusCode, 201, r.body);
    return form(r.body) as { oauth_token: string; oauth_token_secret: string; oauth_expires_at: string };
  }

  function oauth1Token(access: { oauth_token: string; oauth_token_secret: string }) {
    const path = '/v3/auth/tokens';
    const authorization = oauth1Authorization({
      method: 'POST', url: `${ORIGIN}${path}`, consumerKey: consumer.id, consumerSecret: consumer.secret,
      token: access.oauth_token, tokenSecret: access.oauth_token_secret,
    });
    return t.app.inject({
      method: 'POST', url: path, headers: { authorization, 'content-type': 'application/json' },
      payload: JSON.stringify({ auth: { identity: { methods: ['oauth1'], oauth1: {} } } }),
    });
  }

  it('consumers: the secret only at creation, extras kept, update and delete', async () => {
    assert.match(consumer.secret, /^[0-9a-f]{32}$/);
    const got = json(await admin('GET', `/v3/OS-OAUTH1/consumers/${consumer.id}`)).consumer;
    assert.deepEqual(got, { id: consumer.id, description: 'my app', colour: 'blue', links: { self: `${ORIGIN}/v3/OS-OAUTH1/consumers/${consumer.id}` } });
    const listed = json(await admin('GET', '/v3/OS-OAUTH1/consumers')).consumers as { id: string; secret?: string }[];
    assert.ok(listed.some((c) => c.id === consumer.id && c.secret === undefined));
    const updated = await admin('PATCH', `/v3/OS-OAUTH1/consumers/${consumer.id}`, { consumer: { description: 'renamed' } });
    assert.equal(json(updated).consumer.description, 'renamed');
    assert.equal((await admin('PATCH', `/v3/OS-OAUTH1/consumers/${consumer.id}`, { consumer: { secret: 'mine' } })).statusCode, 400);
    assert.equal((await admin('PATCH', `/v3/OS-OAUTH1/consumers/${consumer.id}`, { consumer: {} })).statusCode, 400);
    const member = await memberCaller(t, 'oauth-member');
    assert.equal((await member('POST', '/v3/OS-OAUTH1/consumers', {})).statusCode, 403);
    const other = json(await admin('POST', '/v3/OS-OAUTH1/consumers', {})).consumer;
    assert.equal(other.description, null);
    assert.equal((await admin('DELETE', `/v3/OS-OAUTH1/consumers/${other.id}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/OS-OAUTH1/consumers/${other.id}`), 404, 'Consumer not found');
  });

  it('the whole delegation: an oauth1 token carries the project and only the authorized roles', async () => {
    const access = await accessToken([{ name: 'reader' }]);
    assert.match(access.oauth_expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const issued = await oauth1Token(access);
    assert.equal(issued.statusCode, 201, issued.body);
    const token = json(issued).token;
    assert.deepEqual(token.methods, ['oauth1']);
    assert.equal(token.project.id, t.boot.projectId);
    assert.deepEqual(token['OS-OAUTH1'], { access_token_id: access.oauth_token, consumer_id: consumer.id });
    assert.deepEqual(token.roles.map((r: { name: string }) => r.name), ['reader']);
    // Validation mints it again with the same delegation.
    const subject = issued.headers['x-subject-token'] as string;
    const validated = await t.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin.token, 'x-subject-token': subject } });
    assert.deepEqual(json(validated).token['OS-OAUTH1'], token['OS-OAUTH1']);
    // An oauth1 token cannot be exchanged for another token.
    const rescoped = await t.app.inject({
      method: 'POST', url: '/v3/auth/tokens', headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: subject } } } }),
    });
    assert.equal(rescoped.statusCode, 403);
    // The user's access tokens, their roles, and their deletion, which ends the tokens got with them.
    const userId = t.boot.userId;
    const listed = json(await admin('GET', `/v3/users/${userId}/OS-OAUTH1/access_tokens`)).access_tokens as { id: string; links: Record<string, string> }[];
    const mine = listed.find((a) => a.id === access.oauth_token);
    assert.equal(mine?.links.roles, `${ORIGIN}/v3/users/${userId}/OS-OAUTH1/access_tokens/${access.oauth_token}/roles`);
    const roles = json(await admin('GET', `/v3/users/${userId}/OS-OAUTH1/access_tokens/${access.oauth_token}/roles`)).roles as { name: string; description?: string }[];
    assert.deepEqual(roles.map((r) => [r.name, r.description]), [['reader', undefined]]);
    assert.equal((await admin('DELETE', `/v3/users/${userId}/OS-OAUTH1/access_tokens/${access.oauth_token}`)).statusCode, 204);
    const after = await t.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin.token, 'x-subject-token': subject } });
    assert.equal(after.statusCode, 404);
    assert.equal((await oauth1Token(access)).statusCode, 401);
  });

  it('refuses each step as Keystone does', async () => {
    // No header, no project, unknown project, bad signature, no callback.
    const none = await t.app.inject({ method: 'POST', url: '/v3/OS-OAUTH1/request_token', headers: { 'requested-project-id': t.boot.projectId } });
    assert.equal(none.statusCode, 400);
    assert.match((await signedPost('/v3/OS-OAUTH1/request_token', { callback: 'oob' })).body, /Requested-Project-Id/);
    assert.equal((await signedPost('/v3/OS-OAUTH1/request_token', { callback: 'oob' }, { 'requested-project-id': 'nope' })).statusCode, 404);
    assertError(await signedPost('/v3/OS-OAUTH1/request_token', { callback: 'oob', consumerSecret: 'wrong' }, { 'requested-project-id': t.boot.projectId }), 401, 'Invalid signature');
    assert.equal((await signedPost('/v3/OS-OAUTH1/request_token', {}, { 'requested-project-id': t.boot.projectId })).statusCode, 400);
    // Authorizing roles one does not hold on the project, or as a non-admin.
    const request = await requestToken(t.boot.projectId);
    const { password } = await createProjectUser(t, 'oauth-plain', 'member');
    const plain = await issueToken(t.app, 'oauth-plain', password, { project: { id: (await t.service.resource.getProjectByName('oauth-plain-project', 'default')).id } });
    const byMember = await t.app.inject({ method: 'PUT', url: `/v3/OS-OAUTH1/authorize/${request.oauth_token}`, headers: { 'x-auth-token': plain, 'content-type': 'application/json' }, payload: '{"roles": []}' });
    assert.equal(byMember.statusCode, 403);
    assertError(await admin('PUT', `/v3/OS-OAUTH1/authorize/${request.oauth_token}`, { roles: [{ id: 'no-such-role' }] }), 401, 'authorizing user does not have role required');
    assert.equal((await admin('PUT', `/v3/OS-OAUTH1/authorize/${request.oauth_token}`, { roles: [{ id: 'x', name: 'y' }] })).statusCode, 400);
    for (const body of [{ roles: {} }, { roles: 'admin' }, { roles: [[]] }]) {
      assert.equal((await admin('PUT', `/v3/OS-OAUTH1/authorize/${request.oauth_token}`, body)).statusCode, 400, JSON.stringify(body));
    }
    // Exchanging before authorization, or with another verifier.
    assertError(
      await signedPost('/v3/OS-OAUTH1/access_token', { token: request.oauth_token, tokenSecret: request.oauth_token_secret, verifier: 'ABCDEFGH' }),
      401, 'Provided verifier does not match stored verifier',
    );
    const verifier = json(await admin('PUT', `/v3/OS-OAUTH1/authorize/${request.oauth_token}`, { roles: [{ name: 'admin' }] })).token.oauth_verifier as string;
    assertError(await signedPost('/v3/OS-OAUTH1/access_token', { token: request.oauth_token, tokenSecret: 'wrong', verifier }), 401, 'Invalid signature');
    assert.equal((await signedPost('/v3/OS-OAUTH1/access_token', { token: request.oauth_token, tokenSecret: request.oauth_token_secret, verifier })).statusCode, 201);
    // A request token is used once.
    assert.equal((await signedPost('/v3/OS-OAUTH1/access_token', { token: request.oauth_token, tokenSecret: request.oauth_token_secret, verifier })).statusCode, 404);
    // A signed token request with a forged access token secret.
    assertError(await oauth1Token({ oauth_token: (await accessToken()).oauth_token, oauth_token_secret: 'forged' }), 401, 'Could not validate the access token');
  });

  it('deleting the consumer ends its access tokens and their tokens', async () => {
    const created = json(await admin('POST', '/v3/OS-OAUTH1/consumers', {})).consumer;
    const saved = consumer;
    consumer = created;
    try {
      const access = await accessToken();
      const subject = (await oauth1Token(access)).headers['x-subject-token'] as string;
      assert.equal((await admin('DELETE', `/v3/OS-OAUTH1/consumers/${created.id}`)).statusCode, 204);
      const validated = await t.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin.token, 'x-subject-token': subject } });
      assert.equal(validated.statusCode, 404);
    } finally {
      consumer = saved;
    }
  });

  it('[oauth1] durations of 0 give tokens that never expire: no oauth_expires_at, expires_at null', async () => {
    const forever = await startTestIdentity({ oauth1Durations: { request: 0, access: 0 } });
    try {
      const caller = await adminCaller(forever);
      const c = json(await caller('POST', '/v3/OS-OAUTH1/consumers', {})).consumer as { id: string; secret: string };
      const sign = (path: string, extra: Partial<Parameters<typeof oauth1Authorization>[0]>, headers: Record<string, string> = {}) =>
        forever.app.inject({
          method: 'POST', url: path,
          headers: { authorization: oauth1Authorization({ method: 'POST', url: `${ORIGIN}${path}`, consumerKey: c.id, consumerSecret: c.secret, ...extra }), ...headers },
        });
      const request = form((await sign('/v3/OS-OAUTH1/request_token', { callback: 'oob' }, { 'requested-project-id': forever.boot.projectId })).body);
      assert.deepEqual(Object.keys(request).sort(), ['oauth_token', 'oauth_token_secret']);
      const verifier = json(await caller('PUT', `/v3/OS-OAUTH1/authorize/${request.oauth_token}`, { roles: [{ name: 'admin' }] })).token.oauth_verifier as string;
      const access = form((await sign('/v3/OS-OAUTH1/access_token', { token: request.oauth_token, tokenSecret: request.oauth_token_secret, verifier })).body);
      assert.deepEqual(Object.keys(access).sort(), ['oauth_token', 'oauth_token_secret']);
      const listed = json(await caller('GET', `/v3/users/${forever.boot.userId}/OS-OAUTH1/access_tokens/${access.oauth_token}`)).access_token;
      assert.equal(listed.expires_at, null);
    } finally {
      await forever.close();
    }
  });
});

