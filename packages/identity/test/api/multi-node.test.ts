// Two identity nodes sharing one database and key repository: a revocation written by
// one is honoured by the other at once, even while the other has the token memoised.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { IdentityService, createIdentityApp } from '../../src/index.ts';
import { adminToken, createProjectUser, issueToken, startTestIdentity, type TestIdentity } from '@baton/test-support';

describe('several identity nodes', () => {
  let a: TestIdentity;
  let b: { service: IdentityService; app: Awaited<ReturnType<typeof createIdentityApp>> };

  before(async () => {
    a = await startTestIdentity();
    const service = await IdentityService.open({ ...a.service.config, database: { connection: `sqlite:///${join(a.dir, 'keystone.db')}` } });
    b = { service, app: await createIdentityApp(service) };
  });
  after(async () => {
    await b.app.close();
    await b.service.close();
    await a.close();
  });

  it('node B refuses a token revoked on node A, and a user disabled on node A, immediately', async () => {
    const admin = await adminToken(a.app);
    const u = await createProjectUser(a, 'gina', 'member');
    const gina = await issueToken(a.app, 'gina', u.password, { project: { id: u.projectId } });
    const check = (token: string) =>
      b.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin, 'x-subject-token': token } });
    assert.equal((await check(gina)).statusCode, 200); // now memoised on B
    const revoke = await a.app.inject({ method: 'DELETE', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin, 'x-subject-token': gina } });
    assert.equal(revoke.statusCode, 204);
    assert.equal((await check(gina)).statusCode, 404);

    const second = await issueToken(a.app, 'gina', u.password, { project: { id: u.projectId } });
    assert.equal((await check(second)).statusCode, 200);
    await a.service.identity.updateUser(u.userId, { enabled: false });
    assert.equal((await check(second)).statusCode, 404);
  });
});
