// Keystone answers HEAD wherever it answers GET (Werkzeug adds HEAD to every GET rule and
// runs the GET handler, policy included), with the GET's status and headers and no body.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminToken, startTestIdentity, type TestIdentity } from '@baton/test-support';

describe('HEAD', () => {
  let t: TestIdentity;
  let admin: string;
  before(async () => {
    t = await startTestIdentity();
    admin = await adminToken(t.app);
  });
  after(() => t.close());

  it('is routed wherever GET is', () => {
    const lines = t.app.printRoutes({ commonPrefix: false }).split('\n');
    const getOnly = lines.filter((line) => /\(([^)]*\b)?GET\b/.test(line) && !/\bHEAD\b/.test(line));
    assert.ok(lines.filter((line) => line.includes('GET')).length > 50, 'the route table was read');
    assert.deepEqual(getOnly, []);
  });

  it("answers with the GET's status and headers and no body", async () => {
    const idp = '/v3/OS-FEDERATION/identity_providers/head-idp';
    const headers = { 'x-auth-token': admin, 'content-type': 'application/json' };
    assert.equal((await t.app.inject({ method: 'PUT', url: idp, headers, payload: { identity_provider: {} } })).statusCode, 201);
    for (const url of [idp, '/v3/OS-FEDERATION/identity_providers', '/v3/OS-FEDERATION/identity_providers/none', `/v3/users/${t.boot.userId}/credentials/OS-EC2`]) {
      const get = await t.app.inject({ method: 'GET', url, headers: { 'x-auth-token': admin } });
      const head = await t.app.inject({ method: 'HEAD', url, headers: { 'x-auth-token': admin } });
      assert.equal(head.statusCode, get.statusCode, url);
      assert.equal(head.headers['content-length'], get.headers['content-length'], url);
      assert.equal(head.headers['content-type'], get.headers['content-type'], url);
      assert.equal(head.body, '', url);
    }
    const anonymous = await t.app.inject({ method: 'HEAD', url: idp });
    assert.equal(anonymous.statusCode, 401);
  });
});
