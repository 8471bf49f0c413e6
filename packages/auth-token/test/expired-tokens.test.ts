import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAuthToken, withAuthToken, type AuthToken } from '../src/index.ts';
import { closeServer, createServer, echoHandler, listen, quietLogger, sleep, startStack, type Stack } from './support/stack.ts';

// [token] expiration and allow_expired_window short enough that tokens expire, and leave the
// window, within a test; 10 s each (not less) so that on a loaded machine the tokens are issued
// and revoked before they expire, and the in-window cases finish inside the window.
const EXPIRATION = 10;
const WINDOW = 10;

describe('expired user tokens and allow_expired, against a real Baton identity', () => {
  let stack: Stack;
  let strict: AuthToken;
  let lax: AuthToken;
  let strictUrl: string;
  let laxUrl: string;
  const servers: ReturnType<typeof createServer>[] = [];
  let expiredDemo: string;
  let revokedDemo: string;
  let issuedAt: number;

  before(async () => {
    stack = await startStack({ expiration: EXPIRATION, allowExpiredWindow: WINDOW });
    strict = createAuthToken(stack.config(), { logger: quietLogger });
    lax = createAuthToken(stack.config({ service_token_roles_required: false }), { logger: quietLogger });
    for (const auth of [strict, lax]) {
      const server = createServer(withAuthToken(auth.core, echoHandler));
      servers.push(server);
    }
    strictUrl = await listen(servers[0]!);
    laxUrl = await listen(servers[1]!);
    issuedAt = Date.now();
    expiredDemo = await stack.issue('demo');
    revokedDemo = await stack.issue('demo');
    await stack.revoke(revokedDemo);
    await sleep(issuedAt + EXPIRATION * 1000 + 600 - Date.now());
  });
  after(async () => {
    for (const server of servers) await closeServer(server);
    await strict?.close();
    await lax?.close();
    await stack?.close();
  });

  async function get(url: string, headers: Record<string, string>) {
    const response = await fetch(`${url}/v1`, { headers });
    const text = await response.text();
    return { status: response.status, headers: response.status === 200 ? (JSON.parse(text) as { headers: Record<string, string> }).headers : {} };
  }

  it('an expired user token alone is refused', async () => {
    assert.equal((await get(strictUrl, { 'X-Auth-Token': expiredDemo })).status, 401);
  });

  it('an expired user token with a service token holding the role is accepted, both identities exposed', async () => {
    const nova = await stack.issue('nova');
    const { status, headers } = await get(strictUrl, { 'X-Auth-Token': expiredDemo, 'X-Service-Token': nova });
    assert.equal(status, 200);
    assert.equal(headers['x-user-id'], stack.demo.userId);
    assert.equal(headers['x-service-user-id'], stack.nova.userId);
    assert.equal(headers['x-service-roles'], 'service');
  });

  it('the allow_expired result does not authenticate the expired token alone afterwards', async () => {
    assert.equal((await get(strictUrl, { 'X-Auth-Token': expiredDemo })).status, 401);
  });

  it('a service token without the role never unlocks an expired user token (required true and false)', async () => {
    const member = await stack.issue('demo');
    assert.equal((await get(strictUrl, { 'X-Auth-Token': expiredDemo, 'X-Service-Token': member })).status, 401);
    assert.equal((await get(laxUrl, { 'X-Auth-Token': expiredDemo, 'X-Service-Token': member })).status, 401);
  });

  it('an expired service token fails the request', async () => {
    const user = await stack.issue('demo');
    assert.equal((await get(strictUrl, { 'X-Auth-Token': user, 'X-Service-Token': expiredDemo })).status, 401);
  });

  it('a revoked user token stays refused with a valid service token', async () => {
    const nova = await stack.issue('nova');
    assert.equal((await get(strictUrl, { 'X-Auth-Token': revokedDemo, 'X-Service-Token': nova })).status, 401);
  });

  it('a user token expired beyond the window is refused, even by the instance that cached it inside the window', async () => {
    // `strict` cached this token's allow_expired validation above; that entry must die with the window.
    await sleep(issuedAt + (EXPIRATION + WINDOW) * 1000 + 1200 - Date.now());
    const nova = await stack.issue('nova');
    stack.resetCalls();
    assert.equal((await get(strictUrl, { 'X-Auth-Token': expiredDemo, 'X-Service-Token': nova })).status, 401);
    assert.ok(stack.callCount('GET /v3/auth/tokens') >= 2, 'both tokens were asked about at identity, not the cache');
  });
});
