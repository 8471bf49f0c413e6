import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAuthToken, installAuthToken, requireServiceTokenHook, type AuthToken } from '../src/index.ts';
import { quietLogger, startStack, type Stack } from './support/stack.ts';

describe('Fastify adapter against a real Baton identity', () => {
  let stack: Stack;
  let auth: AuthToken;
  let app: FastifyInstance;
  let demo: string;
  let nova: string;

  before(async () => {
    stack = await startStack();
    auth = createAuthToken(stack.config(), { logger: quietLogger });
    app = Fastify();
    installAuthToken(app, auth.core);
    app.get('/echo', async (request) => ({ headers: request.headers, context: request.authToken }));
    app.get('/delay/echo', { config: { authToken: { delayAuthDecision: true } } }, async (request) => ({
      headers: request.headers,
      context: request.authToken,
    }));
    app.post('/service-only', { preHandler: requireServiceTokenHook }, async (request) => ({ caller: request.authToken?.service?.userId }));
    app.get('/refuse', async (_request, reply) => reply.code(401).send({ nope: true }));
    await app.ready();
    demo = await stack.issue('demo');
    nova = await stack.issue('nova');
  });
  after(async () => {
    await app?.close();
    await auth?.close();
    await stack?.close();
  });

  it('rejects without a token with the OpenStack 401', async () => {
    const response = await app.inject({ url: '/echo' });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Keystone uri="http://keystone.example:5000/v3"');
    assert.equal(JSON.parse(response.body).error.title, 'Unauthorized');
  });

  it('hands the handler rewritten headers and a typed context', async () => {
    const response = await app.inject({
      url: '/echo',
      headers: { 'x-auth-token': demo, 'x-service-token': nova, 'x-roles': 'admin', 'openstack-system-scope': 'all' },
    });
    assert.equal(response.statusCode, 200);
    const body = JSON.parse(response.body);
    assert.deepEqual(body.headers['x-roles'].split(',').sort(), ['member', 'reader']);
    assert.equal(body.headers['openstack-system-scope'], undefined);
    assert.equal(body.context.identityStatus, 'Confirmed');
    assert.equal(body.context.serviceIdentityStatus, 'Confirmed');
    assert.equal(body.context.isService, true);
    assert.equal(body.context.user.userId, stack.demo.userId);
    assert.equal(body.context.service.userId, stack.nova.userId);
    assert.equal(body.context.userTokenExpired, false);
    assert.ok(Date.parse(body.context.expiresAt) > Date.now());
  });

  it('per-route config overrides delay_auth_decision', async () => {
    const response = await app.inject({ url: '/delay/echo' });
    assert.equal(response.statusCode, 200);
    assert.equal(JSON.parse(response.body).headers['x-identity-status'], 'Invalid');
  });

  it('service-only routes answer 403 unless a service token with the role came along', async () => {
    const denied = await app.inject({ method: 'POST', url: '/service-only', headers: { 'x-auth-token': demo } });
    assert.equal(denied.statusCode, 403);
    assert.equal(JSON.parse(denied.body).error.code, 403);
    const allowed = await app.inject({ method: 'POST', url: '/service-only', headers: { 'x-auth-token': demo, 'x-service-token': nova } });
    assert.equal(allowed.statusCode, 200);
    assert.equal(JSON.parse(allowed.body).caller, stack.nova.userId);
  });

  it("adds WWW-Authenticate to a handler's own 401", async () => {
    const response = await app.inject({ url: '/refuse', headers: { 'x-auth-token': demo } });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Keystone uri="http://keystone.example:5000/v3"');
  });
});
