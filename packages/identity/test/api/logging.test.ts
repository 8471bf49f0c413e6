// Nothing secret reaches the log: tokens in headers, passwords in bodies, even at trace level.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createIdentityApp, REDACTED_HEADERS } from '../../src/index.ts';
import { ADMIN_PASSWORD, adminToken, passwordBody, startTestIdentity, type TestIdentity } from '@baton/test-support';

describe('logging', () => {
  let t: TestIdentity;
  const lines: string[] = [];
  let app: Awaited<ReturnType<typeof createIdentityApp>>;

  before(async () => {
    t = await startTestIdentity();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    app = await createIdentityApp(t.service, { loggerInstance: pino({ level: 'trace', redact: REDACTED_HEADERS }, sink) });
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  it('logs requests and errors without tokens or passwords', async () => {
    const token = await adminToken(t.app);
    await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody('admin', ADMIN_PASSWORD) as object });
    await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody('admin', 'not-the-password') as object });
    await app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': token, 'x-subject-token': token, 'x-service-token': token } });
    await app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': token, 'x-subject-token': `${token}x` } });
    const log = lines.join('');
    const access = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => 'durationMs' in line);
    assert.deepEqual(
      access.map(({ method, path, status, reason }) => ({ method, path, status, reason })),
      [
        { method: 'POST', path: '/v3/auth/tokens', status: 201, reason: undefined },
        { method: 'POST', path: '/v3/auth/tokens', status: 401, reason: 'The request you have made requires authentication.' },
        { method: 'GET', path: '/v3/auth/tokens', status: 200, reason: undefined },
        { method: 'GET', path: '/v3/auth/tokens', status: 404, reason: undefined },
      ],
      'one access line per request, with the reason of the 401',
    );
    for (const line of access) {
      assert.match(String(line.requestId), /^req-[0-9a-f-]{36}$/);
      assert.equal(typeof line.durationMs, 'number');
    }
    assert.ok(!log.includes(token), 'no token in the log');
    assert.ok(!log.includes(token.slice(20, 60)), 'no part of a token in the log');
    assert.ok(!log.includes(ADMIN_PASSWORD), 'no password in the log');
    assert.ok(!log.includes('not-the-password'), 'no wrong password in the log');
  });
});
