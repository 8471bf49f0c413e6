// No body, query or header makes the service answer 500: deep nesting is refused with 400
// before anything recurses over it, repeated query flags take the first value (Flask's
// request.args.get), and odd header values are a 401 or 404 like any bad token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminToken, json, startTestIdentity, type TestIdentity } from '@baton/test-support';

const NESTED =
  'The request body is nested more than 32 levels deep. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('hostile input', () => {
  let t: TestIdentity;
  let admin: string;
  before(async () => {
    t = await startTestIdentity();
    admin = await adminToken(t.app);
  });
  after(() => t.close());

  const post = (url: string, payload: string, token?: string) =>
    t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { 'x-auth-token': token }) } });

  it('refuses bodies nested thousands deep with 400 and the error JSON, unauthenticated or not', async () => {
    const bodies: [string, string][] = [
      ['/v3/auth/tokens', `{"auth":${deepArray(5000)}}`],
      ['/v3/auth/tokens', `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":${deepArray(5000)}}}}}}`],
      [`/v3/users/${t.boot.userId}/password`, `{"user":{"password":${deepArray(5000)},"original_password":"x"}}`],
      ['/v3/users/unknown/password', `{"user":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
    ];
    for (const [url, payload] of bodies) {
      const response = await post(url, payload);
      assert.equal(response.statusCode, 400, `${url} ${response.body.slice(0, 200)}`);
      assert.deepEqual(json(response), { error: { code: 400, message: NESTED, title: 'Bad Request' } });
    }
  });

  it('cannot store a deeply nested extra attribute, so user lists keep working', async () => {
    const refused = await post('/v3/users', `{"user":{"name":"deep","extra":${deepArray(3000)}}}`, admin);
    assert.equal(refused.statusCode, 400);
    // Nesting within the limit is fine, and brackets inside strings do not count.
    const brackets = '['.repeat(100);
    const kept = await post('/v3/users', `{"user":{"name":"shallow","extra":${deepArray(20)},"note":"${brackets}"}}`, admin);
    assert.equal(kept.statusCode, 201, kept.body);
    assert.equal(json(kept).user.note, brackets);
    const list = await t.app.inject({ method: 'GET', url: '/v3/users', headers: { 'x-auth-token': admin } });
    assert.equal(list.statusCode, 200);
  });

  it('takes the first value of a repeated query flag (?allow_expired=1&allow_expired=1)', async () => {
    const headers = { 'x-auth-token': admin, 'x-subject-token': admin };
    for (const query of ['allow_expired=1&allow_expired=1', 'allow_expired=1&allow_expired=0', 'nocatalog&nocatalog', 'allow_expired&allow_expired=x']) {
      for (const method of ['GET', 'HEAD'] as const) {
        const response = await t.app.inject({ method, url: `/v3/auth/tokens?${query}`, headers });
        assert.equal(response.statusCode, 200, `${method} ${query}`);
      }
    }
    for (const url of ['/v3/users?name=a&name=b', '/v3/projects?enabled=1&enabled=0', '/v3/role_assignments?effective&effective', '/v3/groups?domain_id=a&domain_id=b']) {
      const response = await t.app.inject({ method: 'GET', url, headers: { 'x-auth-token': admin } });
      assert.equal(response.statusCode, 200, url);
    }
  });

  it('answers odd token headers with 401 or 404, never 500', async () => {
    const odd = ['', ' ', 'é', '\u00ff'.repeat(300), 'a'.repeat(100_000), '%00', '../../etc/passwd', admin.slice(0, -1)];
    for (const value of odd) {
      const asCaller = await t.app.inject({ method: 'GET', url: '/v3/users', headers: { 'x-auth-token': value } });
      assert.equal(asCaller.statusCode, 401, `caller ${JSON.stringify(value.slice(0, 20))}`);
      const asSubject = await t.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin, 'x-subject-token': value } });
      assert.ok([401, 404].includes(asSubject.statusCode), `subject ${JSON.stringify(value.slice(0, 20))}: ${asSubject.statusCode}`);
    }
    const twice = await t.app.inject({ method: 'GET', url: '/v3/users', headers: { 'x-auth-token': [admin, admin] } });
    assert.equal(twice.statusCode, 401);
  });
});
