// Application-credential access rules: the path-template matcher beside keystonemiddleware's own
// _path_matches, the core's order of checks, and a real Baton identity's restricted token
// through both adapters.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { SYSTEM_PYTHON } from '@baton/test-support';
import { AuthTokenCore, CachedValidator, createAuthToken, installAuthToken, MemoryCache, withAuthToken, type AuthToken, type TokenData, type ValidateFn } from '../src/index.ts';
import { accessRulePathRegExp } from '../src/access-rules.ts';
import { closeServer, createServer, echoHandler, listen, quietLogger, startStack, type Stack } from './support/stack.ts';

// [path, template, matches]; `ksm` is keystonemiddleware's answer where it deliberately differs.
const VECTORS: readonly { path: string; template: string; matches: boolean; ksm?: boolean }[] = [
  { path: '/v2.1/servers', template: '/v2.1/servers', matches: true },
  { path: '/v2.1/servers/', template: '/v2.1/servers', matches: false },
  { path: '/v2.1/servers', template: '/v2.1/servers/', matches: false },
  { path: '/v2.1/servers/abc', template: '/v2.1/servers/*', matches: true },
  { path: '/v2.1/servers/', template: '/v2.1/servers/*', matches: false },
  { path: '/v2.1/servers/abc/action', template: '/v2.1/servers/*', matches: false },
  { path: '/v2.1/servers/abc/action', template: '/v2.1/servers/*/action', matches: true },
  { path: '/v2.1/servers/abc/action', template: '/v2.1/servers/{server_id}/action', matches: true },
  { path: '/v2.1/servers//action', template: '/v2.1/servers/{server_id}/action', matches: false },
  { path: '/v2.1/servers/abc/action', template: '/v2.1/servers/**', matches: true },
  { path: '/v2.1/servers/', template: '/v2.1/servers/**', matches: true },
  { path: '/v2.1/servers', template: '/v2.1/servers/**', matches: false },
  { path: '/v2.1/servers/a/b', template: '/v2.1/**/b', matches: true },
  { path: '/v2.1/b', template: '/v2.1/**/b', matches: false },
  { path: '/a/b/c', template: '/a/***', matches: true },
  { path: '/a/', template: '/a/***', matches: false },
  { path: '/ab', template: '/a*', matches: true },
  { path: '/a/b', template: '/a{/b', matches: true },
  { path: '/a/b', template: '/a}/b', matches: true },
  { path: '/v2.1/servers', template: '/v2.1/servers/*/**', matches: false },
  { path: '/v2.1/servers/x/', template: '/v2.1/servers/*/**', matches: true },
  // keystonemiddleware copies literal characters into a regular expression unescaped.
  { path: '/v2x1/servers', template: '/v2.1/servers', matches: false, ksm: true },
  { path: '/v2/servers', template: '/v2+/servers', matches: false, ksm: true },
];

describe('access rule path templates', () => {
  it('match as keystonemiddleware 10.1 _path_matches does, literal characters aside', () => {
    const program = [
      'import json, sys',
      'from keystonemiddleware.auth_token import _path_matches',
      'print(json.dumps([bool(_path_matches(p, t)) for p, t in json.loads(sys.argv[1])]))',
    ].join('\n');
    const pairs = JSON.stringify(VECTORS.map((v) => [v.path, v.template]));
    const ksm = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', program, pairs], { encoding: 'utf8' })) as boolean[];
    const rows = (answers: readonly boolean[]) => VECTORS.map((v, i) => `${v.path} ~ ${v.template}: ${answers[i]}`);
    assert.deepEqual(rows(ksm), rows(VECTORS.map((v) => v.ksm ?? v.matches)));
    assert.deepEqual(rows(VECTORS.map((v) => accessRulePathRegExp(v.template).test(v.path))), rows(VECTORS.map((v) => v.matches)));
  });
});

const NOW = Date.parse('2026-11-22T12:00:00Z');
const CATALOG = JSON.stringify([{ type: 'compute', endpoints: [] }, { type: 'identity', endpoints: [] }]);
const RULES = [{ service: 'compute', method: 'GET', path: '/v2.1/servers/*' }];

const data = (userName: string, roles: string[], expiresAt: number, extra: Partial<TokenData> = {}): TokenData => ({
  userId: `${userName}-id`, userName, userDomainId: 'default', userDomainName: 'Default', projectId: 'p', projectName: 'p',
  projectDomainId: 'default', projectDomainName: 'Default', domainId: null, domainName: null, systemScope: null,
  roles, expiresAt, isAdminProject: true, catalog: CATALOG, accessRules: null, ...extra,
});

const TOKENS: Readonly<Record<string, TokenData>> = {
  ruled: data('demo', ['member'], NOW + 3_600_000, { accessRules: RULES }),
  expiredRuled: data('demo', ['member'], NOW - 60_000, { accessRules: RULES }),
  noCatalog: data('demo', ['member'], NOW + 3_600_000, { accessRules: RULES, catalog: null }),
  nova: data('nova', ['service'], NOW + 3_600_000),
};

// Identity as a table, counting calls; the core with the given service type.
function setup(serviceType: string | null) {
  const calls: string[] = [];
  const warnings: string[] = [];
  const validate: ValidateFn = async (token, { allowExpired }) => {
    calls.push(token);
    const found = TOKENS[token];
    return found === undefined || (!allowExpired && found.expiresAt < NOW) ? null : found;
  };
  const validator = new CachedValidator({ validate, cache: new MemoryCache(), cacheTime: 300, allowExpiredWindow: 3600, logger: quietLogger, now: () => NOW });
  const core = new AuthTokenCore({
    validator,
    wwwAuthenticateUri: 'http://identity.example/v3',
    serviceTokenRoles: ['service'],
    serviceTokenRolesRequired: true,
    delayAuthDecision: false,
    includeServiceCatalog: true,
    serviceType,
    logger: { warn: (message) => warnings.push(message) },
    now: () => NOW,
  });
  return { core, calls, warnings };
}

