// A real Baton identity on loopback (in-process Fastify, real port) with the users a
// service-token deployment has, plus helpers to issue tokens and count identity calls.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProjectUser, startTestIdentity, type TestIdentity, type TestIdentityOptions } from '@baton/test-support';
import type { KeystoneAuthtokenConfig } from '../../src/index.ts';

export interface Stack {
  identity: TestIdentity;
  /** http://127.0.0.1:PORT/v3 */
  url: string;
  nova: { password: string; userId: string; projectId: string };
  demo: { password: string; userId: string; projectId: string };
  /** Calls identity saw, by "METHOD path" (query dropped). */
  calls: Map<string, number>;
  callCount(key: string): number;
  resetCalls(): void;
  issue(user: 'nova' | 'demo' | 'admin', password?: string): Promise<string>;
  revoke(token: string): Promise<void>;
  config(overrides?: Partial<KeystoneAuthtokenConfig>): KeystoneAuthtokenConfig;
  close(): Promise<void>;
}

export async function startStack(options: TestIdentityOptions = {}): Promise<Stack> {
  const identity = await startTestIdentity(options);
  const calls = new Map<string, number>();
  // The server's own event: the app is ready (its hooks sealed) once createIdentityApp returns.
  identity.app.server.on('request', (request: IncomingMessage) => {
    const key = `${request.method} ${(request.url ?? '').split('?')[0]}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
  });
  const base = await identity.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `${base}/v3`;
  // Bootstrap wrote placeholder catalog URLs; point them at the real port, as an operator would.
  for (const endpoint of await identity.service.catalog.listEndpoints()) {
    await identity.service.catalog.updateEndpoint(endpoint.id, { url });
  }
  const nova = await createProjectUser(identity, 'nova', 'service');
  const demo = await createProjectUser(identity, 'demo', 'member');
  const passwords = { nova: nova.password, demo: demo.password, admin: 'admin-secret' };
  const projects = { nova: 'nova-project', demo: 'demo-project', admin: 'admin' };

  const stack: Stack = {
    identity,
    url,
    nova,
    demo,
    calls,
    callCount: (key) => calls.get(key) ?? 0,
    resetCalls: () => calls.clear(),
    async issue(user, password = passwords[user]) {
      const response = await fetch(`${url}/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } },
            scope: { project: { name: projects[user], domain: { id: 'default' } } },
          },
        }),
      });
      if (response.status !== 201) throw new Error(`issue ${user}: ${response.status} ${await response.text()}`);
      return response.headers.get('x-subject-token') as string;
    },
    async revoke(token) {
      const admin = await stack.issue('admin');
      const response = await fetch(`${url}/auth/tokens`, {
        method: 'DELETE',
        headers: { 'X-Auth-Token': admin, 'X-Subject-Token': token },
      });
      if (response.status !== 204) throw new Error(`revoke: ${response.status} ${await response.text()}`);
    },
    config(overrides = {}) {
      return {
        www_authenticate_uri: 'http://keystone.example:5000/v3',
        auth_type: 'password',
        auth_url: url,
        username: 'nova',
        user_id: null,
        password: nova.password,
        user_domain_name: 'Default',
        user_domain_id: null,
        project_name: 'nova-project',
        project_id: null,
        project_domain_name: 'Default',
        project_domain_id: null,
        interface: 'internal',
        region_name: null,
        http_connect_timeout: 5,
        http_request_max_retries: 0,
        delay_auth_decision: false,
        include_service_catalog: true,
        service_token_roles: ['service'],
        service_token_roles_required: true,
        service_type: null,
        token_cache_time: 300,
        allow_expired_window: options.allowExpiredWindow ?? 172800,
        memcached_servers: null,
        memcache_pool_socket_timeout: 1,
        ...overrides,
      };
    },
    close: () => identity.close(),
  };
  return stack;
}

/** Answers every request with the headers it saw (after the middleware) as JSON. */
export function echoHandler(req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify({ path: req.url, headers: req.headers, rawHeaders: req.rawHeaders });
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(body);
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export { createServer };

export const quietLogger = { warn: () => undefined, info: () => undefined };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
