// [security_compliance] as Keystone applies it: lockout, password expiry, the password regex,
// password history and minimum age, change upon first use; and POST /v3/users/{id}/password costing the same hash work for
// unknown users, users without a password and known users.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcrypt';
import { adminToken, json, startTestIdentity, type TestIdentity } from '@baton/test-support';

const GENERIC = 'The request you have made requires authentication.';

function passwordAuth(t: TestIdentity, userId: string, password: string) {
  return t.app.inject({
    method: 'POST',
    url: '/v3/auth/tokens',
    payload: { auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } } } },
  });
}

function changePassword(t: TestIdentity, userId: string, original: string, password: string) {
  return t.app.inject({ method: 'POST', url: `/v3/users/${userId}/password`, payload: { user: { original_password: original, password } } });
}

async function createUser(t: TestIdentity, admin: string, name: string, password: string) {
  return t.app.inject({
    method: 'POST',
    url: '/v3/users',
    headers: { 'x-auth-token': admin },
    payload: { user: { name, password, domain_id: 'default' } },
  });
}

describe('lockout_failure_attempts = 3, lockout_duration = 2', () => {
  let t: TestIdentity;
  let userId: string;
  before(async () => {
    t = await startTestIdentity({ securityCompliance: { lockout_failure_attempts: 3, lockout_duration: 2 } });
    userId = (await t.service.identity.createUser({ name: 'alice', domainId: 'default', password: 'right' })).id;
  });
  after(() => t.close());

  it('a success resets the count of wrong passwords', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await passwordAuth(t, userId, 'wrong')).statusCode, 401);
    assert.equal((await passwordAuth(t, userId, 'right')).statusCode, 201);
    for (let i = 0; i < 2; i++) assert.equal((await passwordAuth(t, userId, 'wrong')).statusCode, 401);
    assert.equal((await passwordAuth(t, userId, 'right')).statusCode, 201);
  });

  it('locks after 3 wrong passwords, for token issue and password change, then unlocks after the duration', async () => {
    for (let i = 0; i < 3; i++) {
      const wrong = await passwordAuth(t, userId, 'wrong');
      assert.equal(json(wrong).error.message, GENERIC);
    }
    const locked = await passwordAuth(t, userId, 'right');
    assert.equal(locked.statusCode, 401);
    assert.equal(json(locked).error.message, `The account is locked for user: ${userId}.`);
    const change = await changePassword(t, userId, 'right', 'newer');
    assert.equal(change.statusCode, 401);
    assert.equal(json(change).error.message, `The account is locked for user: ${userId}.`);
    await sleep(2100);
    assert.equal((await passwordAuth(t, userId, 'right')).statusCode, 201);
  });
});

describe('password rules', () => {
  let t: TestIdentity;
  let admin: string;
  before(async () => {
    t = await startTestIdentity({
      securityCompliance: {
        password_regex: '(?=.*[-\\d]).{8,}$',
        password_regex_description: 'at least 8 characters, one of them a digit or a dash',
        password_expires_days: 1,
      },
    });
    admin = await adminToken(t.app);
  });
  after(() => t.close());

  it('password_regex refuses create, update and change with 400 and the description', async () => {
    const message = 'The password does not match the requirements: at least 8 characters, one of them a digit or a dash.';
    const refused = await createUser(t, admin, 'bob', 'short');
    assert.equal(refused.statusCode, 400);
    assert.equal(json(refused).error.message, message);
    const created = await createUser(t, admin, 'bob', 'longenough1');
    assert.equal(created.statusCode, 201, created.body);
    const id = json(created).user.id as string;
    const update = await t.app.inject({ method: 'PATCH', url: `/v3/users/${id}`, headers: { 'x-auth-token': admin }, payload: { user: { password: 'nodigits!' } } });
    assert.equal(update.statusCode, 400);
    const change = await changePassword(t, id, 'longenough1', 'nodigits!');
    assert.equal(change.statusCode, 400);
    assert.equal(json(change).error.message, message);
  });

  it('password_expires_days sets password_expires_at, and an expired password must be changed', async () => {
    const created = await createUser(t, admin, 'carol', 'longenough1');
    const { id, password_expires_at: expires } = json(created).user as { id: string; password_expires_at: string };
    const days = (Date.parse(`${expires}Z`) - Date.now()) / 86_400_000;
    assert.ok(days > 0.99 && days <= 1, expires);
    await t.service.storage.identity.updateUser(id, { passwordExpiresAt: Math.floor(Date.now() / 1000) - 1 });
    const expired = await passwordAuth(t, id, 'longenough1');
    assert.equal(expired.statusCode, 401);
    assert.equal(json(expired).error.message, `The password is expired and needs to be changed for user: ${id}.`);
    assert.equal((await changePassword(t, id, 'longenough1', 'longenough2')).statusCode, 204);
    assert.equal((await passwordAuth(t, id, 'longenough2')).statusCode, 201);
  });
});

