import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { CachedValidator, cacheKey, createAuthToken, MemoryCache, type TokenData, type ValidateFn } from '../src/index.ts';
import { decodeEntry, encodeEntry, entryLifetime } from '../src/validation-cache.ts';
import { startMemcached, type Memcached } from '@baton/test-support';
import { quietLogger, sleep, startStack, type Stack } from './support/stack.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';

const token = (expiresInMs: number): TokenData => ({
  userId: 'u', userName: 'u', userDomainId: 'default', userDomainName: 'Default', projectId: 'p', projectName: 'p',
  projectDomainId: 'default', projectDomainName: 'Default', domainId: null, domainName: null, systemScope: null,
  roles: ['member'], expiresAt: Date.now() + expiresInMs, isAdminProject: true, catalog: null, accessRules: null,
});

describe('cache keys and lifetimes', () => {
  it('never holds the token in clear text and separates strict from allow_expired entries', () => {
    const t = 'gAAAAABsecret-token';
    const strict = cacheKey('p/', t, false);
    const expiredOk = cacheKey('p/', t, true);
    assert.ok(!strict.includes(t) && !expiredOk.includes(t));
    assert.notEqual(strict, expiredOk);
    assert.match(strict, /^p\/strict\/[0-9a-f]{64}$/);
  });

  it('keys stay the sha256 of their token when the digest memo is full and evicting', () => {
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const tokens = Array.from({ length: 1500 }, (_, i) => `gAAAAAB-token-${i}`);
    for (const t of tokens) cacheKey('p/', t, false);
    // The first ones were evicted, the last ones are remembered: both must give the digest.
    for (const t of [tokens[0]!, tokens[700]!, tokens[1499]!]) {
      assert.equal(cacheKey('p/', t, false), `p/strict/${sha(t)}`);
      assert.equal(cacheKey('p/', t, true), `p/expired-ok/${sha(t)}`);
    }
  });

  it('decodes a shared-cache entry once: the same text gives the same frozen data, garbage gives nothing', () => {
    const text = encodeEntry(token(60_000));
    const first = decodeEntry(text);
    assert.deepEqual(first, JSON.parse(text));
    assert.equal(decodeEntry(Buffer.from(text).toString('utf8')), first, 'a fresh copy of the text, as read from a socket');
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first!.roles));
    assert.equal(decodeEntry('{"userId":1}'), undefined);
    assert.equal(decodeEntry('not json'), undefined);
  });

  it("keeps a restricted token's access rules in its entry, and takes no entry without the field for an unrestricted one", () => {
    const rules = [{ service: 'compute', method: 'GET', path: '/v2.1/servers/*' }];
    const restricted = decodeEntry(encodeEntry({ ...token(60_000), accessRules: rules }));
    assert.deepEqual(restricted?.accessRules, rules);
    assert.ok(Object.isFrozen(restricted!.accessRules) && Object.isFrozen(restricted!.accessRules![0]));
    // Written before access rules were cached: it cannot say the token is unrestricted.
    const { accessRules: _accessRules, ...older } = token(60_000);
    assert.equal(decodeEntry(JSON.stringify(older)), undefined);
    // A damaged entry restricts as much and no more: rules it cannot read allow nothing.
    const damaged = decodeEntry(JSON.stringify({ ...token(60_000), accessRules: [null, { service: 'compute' }, ...rules] }));
    assert.deepEqual(damaged?.accessRules, rules);
  });

  it('caps the lifetime at the token expiry (strict) or the end of its window (allow_expired)', () => {
    const now = Date.now();
    const data = { ...token(0), expiresAt: now + 60_000 };
    assert.equal(entryLifetime(data, false, 300, 172800, now), 60);
    assert.equal(entryLifetime(data, false, 30, 172800, now), 30);
    assert.equal(entryLifetime({ ...data, expiresAt: now - 10_000 }, false, 300, 172800, now), 0);
    assert.equal(entryLifetime({ ...data, expiresAt: now - 10_000 }, true, 300, 100, now), 90);
    assert.equal(entryLifetime({ ...data, expiresAt: now - 200_000 }, true, 300, 100, now), 0);
  });
});

