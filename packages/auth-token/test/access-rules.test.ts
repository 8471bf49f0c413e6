// Application-credential access rules: the path-template matcher beside keystonemiddleware's own
// _path_matches, and a real Baton identity's restricted token through both adapters (the core's
// order of checks is in core.test.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { issueAccessRuleToken, SYSTEM_PYTHON } from '@baton/test-support';
import { createAuthToken, installAuthToken, withAuthToken, type AuthToken } from '../src/index.ts';
import { accessRulePathMatches, parseAccessRulePath } from '../src/access-rules.ts';
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
    assert.deepEqual(rows(VECTORS.map((v) => accessRulePathMatches(parseAccessRulePath(v.template), v.path))), rows(VECTORS.map((v) => v.matches)));
  });

  it('decide hostile templates on long paths at once (a backtracking regular expression takes minutes here)', { timeout: 10_000 }, () => {
    // A backtracking regular expression tries every split of the path between the segments:
    // 2^n ways for n one-segment patterns in a row, and as bad for `**a**a…`.
    const long = `/${'a'.repeat(16_000)}`;
    assert.equal(accessRulePathMatches(parseAccessRulePath(`/${'{x}'.repeat(60)}b`), long), false);
    assert.equal(accessRulePathMatches(parseAccessRulePath(`${'/**a'.repeat(50)}b`), long), false);
    assert.equal(accessRulePathMatches(parseAccessRulePath(`/${'{x}'.repeat(60)}`), long), true);
    assert.equal(accessRulePathMatches(parseAccessRulePath(`/**${'a**'.repeat(50)}`), long), true);
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
    const rules = [{ service: 'compute', method: 'GET', path: '/v2.1/servers/*' }];
    restricted = await issueAccessRuleToken(stack.url, await stack.issue('demo'), stack.demo.userId, rules);
    // `service_type =` left empty counts as unset (keystonemiddleware's `if not`): the service's own type applies.
    auth = createAuthToken({ ...stack.config(), service_type: '' }, { logger: quietLogger, serviceType: 'compute' });
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
