// Baton's identity service in-process but on a real socket (127.0.0.1, port 0), with the
// users a service-token deployment has and a counter of POST /v3/auth/tokens.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createProjectUser,
  startTestIdentity,
  type TestIdentity,
} from '@baton/test-support';

export interface LiveIdentity {
  identity: TestIdentity;
  /** http://127.0.0.1:PORT/v3 */
  url: string;
  /** POST /v3/auth/tokens received so far. */
  authRequests(): number;
  nova: { userId: string; projectId: string; password: string };
  demo: { userId: string; projectId: string; password: string };
  close(): Promise<void>;
}

export async function startLiveIdentity(options: { expiration?: number } = {}): Promise<LiveIdentity> {
  const identity = await startTestIdentity(options.expiration === undefined ? {} : { expiration: options.expiration });
  let authRequests = 0;
  // The server's own event: the app is ready (its hooks sealed) once createIdentityApp returns.
  identity.app.server.on('request', function countAuth(request: IncomingMessage) {
    if (request.method === 'POST' && request.url?.startsWith('/v3/auth/tokens')) authRequests++;
  });
  const nova = await createProjectUser(identity, 'nova', 'service');
  const demo = await createProjectUser(identity, 'demo', 'member');
  const address = await identity.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    identity,
    url: `${address}/v3`,
    authRequests: () => authRequests,
    nova,
    demo,
    close: () => identity.close(),
  };
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (request: Recorded, count: number) => { status: number; body?: unknown; delayMs?: number; headers?: Record<string, string> };

/** A scripted target service; records every request it gets. */
export interface TargetServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startTargetServer(handler: Handler): Promise<TargetServer> {
  const requests: Recorded[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const recorded: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      const answer = handler(recorded, requests.length);
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(answer.status, {
          'Content-Type': 'application/json',
          'x-openstack-request-id': `req-target-${requests.length}`,
          ...answer.headers,
        });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      };
      if (answer.delayMs === undefined) send();
      else setTimeout(send, answer.delayMs).unref();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
