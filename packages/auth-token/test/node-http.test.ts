import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAuthToken, withAuthToken, authContextOf, serviceOnly, type AuthToken, type AuthContext } from '../src/index.ts';
import { closeServer, createServer, echoHandler, listen, quietLogger, startStack, type Stack } from './support/stack.ts';

const UNAUTHORIZED = '{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}';

type Echo = { headers: Record<string, string>; rawHeaders: string[] };

describe('node:http adapter against a real Baton identity', () => {
  let stack: Stack;
  let strict: AuthToken;
  let lax: AuthToken;
  let delay: AuthToken;
  const servers: ReturnType<typeof createServer>[] = [];
  const urls: Record<string, string> = {};
  let demoToken: string;
  let novaToken: string;

  before(async () => {
    stack = await startStack();
    strict = createAuthToken(stack.config(), { logger: quietLogger });
    lax = createAuthToken(stack.config({ service_token_roles_required: false }), { logger: quietLogger });
    delay = createAuthToken(stack.config({ delay_auth_decision: true }), { logger: quietLogger });
    let seen: AuthContext | null = null;
    const contextEcho = serviceOnly((req, res) => {
      seen = authContextOf(req);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(seen));
    });
    const downstream401 = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('no');
    };
    for (const [name, auth, handler] of [
      ['strict', strict, echoHandler],
      ['lax', lax, echoHandler],
      ['delay', delay, echoHandler],
      ['service-only', lax, contextEcho],
      ['delay-401', delay, downstream401],
    ] as const) {
      const server = createServer(withAuthToken(auth.core, handler));
      servers.push(server);
      urls[name] = await listen(server);
    }
    demoToken = await stack.issue('demo');
    novaToken = await stack.issue('nova');
  });
  after(async () => {
    for (const server of servers) await closeServer(server);
    for (const auth of [strict, lax, delay]) await auth?.close();
    await stack?.close();
  });

  async function get(name: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${urls[name]}/v1/servers`, { headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, echo: response.status === 200 ? (JSON.parse(text) as Echo) : undefined };
  }

  it('answers 401 with the OpenStack error JSON and WWW-Authenticate when no token is sent', async () => {
    const response = await get('strict');
    assert.equal(response.status, 401);
    assert.equal(response.text, UNAUTHORIZED);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('www-authenticate'), 'Keystone uri="http://keystone.example:5000/v3"');
  });

  it('confirms a valid user token and sets the user headers and their deprecated aliases', async () => {
    const { status, echo } = await get('strict', { 'X-Auth-Token': demoToken });
    assert.equal(status, 200);
    const h = echo!.headers;
    assert.equal(h['x-identity-status'], 'Confirmed');
    assert.equal(h['x-user-id'], stack.demo.userId);
    assert.equal(h['x-user-name'], 'demo');
    assert.equal(h['x-user-domain-id'], 'default');
    assert.equal(h['x-project-id'], stack.demo.projectId);
    assert.equal(h['x-project-name'], 'demo-project');
    assert.equal(h['x-project-domain-name'], 'Default');
    assert.deepEqual(h['x-roles']!.split(',').sort(), ['member', 'reader']);
    assert.equal(h['x-role'], h['x-roles']);
    assert.equal(h['x-is-admin-project'], 'True');
    assert.equal(h['x-tenant-id'], stack.demo.projectId);
    assert.equal(h['x-tenant'], 'demo-project');
    assert.equal(h['x-user'], 'demo');
    assert.equal(h['x-service-identity-status'], undefined);
    assert.equal(h['openstack-system-scope'], undefined);
    const catalog = JSON.parse(h['x-service-catalog']!) as { type: string; endpoints: Record<string, string>[] }[];
    const identityEntry = catalog.find((s) => s.type === 'identity');
    assert.deepEqual(identityEntry?.endpoints[0], {
      region: 'RegionOne',
      publicURL: stack.url,
      internalURL: stack.url,
      adminURL: stack.url,
    });
  });

  it('strips every spoofable identity header, OpenStack-System-Scope included, from headers and rawHeaders', async () => {
    const spoofed = {
      'X-Identity-Status': 'Confirmed',
      'X-Roles': 'admin',
      'X-Service-Roles': 'service',
      'X-Service-User-Id': 'evil',
      'X-Is-Admin-Project': 'True',
      'OpenStack-System-Scope': 'all',
      'X-Tenant': 'x',
      'X-Domain-Id': 'x',
    };
    const { echo } = await get('strict', { 'X-Auth-Token': demoToken, ...spoofed });
    const h = echo!.headers;
    assert.deepEqual(h['x-roles']!.split(',').sort(), ['member', 'reader']);
    for (const name of ['x-service-roles', 'x-service-user-id', 'openstack-system-scope', 'x-domain-id']) {
      assert.equal(h[name], undefined, name);
    }
    const raw = echo!.rawHeaders.map((v) => v.toLowerCase());
    assert.ok(!raw.includes('evil') && !raw.includes('openstack-system-scope') && !raw.includes('admin'));
    const delayed = await get('delay', spoofed);
    assert.equal(delayed.echo!.headers['x-identity-status'], 'Invalid');
    assert.equal(delayed.echo!.headers['openstack-system-scope'], undefined);
    assert.equal(delayed.echo!.headers['x-roles'], undefined);
  });

  it('rejects a tampered token', async () => {
    const tampered = `${demoToken.slice(0, -6)}AAAAAA`;
    assert.equal((await get('strict', { 'X-Auth-Token': tampered })).status, 401);
  });

  it('exposes both identities for a valid user token with a service token holding the role', async () => {
    const { status, echo } = await get('strict', { 'X-Auth-Token': demoToken, 'X-Service-Token': novaToken });
    assert.equal(status, 200);
    const h = echo!.headers;
    assert.equal(h['x-identity-status'], 'Confirmed');
    assert.equal(h['x-service-identity-status'], 'Confirmed');
    assert.equal(h['x-user-id'], stack.demo.userId);
    assert.equal(h['x-service-user-id'], stack.nova.userId);
    assert.equal(h['x-service-roles'], 'service');
    assert.equal(h['x-service-project-id'], stack.nova.projectId);
  });

  it('service token without the role: 401 when roles are required, 200 with service headers when not', async () => {
    const other = await stack.issue('demo');
    assert.equal((await get('strict', { 'X-Auth-Token': demoToken, 'X-Service-Token': other })).status, 401);
    const { status, echo } = await get('lax', { 'X-Auth-Token': demoToken, 'X-Service-Token': other });
    assert.equal(status, 200);
    assert.equal(echo!.headers['x-service-identity-status'], 'Confirmed');
    assert.deepEqual(echo!.headers['x-service-roles']!.split(',').sort(), ['member', 'reader']);
  });

  it('a garbage service token fails an otherwise valid request; in delay mode it is marked Invalid', async () => {
    assert.equal((await get('lax', { 'X-Auth-Token': demoToken, 'X-Service-Token': 'garbage' })).status, 401);
    const { status, echo } = await get('delay', { 'X-Auth-Token': demoToken, 'X-Service-Token': 'garbage' });
    assert.equal(status, 200);
    assert.equal(echo!.headers['x-identity-status'], 'Confirmed');
    assert.equal(echo!.headers['x-service-identity-status'], 'Invalid');
    assert.equal(echo!.headers['x-service-user-id'], undefined);
  });

  it('a service token alone never authenticates', async () => {
    assert.equal((await get('strict', { 'X-Service-Token': novaToken })).status, 401);
    const { echo } = await get('delay', { 'X-Service-Token': novaToken });
    assert.equal(echo!.headers['x-identity-status'], 'Invalid');
    assert.equal(echo!.headers['x-service-identity-status'], 'Confirmed');
  });

  it('adds WWW-Authenticate to a 401 the service itself answers', async () => {
    const response = await get('delay-401');
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Keystone uri="http://keystone.example:5000/v3"');
  });

  it('service-only routes: 403 without a service token, 403 with one lacking the role, 200 with the role', async () => {
    const plain = await get('service-only', { 'X-Auth-Token': demoToken });
    assert.equal(plain.status, 403);
    assert.deepEqual(JSON.parse(plain.text), {
      error: {
        code: 403,
        title: 'Forbidden',
        message: 'This API is only available to services: send an X-Service-Token whose roles include service.',
      },
    });
    const member = await get('service-only', { 'X-Auth-Token': demoToken, 'X-Service-Token': await stack.issue('demo') });
    assert.equal(member.status, 403);
    const ok = await get('service-only', { 'X-Auth-Token': demoToken, 'X-Service-Token': novaToken });
    assert.equal(ok.status, 200);
    const context = JSON.parse(ok.text) as { isService: boolean; service: { userId: string }; user: { userId: string } };
    assert.equal(context.isService, true);
    assert.equal(context.service.userId, stack.nova.userId);
    assert.equal(context.user.userId, stack.demo.userId);
  });

  describe('bad token headers are refused without asking identity', () => {
    async function raw(name: string, headerLines: string[]): Promise<string> {
      const { port } = new URL(urls[name]!);
      return await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: Number(port) }, () => {
          socket.write(Buffer.from(['GET /v1 HTTP/1.1', 'Host: x', 'Connection: close', ...headerLines, '', ''].join('\r\n'), 'latin1'));
        });
        let data = '';
        socket.setEncoding('latin1').on('data', (chunk: string) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
    }

    it('duplicated X-Auth-Token', async () => {
      stack.resetCalls();
      const response = await raw('strict', [`X-Auth-Token: ${demoToken}`, `X-Auth-Token: ${demoToken}`]);
      assert.match(response, /^HTTP\/1\.1 401 /);
      assert.equal(stack.callCount('GET /v3/auth/tokens'), 0);
    });

    it('non-ASCII bytes in the token', async () => {
      stack.resetCalls();
      const response = await raw('strict', [`X-Auth-Token: ${demoToken}\u00e9`]);
      assert.match(response, /^HTTP\/1\.1 401 /);
      assert.equal(stack.callCount('GET /v3/auth/tokens'), 0);
    });

    it('an oversized token', async () => {
      stack.resetCalls();
      const response = await get('strict', { 'X-Auth-Token': 'A'.repeat(9000) });
      assert.equal(response.status, 401);
      assert.equal(stack.callCount('GET /v3/auth/tokens'), 0);
    });

    it('garbage is asked about once and refused', async () => {
      const response = await get('strict', { 'X-Auth-Token': 'not-a-token' });
      assert.equal(response.status, 401);
      assert.equal(response.text, UNAUTHORIZED);
    });

    it('whitespace around a token is ignored, as keystonemiddleware does', async () => {
      const response = await raw('strict', [`X-Auth-Token:   ${demoToken}   `]);
      assert.match(response, /^HTTP\/1\.1 200 /);
    });
  });
});
