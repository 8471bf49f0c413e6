// Validation, allow_expired, check, revocation and tampering (spec A.2–A.4, transcripts 02–06).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIALECTS, adminToken, createProjectUser, issueToken, json, startTestIdentity, type TestIdentity } from '@baton/test-support';

function validate(t: TestIdentity, caller: string, subject: string | null, query = '', method: 'GET' | 'HEAD' | 'DELETE' = 'GET') {
  const headers: Record<string, string> = { 'x-auth-token': caller };
  if (subject !== null) headers['x-subject-token'] = subject;
  return t.app.inject({ method, url: `/v3/auth/tokens${query}`, headers });
}

function tamper(token: string): string {
  const i = 60;
  const c = token[i] === 'A' ? 'B' : 'A';
  return token.slice(0, i) + c + token.slice(i + 1);
}

for (const dialect of DIALECTS) describe(`GET/HEAD/DELETE /v3/auth/tokens (${dialect})`, () => {
  let t: TestIdentity;
  let admin: string;
  let demo: { userId: string; projectId: string; password: string };
  let demoToken: string;
  let nova: { userId: string; projectId: string; password: string };
  let novaToken: string;

  before(async () => {
    // Short tokens and a short window, so expiry is tested for real.
    t = await startTestIdentity({ expiration: 3, allowExpiredWindow: 3, dialect });
    demo = await createProjectUser(t, 'demo', 'member');
    nova = await createProjectUser(t, 'nova', 'service');
  });
  after(() => t.close());

  async function fresh() {
    admin = await adminToken(t.app);
    demoToken = await issueToken(t.app, 'demo', demo.password, { project: { id: demo.projectId } });
    novaToken = await issueToken(t.app, 'nova', nova.password, { project: { id: nova.projectId } });
  }

  it('validates for admin, the service role and the subject; echoes X-Subject-Token', async () => {
    await fresh();
    for (const caller of [admin, novaToken, demoToken]) {
      const r = await validate(t, caller, demoToken);
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['x-subject-token'], demoToken);
      assert.equal(json(r).token.user.name, 'demo');
      assert.deepEqual(json(r).token.roles.map((x: { name: string }) => x.name).sort(), ['member', 'reader']);
    }
  });

  it('refuses others with 403 naming identity:validate_token; HEAD refuses the service role', async () => {
    await fresh();
    const other = await validate(t, demoToken, novaToken);
    assert.equal(other.statusCode, 403);
    assert.equal(json(other).error.message, 'You are not authorized to perform the requested action: identity:validate_token.');
    assert.equal((await validate(t, novaToken, demoToken, '', 'HEAD')).statusCode, 403);
    const head = await validate(t, admin, demoToken, '', 'HEAD');
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
    assert.ok(Number(head.headers['content-length']) > 100);
  });

  it('answers a missing subject with 404 for admin and 403 for a plain user', async () => {
    await fresh();
    const r = await validate(t, admin, null);
    assert.equal(r.statusCode, 404);
    assert.equal(json(r).error.message, 'No token in the request');
    assert.equal((await validate(t, demoToken, null)).statusCode, 403);
  });

  it('treats tampered, truncated, garbage and foreign-key tokens alike: subject 404, caller 401', async () => {
    await fresh();
    const { FernetKeyRepository } = await import('@baton/fernet');
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { TokenFormatter } = await import('@baton/tokens');
    const foreignRepo = new FernetKeyRepository({ path: join(mkdtempSync(join(tmpdir(), 'foreign-')), 'k'), maxActiveKeys: 3 });
    foreignRepo.setup();
    const foreign = new TokenFormatter({ keys: () => foreignRepo.loadKeys(), authMethods: ['password'], defaultDomainId: 'default' }).create({
      kind: 'unscoped',
      userId: demo.userId,
      methods: ['password'],
      expiresAt: Date.now() / 1000 + 600,
      auditIds: ['AAAAAAAAAAAAAAAAAAAAAA'],
    }).tokenId;
    for (const bad of [tamper(demoToken), demoToken.slice(0, 100), 'garbage', foreign]) {
      const r = await validate(t, admin, bad);
      assert.equal(r.statusCode, 404);
      assert.deepEqual(json(r), { error: { code: 404, message: 'Could not recognize Fernet token', title: 'Not Found' } });
      const asCaller = await validate(t, bad, demoToken);
      assert.equal(asCaller.statusCode, 401);
      assert.match(asCaller.headers['www-authenticate'] as string, /^Keystone uri="http:\/\/localhost(:\d+)?\/v3"$/);
    }
  });

  it('accepts an expired token only with allow_expired, within allow_expired_window', async () => {
    await fresh();
    const expiring = demoToken;
    await sleep(3100);
    await fresh();
    const plain = await validate(t, admin, expiring);
    assert.equal(plain.statusCode, 404);
    assert.equal(json(plain).error.message, 'Failed to validate token');
    const allowed = await validate(t, admin, expiring, '?allow_expired=1');
    assert.equal(allowed.statusCode, 200);
    assert.ok(Date.parse(json(allowed).token.expires_at) < Date.now());
    assert.equal((await validate(t, admin, expiring, '?allow_expired=true&nocatalog')).statusCode, 200);
    assert.equal((await validate(t, admin, expiring, '?allow_expired=0')).statusCode, 404);
    // An expired token cannot authenticate a call, nor be revoked.
    assert.equal((await validate(t, expiring, admin)).statusCode, 401);
    assert.equal((await validate(t, admin, expiring, '', 'DELETE')).statusCode, 404);
    await sleep(3100);
    await fresh();
    assert.equal((await validate(t, admin, expiring, '?allow_expired=1')).statusCode, 404);
  });

  it('keeps a revoked token rejected with and without allow_expired', async () => {
    await fresh();
    const revoked = await validate(t, demoToken, demoToken, '', 'DELETE');
    assert.equal(revoked.statusCode, 204);
    assert.equal(revoked.body, '');
    for (const q of ['', '?allow_expired=1']) {
      const r = await validate(t, admin, demoToken, q);
      assert.equal(r.statusCode, 404);
      assert.equal(json(r).error.message, 'Failed to validate token');
    }
    assert.equal((await validate(t, admin, demoToken, '', 'DELETE')).statusCode, 404);
    // The service role may not revoke others' tokens.
    const other = await issueToken(t.app, 'demo', demo.password, { project: { id: demo.projectId } });
    assert.equal((await validate(t, novaToken, other, '', 'DELETE')).statusCode, 403);
    assert.equal((await validate(t, admin, other, '', 'DELETE')).statusCode, 204);
  });

  it('invalidates tokens scoped to a deleted or disabled project, and of a disabled user', async () => {
    await fresh();
    const p = await createProjectUser(t, 'erin', 'member');
    const erin = await issueToken(t.app, 'erin', p.password, { project: { id: p.projectId } });
    await t.service.resource.updateProject(p.projectId, { enabled: false });
    assert.equal((await validate(t, admin, erin)).statusCode, 404);
    await t.service.resource.updateProject(p.projectId, { enabled: true });
    assert.equal((await validate(t, admin, erin)).statusCode, 200);
    await t.service.resource.deleteProject(p.projectId);
    assert.equal((await validate(t, admin, erin)).statusCode, 404);
    const q = await createProjectUser(t, 'frank', 'member');
    const frank = await issueToken(t.app, 'frank', q.password, { project: { id: q.projectId } });
    await t.service.identity.updateUser(q.userId, { enabled: false });
    assert.equal((await validate(t, admin, frank)).statusCode, 404);
    await t.service.identity.updateUser(q.userId, { enabled: true });
    assert.equal((await validate(t, admin, frank, '?allow_expired=1')).statusCode, 404);
  });
});
