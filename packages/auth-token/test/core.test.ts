import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthTokenCore, CachedValidator, MemoryCache, type AuthDecision, type TokenData, type ValidateFn } from '../src/index.ts';
import { quietLogger } from './support/stack.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');

const data = (userName: string, roles: string[], expiresAt: number, extra: Partial<TokenData> = {}): TokenData => ({
  userId: `${userName}-id`, userName, userDomainId: 'default', userDomainName: 'Default', projectId: 'p', projectName: 'p',
  projectDomainId: 'default', projectDomainName: 'Default', domainId: null, domainName: null, systemScope: null,
  roles, expiresAt, isAdminProject: true, catalog: null, accessRules: null, ...extra,
});

// Identity as a table: token -> data when valid (also with allow_expired), counting the calls;
// the core checks access rules under `serviceType` and collects its warnings.
function setup(tokens: Record<string, TokenData>, serviceType: string | null = null) {
  const calls: string[] = [];
  const warnings: string[] = [];
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
    serviceType,
    logger: { warn: (message) => warnings.push(message) },
    now: () => NOW,
  });
  return { core, calls, warnings };
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

const CATALOG = JSON.stringify([{ type: 'compute', endpoints: [] }, { type: 'identity', endpoints: [] }]);
const RULES = [{ service: 'compute', method: 'GET', path: '/v2.1/servers/*' }];
const RESTRICTED = {
  ruled: data('demo', ['member'], NOW + 3_600_000, { accessRules: RULES, catalog: CATALOG }),
  expiredRuled: data('demo', ['member'], NOW - 60_000, { accessRules: RULES, catalog: CATALOG }),
  noCatalog: data('demo', ['member'], NOW + 3_600_000, { accessRules: RULES }),
  nova: data('nova', ['service'], NOW + 3_600_000),
};

const GET_SERVER = { method: 'GET', path: '/v2.1/servers/abc' };
const GET_FLAVOR = { method: 'GET', path: '/v2.1/flavors/abc' };

describe('AuthTokenCore: tokens restricted by access rules', () => {
  it('allows what a rule names and refuses the rest, cached entries included', async () => {
    const { core, calls } = setup(RESTRICTED, 'compute');
    const headers = { 'x-auth-token': ['ruled'] };
    assert.equal((await core.authenticate(headers, {}, GET_SERVER)).kind, 'allow');
    const other = await core.authenticate(headers, {}, GET_FLAVOR);
    assert.equal(other.kind, 'reject');
    assert.equal(other.kind === 'reject' && other.reason, "user token's access rules do not allow this request");
    assert.equal(other.context.user, null);
    assert.equal(core.authenticateCached(headers, {}, { method: 'POST', path: '/v2.1/servers/abc' })?.kind, 'reject');
    assert.equal(core.authenticateCached(headers, {}, GET_SERVER)?.kind, 'allow');
    assert.equal(core.authenticateCached(headers)?.kind, 'reject', 'no method and path: nothing to match');
    assert.deepEqual(calls, ['ruled'], 'identity was asked once: every later decision came from the cache');
  });

  it('refuses them without service_type, or with one not in the catalog, warning once', async () => {
    const unset = setup(RESTRICTED, null);
    for (let i = 0; i < 2; i++) assert.equal((await unset.core.authenticate({ 'x-auth-token': ['ruled'] }, {}, GET_SERVER)).kind, 'reject');
    assert.equal(unset.warnings.length, 1);
    assert.match(unset.warnings[0]!, /set \[keystone_authtoken\] service_type/);
    assert.equal((await unset.core.authenticate({ 'x-auth-token': ['nova'] }, {}, GET_SERVER)).kind, 'allow', 'unrestricted tokens need no service_type');

    const image = setup(RESTRICTED, 'image');
    assert.equal((await image.core.authenticate({ 'x-auth-token': ['ruled'] }, {}, GET_SERVER)).kind, 'reject');
    const compute = setup(RESTRICTED, 'compute');
    assert.equal((await compute.core.authenticate({ 'x-auth-token': ['noCatalog'] }, {}, GET_SERVER)).kind, 'reject');
    assert.match(compute.warnings[0] ?? '', /service_type compute is not a service type in its catalog/);
  });

  it('identity always lets the token be validated: GET …/v3/auth/tokens, and nothing else', async () => {
    const { core } = setup(RESTRICTED, 'identity');
    const headers = { 'x-auth-token': ['noCatalog'] };
    assert.equal((await core.authenticate(headers, {}, { method: 'GET', path: '/identity/v3/auth/tokens' })).kind, 'allow');
    assert.equal((await core.authenticate(headers, {}, { method: 'HEAD', path: '/v3/auth/tokens' })).kind, 'reject');
    assert.equal((await core.authenticate({ 'x-auth-token': ['ruled'] }, {}, { method: 'GET', path: '/v3/projects' })).kind, 'reject');
  });

  it('a confirmed service token makes it a chain of calls: any path, and an expired user token too', async () => {
    const { core } = setup(RESTRICTED, 'compute');
    const chained = { 'x-auth-token': ['expiredRuled'], 'x-service-token': ['nova'] };
    const decision = await core.authenticate(chained, {}, GET_FLAVOR);
    assert.equal(decision.kind, 'allow');
    assert.equal(decision.context.userTokenExpired, true);
    // A valid token without service_token_roles is no service token here (roles required): no chain either.
    const roleless = await core.authenticate({ 'x-auth-token': ['ruled'], 'x-service-token': ['ruled'] }, { delayAuthDecision: true }, GET_FLAVOR);
    assert.equal(roleless.context.identityStatus, 'Invalid', 'the rules still refuse the user token');
    const delayed = await core.authenticate({ 'x-auth-token': ['ruled'], 'x-service-token': ['junk token'] }, { delayAuthDecision: true }, GET_FLAVOR);
    assert.equal(delayed.context.identityStatus, 'Invalid', 'an invalid service token is no chain');
    assert.equal((await core.authenticate({ 'x-auth-token': ['expiredRuled'] }, {}, GET_SERVER)).kind, 'reject');
  });
});
