import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthTokenCore, CachedValidator, MemoryCache, type AuthDecision, type TokenData, type ValidateFn } from '../src/index.ts';
import { quietLogger } from './support/stack.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');

const data = (userName: string, roles: string[], expiresAt: number): TokenData => ({
  userId: `${userName}-id`, userName, userDomainId: 'default', userDomainName: 'Default', projectId: 'p', projectName: 'p',
  projectDomainId: 'default', projectDomainName: 'Default', domainId: null, domainName: null, systemScope: null,
  roles, expiresAt, isAdminProject: true, catalog: null, accessRules: null,
});

// Identity as a table: token -> data when valid (also with allow_expired), counting the calls.
function setup(tokens: Record<string, TokenData>) {
  const calls: string[] = [];
  const validate: ValidateFn = async (token, { allowExpired }) => {
    calls.push(`${token}${allowExpired ? ' allow_expired' : ''}`);
    const found = tokens[token];
    if (found === undefined || (!allowExpired && found.expiresAt < NOW)) return null;
    return found;
  };
  const validator = new CachedValidator({ validate, cache: new MemoryCache(), cacheTime: 300, allowExpiredWindow: 3600, logger: quietLogger, now: () => NOW });
  const core = new AuthTokenCore({
    validator,
    wwwAuthenticateUri: 'http://identity.example/v3',
    serviceTokenRoles: ['service'],
    serviceTokenRolesRequired: true,
    delayAuthDecision: false,
    includeServiceCatalog: false,
    now: () => NOW,
  });
  return { core, calls };
}

const summary = (decision: AuthDecision | undefined) =>
  decision === undefined ? undefined : { kind: decision.kind, context: decision.context, headers: decision.kind === 'allow' ? decision.setHeaders : null };

describe('AuthTokenCore: the in-process path', () => {
  const tokens = {
    demo: data('demo', ['member'], NOW + 3_600_000),
    expired: data('demo', ['member'], NOW - 60_000),
    nova: data('nova', ['service'], NOW + 3_600_000),
  };

  it('knows nothing before identity answered, then decides warm requests without asking again', async () => {
    const { core, calls } = setup(tokens);
    const requests = [
      { 'x-auth-token': ['demo'] },
      { 'x-auth-token': ['expired'], 'x-service-token': ['nova'] },
    ];
    for (const headers of requests) assert.equal(core.authenticateCached(headers), undefined);
    const first = await Promise.all(requests.map((headers) => core.authenticate(headers)));
    assert.deepEqual(calls, ['demo', 'nova', 'expired allow_expired']);
    const warm = requests.map((headers) => core.authenticateCached(headers));
    assert.deepEqual(warm.map(summary), first.map(summary));
    assert.equal(warm[1]?.kind, 'allow');
    assert.equal(warm[1]?.context.userTokenExpired, true);
    assert.equal(warm[1]?.context.isService, true);
    assert.equal(calls.length, 3, 'the warm decisions asked identity nothing');
  });

  it('refuses malformed tokens at once, and leaves unknown or refused ones to identity', async () => {
    const { core, calls } = setup(tokens);
    const garbage = core.authenticateCached({ 'x-auth-token': ['not a token'] });
    assert.equal(garbage?.kind, 'reject');
    await core.authenticate({ 'x-auth-token': ['demo'] });
    assert.equal(core.authenticateCached({ 'x-auth-token': ['demo'], 'x-service-token': ['two', 'values'] })?.kind, 'reject');
    assert.equal((await core.authenticate({ 'x-auth-token': ['forged'] })).kind, 'reject');
    // Refusals are not cached: identity may accept the token later.
    assert.equal(core.authenticateCached({ 'x-auth-token': ['forged'] }), undefined);
    assert.deepEqual(calls, ['demo', 'forged']);
  });

  it('a cached strict entry does not answer for an expired token once it expired', async () => {
    let now = NOW;
    const validator = new CachedValidator({
      validate: async () => data('demo', ['member'], NOW + 1000),
      cache: new MemoryCache(),
      cacheTime: 300,
      allowExpiredWindow: 3600,
      logger: quietLogger,
      now: () => now,
    });
    const core = new AuthTokenCore({ validator, wwwAuthenticateUri: 'http://identity.example/v3', serviceTokenRoles: ['service'], serviceTokenRolesRequired: true, delayAuthDecision: false, includeServiceCatalog: false, now: () => now });
    assert.equal((await core.authenticate({ 'x-auth-token': ['demo'] })).kind, 'allow');
    now += 2000;
    assert.equal(core.authenticateCached({ 'x-auth-token': ['demo'] })?.kind, 'reject');
  });

  it('shares one frozen context between requests with the same tokens and verdict', async () => {
    const { core } = setup(tokens);
    const a = await core.authenticate({ 'x-auth-token': ['demo'] });
    const b = core.authenticateCached({ 'x-auth-token': ['demo'] });
    assert.equal(b?.context, a.context);
    assert.ok(Object.isFrozen(a.context) && Object.isFrozen(a.context.user));
    const delayed = core.authenticateCached({ 'x-auth-token': ['demo'], 'x-service-token': ['junk token'] }, { delayAuthDecision: true });
    assert.notEqual(delayed?.context, a.context);
    assert.equal(delayed?.context.serviceIdentityStatus, 'Invalid');
    assert.equal(delayed?.context.identityStatus, 'Confirmed');
  });
});
