import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAuthToken, type AuthToken } from '../src/index.ts';
import { quietLogger, startStack, type Stack } from './support/stack.ts';

describe('own token reuse and an unreachable or slow identity', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  it('fetches its own token once and, with a warm cache, costs identity nothing per request', async () => {
    const auth = createAuthToken(stack.config(), { logger: quietLogger });
    try {
      const users = await Promise.all([stack.issue('demo'), stack.issue('demo'), stack.issue('demo')]);
      stack.resetCalls();
      for (let i = 0; i < 1000; i++) {
        const decision = await auth.core.authenticate({ 'x-auth-token': users[i % 3]! });
        assert.equal(decision.kind, 'allow');
      }
      assert.equal(stack.callCount('POST /v3/auth/tokens'), 1, 'own token fetched once');
      assert.equal(stack.callCount('GET /v3/auth/tokens'), 3, 'one validation per distinct token');
    } finally {
      await auth.close();
    }
  });

  it('answers 503 with a clear message when identity is unreachable, and cached tokens keep working', async () => {
    // A second identity we can stop: the same database is not needed, only a port that dies.
    const dying = await startStack();
    const auth = createAuthToken(dying.config({ http_connect_timeout: 1 }), { logger: quietLogger });
    try {
      const cached = await dying.issue('demo');
      const uncached = await dying.issue('demo');
      assert.equal((await auth.core.authenticate({ 'x-auth-token': cached })).kind, 'allow');
      await dying.close();
      const started = Date.now();
      const decision = await auth.core.authenticate({ 'x-auth-token': uncached });
      assert.ok(Date.now() - started < 3000);
      assert.equal(decision.kind, 'reject');
      if (decision.kind !== 'reject') return;
      assert.equal(decision.response.status, 503);
      assert.deepEqual(JSON.parse(decision.response.body), {
        error: { code: 503, title: 'Service Unavailable', message: 'The Keystone service is temporarily unavailable.' },
      });
      assert.equal((await auth.core.authenticate({ 'x-auth-token': cached })).kind, 'allow');
      const delayed = createAuthToken(dying.config({ http_connect_timeout: 1, delay_auth_decision: true }), { logger: quietLogger });
      const passed = await delayed.core.authenticate({ 'x-auth-token': uncached });
      assert.equal(passed.kind, 'allow');
      assert.equal(passed.context.identityStatus, 'Invalid');
      await delayed.close();
    } finally {
      await auth.close();
    }
  });

  it('gives up on an identity that accepts connections but never answers, after http_connect_timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v3`;
    let auth: AuthToken | undefined;
    try {
      auth = createAuthToken(stack.config({ auth_url: url, http_connect_timeout: 0.5 }), { logger: quietLogger });
      const started = Date.now();
      const decision = await auth.core.authenticate({ 'x-auth-token': await stack.issue('demo') });
      const elapsed = Date.now() - started;
      assert.equal(decision.kind, 'reject');
      if (decision.kind === 'reject') assert.equal(decision.response.status, 503);
      assert.ok(elapsed >= 450 && elapsed < 2500, `took ${elapsed} ms`);
    } finally {
      await auth?.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