const GET_SERVER = { method: 'GET', path: '/v2.1/servers/abc' };
const GET_FLAVOR = { method: 'GET', path: '/v2.1/flavors/abc' };

describe('AuthTokenCore: tokens restricted by access rules', () => {
  it('allows what a rule names and refuses the rest, cached entries included', async () => {
    const { core, calls } = setup('compute');
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
    const unset = setup(null);
    for (let i = 0; i < 2; i++) assert.equal((await unset.core.authenticate({ 'x-auth-token': ['ruled'] }, {}, GET_SERVER)).kind, 'reject');
    assert.equal(unset.warnings.length, 1);
    assert.match(unset.warnings[0]!, /set \[keystone_authtoken\] service_type/);
    assert.equal((await unset.core.authenticate({ 'x-auth-token': ['nova'] }, {}, GET_SERVER)).kind, 'allow', 'unrestricted tokens need no service_type');

    const image = setup('image');
    assert.equal((await image.core.authenticate({ 'x-auth-token': ['ruled'] }, {}, GET_SERVER)).kind, 'reject');
    const compute = setup('compute');
    assert.equal((await compute.core.authenticate({ 'x-auth-token': ['noCatalog'] }, {}, GET_SERVER)).kind, 'reject');
    assert.match(compute.warnings[0] ?? '', /service_type compute is not a service type in its catalog/);
  });

  it('identity always lets the token be validated: GET …/v3/auth/tokens, and nothing else', async () => {
    const { core } = setup('identity');
    const headers = { 'x-auth-token': ['noCatalog'] };
    assert.equal((await core.authenticate(headers, {}, { method: 'GET', path: '/identity/v3/auth/tokens' })).kind, 'allow');
    assert.equal((await core.authenticate(headers, {}, { method: 'HEAD', path: '/v3/auth/tokens' })).kind, 'reject');
    assert.equal((await core.authenticate({ 'x-auth-token': ['ruled'] }, {}, { method: 'GET', path: '/v3/projects' })).kind, 'reject');
  });

  it('a confirmed service token makes it a chain of calls: any path, and an expired user token too', async () => {
    const { core } = setup('compute');
    const chained = { 'x-auth-token': ['expiredRuled'], 'x-service-token': ['nova'] };
    const decision = await core.authenticate(chained, {}, GET_FLAVOR);
    assert.equal(decision.kind, 'allow');
    assert.equal(decision.context.userTokenExpired, true);
    assert.equal((await core.authenticate({ 'x-auth-token': ['ruled'], 'x-service-token': ['ruled'] }, {}, GET_FLAVOR)).kind, 'reject');
    const delayed = await core.authenticate({ 'x-auth-token': ['ruled'], 'x-service-token': ['junk token'] }, { delayAuthDecision: true }, GET_FLAVOR);
    assert.equal(delayed.context.identityStatus, 'Invalid', 'an invalid service token is no chain');
    assert.equal((await core.authenticate({ 'x-auth-token': ['expiredRuled'] }, {}, GET_SERVER)).kind, 'reject');
  });
});

describe('a real Baton identity: an application credential with access rules', () => {
  let stack: Stack;
  let auth: AuthToken;
  let server: ReturnType<typeof createServer>;
  let url: string;
  let app: FastifyInstance;
  let restricted: string;

  before(async () => {
    stack = await startStack();
    const { catalog } = stack.identity.service;
    const compute = await catalog.createService({ type: 'compute', name: 'nova' });
    await catalog.createEndpoint({ serviceId: compute.id, interface: 'public', url: 'http://127.0.0.1:8774/v2.1' });
    const demo = await stack.issue('demo');
    const created = await fetch(`${stack.url}/users/${stack.demo.userId}/application_credentials`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': demo },
      body: JSON.stringify({ application_credential: { name: 'ruled', access_rules: [{ service: 'compute', method: 'GET', path: '/v2.1/servers/*' }] } }),
    });
    const { application_credential: credential } = (await created.json()) as { application_credential: { id: string; secret: string } };
    const issued = await fetch(`${stack.url}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['application_credential'], application_credential: { id: credential.id, secret: credential.secret } } } }),
    });
    assert.equal(issued.status, 201);
    restricted = issued.headers.get('x-subject-token') as string;
    auth = createAuthToken(stack.config(), { logger: quietLogger, serviceType: 'compute' });
    server = createServer(withAuthToken(auth.core, echoHandler));
    url = await listen(server);
    app = Fastify();
    installAuthToken(app, auth.core);
    app.all('/*', async () => ({ ok: true }));
    await app.ready();
  });
  after(async () => {
    await app?.close();
    if (server !== undefined) await closeServer(server);
    await auth?.close();
    await stack?.close();
  });

  it('is validated (the middleware says it enforces the rules) and allowed only where a rule says', async () => {
    const headers = { 'X-Auth-Token': restricted };
    const statuses = async (send: (method: string, path: string) => Promise<number>) => [
      await send('GET', '/v2.1/servers/abc?all_tenants=1'),
      await send('GET', '/v2.1/flavors'),
      await send('DELETE', '/v2.1/servers/abc'),
    ];
    const node = await statuses(async (method, path) => (await fetch(`${url}${path}`, { method, headers })).status);
    const fastify = await statuses(async (method, path) => (await app.inject({ method: method as 'GET', url: path, headers })).statusCode);
    assert.deepEqual({ node, fastify }, { node: [200, 401, 401], fastify: [200, 401, 401] });
  });
});