describe('unique_last_password_count = 3, minimum_password_age = 1', () => {
  let t: TestIdentity;
  let admin: string;
  before(async () => {
    t = await startTestIdentity({ securityCompliance: { unique_last_password_count: 3, minimum_password_age: 1 } });
    admin = await adminToken(t.app);
  });
  after(() => t.close());

  const HISTORY = 'The new password cannot be identical to a previous password. The total number which includes the new password must be unique is 3.';
  const AGE =
    'You cannot change your password at this time due to the minimum password age. Once you change your password, it must be used ' +
    'for 1 day(s) before it can be changed. Please try again in 0 day(s) or contact your administrator to reset your password.';
  /** As if the current password had been set a day and a second ago. */
  const ageOneDay = (id: string) => t.service.storage.identity.updateUser(id, { passwordCreatedAt: Math.floor(Date.now() / 1000) - 86_401 });
  const adminReset = (id: string, password: string) =>
    t.app.inject({ method: 'PATCH', url: `/v3/users/${id}`, headers: { 'x-auth-token': admin }, payload: { user: { password } } });

  it('a self-service change refuses the current password and the two before it, with 400 and Keystone\'s message', async () => {
    const id = json(await createUser(t, admin, 'erin', 'pw-0')).user.id as string;
    const same = await changePassword(t, id, 'pw-0', 'pw-0');
    assert.equal(same.statusCode, 400);
    assert.equal(json(same).error.message, HISTORY);
    assert.equal((await changePassword(t, id, 'pw-0', 'pw-1')).statusCode, 204, 'a password an administrator set can be changed at once');
    await ageOneDay(id);
    assert.equal((await changePassword(t, id, 'pw-1', 'pw-2')).statusCode, 204);
    await ageOneDay(id);
    const reused = await changePassword(t, id, 'pw-2', 'pw-0');
    assert.equal(reused.statusCode, 400);
    assert.equal(json(reused).error.message, HISTORY);
    assert.equal((await changePassword(t, id, 'pw-2', 'pw-3')).statusCode, 204);
    await ageOneDay(id);
    assert.equal((await changePassword(t, id, 'pw-3', 'pw-0')).statusCode, 204, 'pw-0 is now the fourth password back');
    assert.equal((await passwordAuth(t, id, 'pw-0')).statusCode, 201);
    const stored = await t.service.identity.getUser(id);
    assert.equal(stored.passwordHistory.length, 3);
    assert.ok(stored.passwordHistory.every((hash) => hash.startsWith('$2')), 'history holds hashes only');
  });

  it('minimum_password_age refuses a second self-service change within a day; an administrator resets at any time', async () => {
    const id = json(await createUser(t, admin, 'frank', 'fr-0')).user.id as string;
    assert.equal((await changePassword(t, id, 'fr-0', 'fr-1')).statusCode, 204);
    const early = await changePassword(t, id, 'fr-1', 'fr-2');
    assert.equal(early.statusCode, 400);
    assert.equal(json(early).error.message, AGE);
    assert.equal((await adminReset(id, 'fr-0')).statusCode, 200, 'neither the age nor the history binds an administrator');
    assert.equal((await changePassword(t, id, 'fr-0', 'fr-2')).statusCode, 204, "the administrator's password can be changed at once");
    assert.equal((await passwordAuth(t, id, 'fr-2')).statusCode, 201);
  });
});

describe('change_password_upon_first_use', () => {
  let t: TestIdentity;
  before(async () => {
    t = await startTestIdentity({ securityCompliance: { change_password_upon_first_use: true } });
  });
  after(() => t.close());

  it("an administrator's password works only to change it", async () => {
    const admin = await adminToken(t.app);
    const id = json(await createUser(t, admin, 'dave', 'temporary'))?.user.id as string;
    const first = await passwordAuth(t, id, 'temporary');
    assert.equal(json(first).error.message, `The password is expired and needs to be changed for user: ${id}.`);
    assert.equal((await changePassword(t, id, 'temporary', 'chosen')).statusCode, 204);
    assert.equal((await passwordAuth(t, id, 'chosen')).statusCode, 201);
  });
});

describe('POST /v3/users/{user_id}/password hash work', () => {
  const ROUNDS = 10;
  let t: TestIdentity;
  before(async () => {
    t = await startTestIdentity({ passwordHashRounds: ROUNDS });
  });
  after(() => t.close());

  it('costs at least one hash at the configured cost for unknown users, users without a password and weaker hashes', async () => {
    const { identity, storage } = t.service;
    const known = await identity.createUser({ name: 'known', domainId: 'default', password: 'right' });
    const none = await identity.createUser({ name: 'nopassword', domainId: 'default' });
    const weak = await identity.createUser({ name: 'weak', domainId: 'default' });
    await storage.identity.updateUser(weak.id, { passwordHash: await bcrypt.hash('right', 4) });
    // One compare at the configured cost; the fastest of three, so a busy machine can only
    // make the requests look slower than it, never faster.
    const hash = await bcrypt.hash('x', ROUNDS);
    let baseline = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      await bcrypt.compare('y', hash);
      baseline = Math.min(baseline, performance.now() - start);
    }
    for (const [who, id] of [['unknown', 'f'.repeat(32)], ['no password', none.id], ['weak hash', weak.id], ['known', known.id]] as const) {
      const start = performance.now();
      const response = await changePassword(t, id, 'wrong', 'new');
      const elapsed = performance.now() - start;
      assert.equal(response.statusCode, 401, who);
      assert.equal(json(response).error.message, GENERIC, who);
      // Before the fix an unknown user answered in ~1% of a hash; the bound leaves a wide margin.
      assert.ok(elapsed >= baseline * 0.3, `${who}: ${elapsed.toFixed(1)} ms, one hash ${baseline.toFixed(1)} ms`);
    }
  });
});
