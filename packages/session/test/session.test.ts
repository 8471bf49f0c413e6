import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  ConnectionError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  PasswordAuth,
  Session,
  StaticTokenAuth,
  TimeoutError,
  UnauthorizedError,
  hashToken,
  type SessionLogger,
} from '../src/index.ts';
import { closedPort, startLiveIdentity, startTargetServer, type LiveIdentity, type TargetServer } from './support/live-identity.ts';

function memoryLogger(): SessionLogger & { lines: { fields: object; message: string }[] } {
  const lines: { fields: object; message: string }[] = [];
  return { lines, debug: (fields, message) => lines.push({ fields, message }) };
}

describe('Session: HTTP behaviour', () => {
  let target: TargetServer | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  test('JSON in and out; request id read; headers lower-cased', async () => {
    target = await startTargetServer((request) => ({ status: 201, body: { got: JSON.parse(request.body), type: request.headers['content-type'] } }));
    const response = await new Session().post(`${target.url}/things`, { json: { a: 1 } });
    assert.equal(response.status, 201);
    assert.deepEqual(response.json(), { got: { a: 1 }, type: 'application/json' });
    assert.equal(response.requestId, 'req-target-1');
    assert.equal(response.headers['x-openstack-request-id'], 'req-target-1');
    assert.equal(target.requests[0]?.headers['accept'], 'application/json');
    assert.match(target.requests[0]?.headers['user-agent'] ?? '', /^baton-session\//);
  });

  test('status >= 400 throws a typed error with the body message, URL and request id; raiseError:false returns it', async () => {
    const bodies: Record<string, { status: number; body: unknown }> = {
      '/403': { status: 403, body: { error: { code: 403, title: 'Forbidden', message: 'not yours' } } },
      '/404': { status: 404, body: { itemNotFound: { code: 404, message: 'Volume abc could not be found.' } } },
      '/409': { status: 409, body: { error: { message: 'in use' } } },
    };
    target = await startTargetServer((request) => bodies[request.url] ?? { status: 500 });
    const session = new Session();
    await assert.rejects(session.get(`${target.url}/403`), (e: unknown) => e instanceof ForbiddenError && e.detail === 'not yours');
    await assert.rejects(session.get(`${target.url}/404`), (e: unknown) => {
      assert.ok(e instanceof NotFoundError);
      assert.equal(e.code, 'ERR_SESSION_NOT_FOUND');
      assert.equal(e.url, `${target!.url}/404`);
      assert.equal(e.requestId, 'req-target-2');
      assert.equal(e.message, `GET ${target!.url}/404 answered 404: Volume abc could not be found. (request id req-target-2)`);
      return true;
    });
    await assert.rejects(session.delete(`${target.url}/409`), (e: unknown) => e instanceof HttpError && e.status === 409 && e.code === 'ERR_SESSION_HTTP');
    const raw = await session.get(`${target.url}/409`, { raiseError: false });
    assert.equal(raw.status, 409);
  });

  test('503 is retried with back-off for GET, never for POST', async () => {
    target = await startTargetServer((_request, count) => (count <= 2 ? { status: 503 } : { status: 200, body: { ok: true } }));
    const session = new Session({ statusRetries: 3, retryDelay: 20 });
    const started = Date.now();
    const response = await session.get(`${target.url}/x`);
    assert.equal(response.status, 200);
    assert.equal(target.requests.length, 3);
    assert.ok(Date.now() - started >= 20 + 40, 'delays double: 20 ms then 40 ms');

    target.requests.length = 0;
    await assert.rejects(session.post(`${target.url}/x`, { json: {} }), (e: unknown) => e instanceof HttpError && e.status === 503);
    assert.equal(target.requests.length, 1, 'POST is not idempotent: sent once');
  });

  test('503 retries run out: the last 503 is raised', async () => {
    target = await startTargetServer(() => ({ status: 503, body: { error: { message: 'busy' } } }));
    await assert.rejects(new Session({ statusRetries: 2, retryDelay: 1 }).put(`${target.url}/x`, { json: {} }), (e: unknown) => e instanceof HttpError && e.status === 503);
    assert.equal(target.requests.length, 3);
  });

  test('a refused connection is retried (nothing was sent), then ConnectionError', async () => {
    const port = await closedPort();
    const logger = memoryLogger();
    const session = new Session({ connectRetries: 2, retryDelay: 1, logger });
    await assert.rejects(session.post(`http://127.0.0.1:${port}/x`, { json: {} }), (e: unknown) => {
      assert.ok(e instanceof ConnectionError);
      assert.equal(e.code, 'ERR_SESSION_CONNECTION');
      assert.match(e.message, /failed to connect: ECONNREFUSED/);
      return true;
    });
    assert.equal(logger.lines.filter((l) => l.message === 'REQ').length, 3);
  });

  test('timeouts: TimeoutError; retried for GET under connectRetries, not for POST', async () => {
    target = await startTargetServer(() => ({ status: 200, body: {}, delayMs: 400 }));
    const session = new Session({ timeout: 80, connectRetries: 1, retryDelay: 1 });
    await assert.rejects(session.get(`${target.url}/slow`), (e: unknown) => e instanceof TimeoutError && e.timeoutMs === 80);
    assert.equal(target.requests.length, 2);
    target.requests.length = 0;
    await assert.rejects(session.post(`${target.url}/slow`, { json: {} }), TimeoutError);
    assert.equal(target.requests.length, 1);
    // A per-request timeout wins over the session's.
    target.requests.length = 0;
    const ok = await new Session({ timeout: 50 }).get(`${target.url}/slow`, { timeout: 2000 });
    assert.equal(ok.status, 200);
  });

  test('401 with a re-authenticating plugin: invalidate, new token, resend exactly once', async (t) => {
    const live = await startLiveIdentity();
    t.after(() => live.close());
    const rejected = new Set<string>();
    target = await startTargetServer((request) => {
      const token = String(request.headers['x-auth-token']);
      if (rejected.size === 0) {
        rejected.add(token);
        return { status: 401, body: { error: { message: 'expired' } } };
      }
      return rejected.has(token) ? { status: 401 } : { status: 200, body: {} };
    });
    const auth = new PasswordAuth({ authUrl: live.url, userId: live.demo.userId, password: live.demo.password, projectId: live.demo.projectId });
    const session = new Session({ auth });
    const before = live.authRequests();
    const response = await session.get(`${target.url}/x`);
    assert.equal(response.status, 200);
    assert.equal(target.requests.length, 2);
    assert.notEqual(target.requests[0]?.headers['x-auth-token'], target.requests[1]?.headers['x-auth-token']);
    assert.equal(live.authRequests() - before, 2);
  });

  test('401 again after the resend: UnauthorizedError, reauthCouldHelp false, two sends only', async (t) => {
    const live = await startLiveIdentity();
    t.after(() => live.close());
    target = await startTargetServer(() => ({ status: 401, body: { error: { message: 'no' } } }));
    const auth = new PasswordAuth({ authUrl: live.url, userId: live.demo.userId, password: live.demo.password });
    await assert.rejects(new Session({ auth }).get(`${target.url}/x`), (e: unknown) => e instanceof UnauthorizedError && e.reauthCouldHelp === false);
    assert.equal(target.requests.length, 2);
    target.requests.length = 0;
    await assert.rejects(new Session({ auth }).get(`${target.url}/x`, { allowReauth: false }), (e: unknown) => e instanceof UnauthorizedError && e.reauthCouldHelp === true);
    assert.equal(target.requests.length, 1);
  });

  test('401 with a static token: nothing to refresh, sent once', async () => {
    target = await startTargetServer(() => ({ status: 401 }));
    const session = new Session({ auth: new StaticTokenAuth({ token: 'user-token' }) });
    await assert.rejects(session.get(`${target.url}/x`), (e: unknown) => e instanceof UnauthorizedError && !e.reauthCouldHelp);
    assert.equal(target.requests.length, 1);
    assert.equal(target.requests[0]?.headers['x-auth-token'], 'user-token');
  });

  test('tokens reach the log only as {SHA256} hashes; request ids are logged', async () => {
    target = await startTargetServer(() => ({ status: 200, body: {} }));
    const logger = memoryLogger();
    const token = 'gAAAAAB-secret-user-token';
    const session = new Session({ auth: new StaticTokenAuth({ token }), logger });
    await session.get(`${target.url}/x`, { headers: { 'X-Service-Token': 'svc-secret', 'X-Subject-Token': 'subj-secret' } });
    const text = JSON.stringify(logger.lines);
    for (const secret of [token, 'svc-secret', 'subj-secret']) assert.ok(!text.includes(secret), `${secret} not logged`);
    const req = logger.lines.find((l) => l.message === 'REQ')?.fields as { headers: Record<string, string> };
    assert.equal(req.headers['x-auth-token'], hashToken(token));
    assert.match(hashToken(token), /^\{SHA256\}[0-9a-f]{64}$/);
    assert.ok(logger.lines.some((l) => l.message === `GET call to ${target!.url}/x used request id req-target-1`));
  });

  test("hashToken matches keystoneauth's log line (transcript keystoneauth-service-token-wrapper.txt)", () => {
    const token =
      'gAAAAABrAoBFDPi1-aAh7-GDvmZI_aWlDCVbq2t55YWToojKnbj9qPTQORHY_8d3-B5S0pIcsDU7Wr6s4J4w_vpBJmQfDbZkoPQNozzyTUf00pWHi35pCy__wwW_cLzFWiNWCSKph_nBvBeIxzLPdK03yFIrHPXd6I9g8R3pGgEQKAaJEnamblo';
    assert.equal(hashToken(token), '{SHA256}a26840906b5e56c235b66045675d6898ddf41060ba258ba7bff33aadeba431a8');
  });

  test('caller mistakes are TypeErrors', async () => {
    const session = new Session();
    await assert.rejects(session.get('/servers'), { name: 'TypeError', message: 'Session.request: relative URL "/servers" needs endpointFilter or endpointOverride' });
    await assert.rejects(session.get('http://127.0.0.1:1/x', { authenticated: true }), { name: 'TypeError' });
    await assert.rejects(session.get('/x', { endpointFilter: { serviceType: 'compute' } }), { name: 'TypeError' });
    assert.throws(() => new Session({ timeout: 0 }), TypeError);
    assert.throws(() => new Session({ connectRetries: -1 }), TypeError);
  });
});

describe('Session: endpoint override', () => {
  let target: TargetServer;
  before(async () => {
    target = await startTargetServer((request) => ({ status: 200, body: { path: request.url } }));
  });
  after(() => target.close());

  test('a relative path is joined to endpointOverride with exactly one slash', async () => {
    const session = new Session();
    assert.deepEqual((await session.get('/v3/volumes', { endpointOverride: `${target.url}/` })).json(), { path: '/v3/volumes' });
    assert.deepEqual((await session.get('volumes', { endpointOverride: `${target.url}/v3` })).json(), { path: '/v3/volumes' });
  });
});
