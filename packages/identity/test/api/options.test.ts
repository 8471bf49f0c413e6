// Options that change answers: [token] revoke_by_id, [DEFAULT] max_token_size and
// insecure_debug, each as Keystone 22 uses it.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createIdentityApp } from '../../src/index.ts';
import { ADMIN_PASSWORD, adminToken, json, passwordBody, startTestIdentity, type TestIdentity } from '@baton/test-support';

const PKI_REVOKED = '/v3/auth/tokens/OS-PKI/revoked';

describe('[token] revoke_by_id', () => {
  it('true (the default): the OS-PKI revoked list is refused with 403, without a token', async () => {
    const t = await startTestIdentity();
    try {
      const response = await t.app.inject({ method: 'GET', url: PKI_REVOKED });
      assert.equal(response.statusCode, 403);
      assert.equal(json(response).error.message, 'You are not authorized to perform the requested action.');
    } finally {
      await t.close();
    }
  });

  it('false: the OS-PKI revoked list is gone (410); revoking a token by its id still works, as in Keystone', async () => {
    const t = await startTestIdentity({ revokeById: false });
    try {
      const response = await t.app.inject({ method: 'GET', url: PKI_REVOKED });
      assert.equal(response.statusCode, 410);
      assert.deepEqual(json(response), { error: { code: 410, message: 'The service you have requested is no longer available on this server.', title: 'Gone' } });
      const admin = await adminToken(t.app);
      const other = await adminToken(t.app);
      const revoked = await t.app.inject({ method: 'DELETE', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin, 'x-subject-token': other } });
      assert.equal(revoked.statusCode, 204);
    } finally {
      await t.close();
    }
  });
});

describe('[DEFAULT] max_token_size', () => {
  let t: TestIdentity;
  const lines: string[] = [];
  let app: Awaited<ReturnType<typeof createIdentityApp>>;
  before(async () => {
    t = await startTestIdentity({ maxTokenSize: 100 });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    app = await createIdentityApp(t.service, { loggerInstance: pino({ level: 'info' }, sink) });
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  it('logs (info) a token longer than the limit, and still issues it, as Keystone does', async () => {
    const response = await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody('admin', ADMIN_PASSWORD) as object });
    assert.equal(response.statusCode, 201);
    const length = (response.headers['x-subject-token'] as string).length;
    assert.ok(lines.some((line) => line.includes(`Fernet token created with length of ${length} characters, which exceeds 100 characters`)));
  });
});

describe('[DEFAULT] insecure_debug', () => {
  it('off: a wrong password and an internal error get the generic messages', async () => {
    const t = await startTestIdentity();
    try {
      const wrong = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody('admin', 'wrong') as object });
      assert.equal(json(wrong).error.message, 'The request you have made requires authentication.');
      const admin = await adminToken(t.app);
      t.service.catalog.catalog = () => Promise.reject(new Error('catalog store unreachable'));
      const broken = await t.app.inject({ method: 'GET', url: '/v3/auth/catalog', headers: { 'x-auth-token': admin } });
      assert.equal(json(broken).error.message, 'An unexpected error prevented the server from fulfilling your request.');
    } finally {
      await t.close();
    }
  });

  it('on: the details, with Keystone amendment', async () => {
    const t = await startTestIdentity({ insecureDebug: true });
    try {
      const wrong = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: passwordBody('admin', 'wrong') as object });
      assert.equal(wrong.statusCode, 401);
      assert.equal(json(wrong).error.message, 'Invalid username or password (Disable insecure_debug mode to suppress these details.)');
      const admin = await adminToken(t.app);
      // Fault injection: the catalog read fails.
      t.service.catalog.catalog = () => Promise.reject(new Error('catalog store unreachable'));
      const broken = await t.app.inject({ method: 'GET', url: '/v3/auth/catalog', headers: { 'x-auth-token': admin } });
      assert.equal(broken.statusCode, 500);
      assert.equal(
        json(broken).error.message,
        'An unexpected error prevented the server from fulfilling your request: catalog store unreachable. (Disable insecure_debug mode to suppress these details.)',
      );
    } finally {
      await t.close();
    }
  });
});