describe('CachedValidator', () => {
  function counting(result: TokenData | null, delayMs = 20) {
    const calls: { token: string; allowExpired: boolean }[] = [];
    const validate: ValidateFn = async (t, { allowExpired }) => {
      calls.push({ token: t, allowExpired });
      await sleep(delayMs);
      return result;
    };
    return { calls, validate };
  }

  it('makes one call for many concurrent validations of one token, then serves from the cache', async () => {
    const { calls, validate } = counting(token(60_000));
    const v = new CachedValidator({ validate, cache: new MemoryCache(), cacheTime: 300, allowExpiredWindow: 100, logger: quietLogger });
    const results = await Promise.all(Array.from({ length: 50 }, () => v.validate('tok', { allowExpired: false })));
    assert.equal(calls.length, 1);
    assert.ok(results.every((r) => r?.userId === 'u'));
    await v.validate('tok', { allowExpired: false });
    assert.equal(calls.length, 1);
  });

  it('a strict entry never answers an allow_expired validation, nor the other way round', async () => {
    const { calls, validate } = counting(token(60_000));
    const v = new CachedValidator({ validate, cache: new MemoryCache(), cacheTime: 300, allowExpiredWindow: 100, logger: quietLogger });
    await v.validate('tok', { allowExpired: false });
    await v.validate('tok', { allowExpired: true });
    await v.validate('tok2', { allowExpired: true });
    await v.validate('tok2', { allowExpired: false });
    assert.deepEqual(calls.map((c) => c.allowExpired), [false, true, true, false]);
  });

  it('does not cache refusals (identity may accept the token later, e.g. a re-enabled project)', async () => {
    const { calls, validate } = counting(null);
    const v = new CachedValidator({ validate, cache: new MemoryCache(), cacheTime: 300, allowExpiredWindow: 100, logger: quietLogger });
    assert.equal(await v.validate('bad', { allowExpired: false }), null);
    assert.equal(await v.validate('bad', { allowExpired: false }), null);
    assert.equal(calls.length, 2);
  });
});

// The shared backends, each against a real server behind a proxy we can take down.
for (const kind of ['memcached', 'redis'] as const) {
  describe(`${kind} validation cache with a real server`, { timeout: 120_000 }, () => {
    let stack: Stack;
    let memcached: Memcached | undefined;
    let proxy: TcpProxy;
    const prefix = `baton-test/${randomUUID()}/`;
    const logs: string[] = [];
    const logger = { warn: (m: string) => logs.push(`warn ${m}`), info: (m: string) => logs.push(`info ${m}`) };

    before(async () => {
      stack = await startStack();
      if (kind === 'memcached') memcached = await startMemcached();
      proxy = await startTcpProxy(kind === 'memcached' ? memcached!.port : 6379);
    });
    after(async () => {
      await proxy?.close();
      await memcached?.stop();
      if (kind === 'redis') {
        const redis = new Redis('redis://127.0.0.1:6379');
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
      await stack?.close();
    });

    function servers(): string[] {
      return kind === 'memcached' ? [`127.0.0.1:${proxy.port}`] : [`redis://127.0.0.1:${proxy.port}`];
    }

    it('two middleware instances share entries: the second answers without asking identity', async () => {
      const a = createAuthToken(stack.config({ memcached_servers: servers() }), { logger, keyPrefix: prefix });
      const b = createAuthToken(stack.config({ memcached_servers: servers() }), { logger, keyPrefix: prefix });
      try {
        assert.equal(a.cacheKind, kind);
        const demo = await stack.issue('demo');
        assert.equal((await a.core.authenticate({ 'x-auth-token': demo })).kind, 'allow');
        // b needs its own token once; after that, validating demo must come from the cache.
        await b.core.authenticate({ 'x-auth-token': await stack.issue('nova') });
        stack.resetCalls();
        const decision = await b.core.authenticate({ 'x-auth-token': demo });
        assert.equal(decision.kind, 'allow');
        assert.equal(stack.callCount('GET /v3/auth/tokens'), 0);
        if (kind === 'redis') {
          const redis = new Redis('redis://127.0.0.1:6379');
          const keys = await redis.keys(`${prefix}*`);
          redis.disconnect();
          assert.ok(keys.length >= 1);
          assert.ok(keys.every((k) => !k.includes(demo)), 'no token in clear text as a key');
        }
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('falls back to identity when the cache server goes away, logs once, and recovers when it returns', async () => {
      logs.length = 0;
      const auth = createAuthToken(stack.config({ memcached_servers: servers() }), { logger, keyPrefix: prefix });
      try {
        const demo = await stack.issue('demo');
        assert.equal((await auth.core.authenticate({ 'x-auth-token': demo })).kind, 'allow');
        await proxy.down();
        stack.resetCalls();
        for (let i = 0; i < 3; i++) {
          const started = Date.now();
          assert.equal((await auth.core.authenticate({ 'x-auth-token': demo })).kind, 'allow');
          assert.ok(Date.now() - started < 2500, 'a dead cache costs at most its timeout');
        }
        assert.equal(stack.callCount('GET /v3/auth/tokens'), 3);
        assert.equal(logs.filter((l) => l.startsWith('warn token validation cache unavailable')).length, 1);
        await proxy.up();
        const deadline = Date.now() + 15_000;
        while (!logs.some((l) => l === 'info token validation cache is back') && Date.now() < deadline) {
          await auth.core.authenticate({ 'x-auth-token': demo });
          await sleep(200);
        }
        assert.ok(logs.includes('info token validation cache is back'), logs.join('\n'));
        await auth.core.authenticate({ 'x-auth-token': demo });
        stack.resetCalls();
        await auth.core.authenticate({ 'x-auth-token': demo });
        assert.equal(stack.callCount('GET /v3/auth/tokens'), 0, 'served from the cache again');
      } finally {
        await auth.close();
      }
    });
  });
}
