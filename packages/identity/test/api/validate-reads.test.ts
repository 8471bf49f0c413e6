// What validating a token reads (TokenCheck in token-provider.ts): the revocation events once
// for caller and subject together, whichever is older, and the key repository live, even
// for a token that was opened and memoised before.
import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { FernetKeyRepository } from '@baton/fernet';
import { DIALECTS, adminToken, createProjectUser, issueToken, startTestIdentity, type TestIdentity } from '@baton/test-support';

for (const dialect of DIALECTS) describe(`what a validation reads (${dialect})`, () => {
  let t: TestIdentity;
  let gina: { userId: string; projectId: string; password: string };

  before(async () => {
    t = await startTestIdentity({ dialect });
    gina = await createProjectUser(t, 'gina', 'member');
  });
  after(() => t.close());

  const request = (method: 'GET' | 'DELETE', caller: string, subject: string) =>
    t.app.inject({ method, url: '/v3/auth/tokens', headers: { 'x-auth-token': caller, 'x-subject-token': subject } });
  const ginaToken = () => issueToken(t.app, 'gina', gina.password, { project: { id: gina.projectId } });

  it('reads the revocation events once per request, from the older of caller and subject', async () => {
    const olderAdmin = await adminToken(t.app);
    const older = await ginaToken();
    const revoked = await ginaToken();
    // Issue times are whole seconds: the event, then the newer caller, each get a later one.
    await sleep(1100);
    assert.equal((await request('DELETE', olderAdmin, revoked)).statusCode, 204);
    await sleep(1100);
    const newerAdmin = await adminToken(t.app);
    const newer = await ginaToken();
    const reads = mock.method(t.service.storage.revoke, 'listEventsSince');
    try {
      assert.equal((await request('GET', newerAdmin, revoked)).statusCode, 404);
      assert.equal((await request('GET', newerAdmin, older)).statusCode, 200);
      assert.equal((await request('GET', olderAdmin, newer)).statusCode, 200);
      assert.equal(reads.mock.callCount(), 3);
    } finally {
      reads.mock.restore();
    }
  });

  it('refuses a revoked caller with 401', async () => {
    const admin = await adminToken(t.app);
    const subject = await ginaToken();
    assert.equal((await request('GET', admin, subject)).statusCode, 200);
    assert.equal((await request('DELETE', admin, admin)).statusCode, 204);
    assert.equal((await request('GET', admin, subject)).statusCode, 401);
  });

  it('refuses a token at once when its key leaves the repository, though it was validated before', async () => {
    const admin = await adminToken(t.app);
    const token = await ginaToken();
    assert.equal((await request('GET', admin, token)).statusCode, 200);
    // As keystone-manage fernet_rotate elsewhere would: with max_active_keys = 3 the second
    // rotation removes the key both tokens were made with.
    const keys = new FernetKeyRepository({ path: t.service.config.fernet_tokens.key_repository, maxActiveKeys: 3 });
    keys.rotate();
    keys.rotate();
    const newAdmin = await adminToken(t.app);
    assert.equal((await request('GET', newAdmin, token)).statusCode, 404);
    assert.equal((await request('GET', admin, await ginaToken())).statusCode, 401);
    assert.equal((await request('GET', newAdmin, await ginaToken())).statusCode, 200);
  });
});
