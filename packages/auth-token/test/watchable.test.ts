// A service behind the middleware can be watched: one access-log line per request with the
// reason of a 401 (never a token), and one line when identity goes away, refuses the
// service's credentials or will not let its user validate tokens, one when it is back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServiceLogger, withAccessLog } from '@baton/logging';
import { createAuthToken, withAuthToken } from '../src/index.ts';
import { closeServer, echoHandler, listen, startStack, type Stack } from './support/stack.ts';

/** A service logger whose JSON lines land in `lines`. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = createServiceLogger({ debug: false, logFile: null, destination: sink });
  const logger = { warn: (message: string) => log.warn(message), info: (message: string) => log.info(message) };
  return { log, logger, lines, raw };
}

describe('a service behind auth-token can be watched', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('logs one line per request: method, path without query, status, duration, request id, and a 401 reason', async () => {
    const { log, logger, lines, raw } = capture();
    const auth = createAuthToken(stack.config(), { logger });
    const server = createServer(withAccessLog(log, withAuthToken(auth.core, echoHandler)));
    const url = await listen(server);
    try {
      const token = await stack.issue('demo');
      const ok = await fetch(`${url}/v2/servers?password=hunter2`, { headers: { 'X-Auth-Token': token } });
      assert.equal(ok.status, 200);
      const refused = await fetch(`${url}/v2/servers`, { headers: { 'X-Auth-Token': `${token}x` } });
      assert.equal(refused.status, 401);
      const access = lines.filter((line) => 'durationMs' in line);
      assert.equal(access.length, 2);
      const [first, second] = access;
      assert.deepEqual(
        { method: first?.method, path: first?.path, status: first?.status, requestId: first?.requestId, level: first?.level },
        { method: 'GET', path: '/v2/servers', status: 200, requestId: ok.headers.get('x-openstack-request-id'), level: 30 },
      );
      assert.equal(typeof first?.durationMs, 'number');
      assert.equal(first?.reason, undefined);
      assert.match(String(first?.requestId), /^req-[0-9a-f-]{36}$/);
      assert.deepEqual(
        { status: second?.status, reason: second?.reason, msg: second?.msg },
        { status: 401, reason: 'missing, invalid or expired user token', msg: `GET /v2/servers 401 ${String(second?.durationMs)} ms (missing, invalid or expired user token)` },
      );
      const all = raw.join('');
      assert.ok(!all.includes(token.slice(10, 50)), 'no token in any line');
      assert.ok(!all.includes('hunter2'), 'no query string in any line');
    } finally {
      await closeServer(server);
      await auth.close();
    }
  });

  it('logs once when identity is unreachable, however many requests fail', async () => {
    const { logger, lines } = capture();
    const auth = createAuthToken(stack.config({ auth_url: 'http://127.0.0.1:1/v3', www_authenticate_uri: 'http://127.0.0.1:1/v3' }), { logger });
    const server = createServer(withAuthToken(auth.core, echoHandler));
    const url = await listen(server);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${url}/v2`, { headers: { 'X-Auth-Token': `token-${i}` } })).status, 503);
      const messages = lines.map((line) => String(line.msg));
      assert.equal(messages.filter((m) => m.startsWith('identity is unreachable: ')).length, 1, messages.join('\n'));
      assert.match(messages.find((m) => m.startsWith('identity is unreachable')) ?? '', /requests get 503 until it answers$/);
    } finally {
      await closeServer(server);
      await auth.close();
    }
  });

  it("logs once, naming the service role, when identity will not validate others' tokens for the service's user", async () => {
    const { logger, lines } = capture();
    // demo has only member: identity lets it validate its own token and nobody else's.
    const auth = createAuthToken(stack.config({ username: 'demo', password: stack.demo.password, project_name: 'demo-project' }), { logger });
    const server = createServer(withAuthToken(auth.core, echoHandler));
    const url = await listen(server);
    try {
      const token = await stack.issue('nova');
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${url}/v2`, { headers: { 'X-Auth-Token': token } })).status, 503);
      const warnings = lines.filter((line) => line.level === 40).map((line) => String(line.msg));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', /^identity does not validate tokens for this service: identity answered 403 .*needs the service role/);
    } finally {
      await closeServer(server);
      await auth.close();
    }
  });

  it('logs once when identity refuses its credentials, and once when it accepts them again', async () => {
    const { logger, lines } = capture();
    const newPassword = 'rotated-nova-password';
    const auth = createAuthToken(stack.config({ password: newPassword }), { logger });
    const server = createServer(withAuthToken(auth.core, echoHandler));
    const url = await listen(server);
    try {
      const token = await stack.issue('demo');
      for (let i = 0; i < 2; i++) assert.equal((await fetch(`${url}/v2`, { headers: { 'X-Auth-Token': token } })).status, 503);
      await stack.identity.service.identity.updateUser(stack.nova.userId, { password: newPassword });
      // The password change revokes nova's tokens issued up to this second (Keystone's
      // revocation events have one-second resolution), so a token minted in the same second
      // is refused too: ask until one passes (bounded), then once more.
      let status = 0;
      for (let i = 0; i < 40 && status !== 200; i++) {
        if (i > 0) await sleep(100);
        status = (await fetch(`${url}/v2`, { headers: { 'X-Auth-Token': token } })).status;
      }
      assert.equal(status, 200);
      assert.equal((await fetch(`${url}/v2`, { headers: { 'X-Auth-Token': token } })).status, 200);
      const messages = lines.map((line) => `${String(line.level)} ${String(line.msg)}`);
      const refused = messages.filter((m) => m.includes("identity refuses this service's own credentials"));
      assert.equal(refused.length, 1, messages.join('\n'));
      assert.match(refused[0] ?? '', /^40 /);
      assert.deepEqual(messages.filter((m) => m.includes('answers token validations again')), ['30 identity answers token validations again']);
      assert.ok(!messages.join('\n').includes(newPassword), 'no password in the log');
    } finally {
      await closeServer(server);
      await auth.close();
    }
  });
});
