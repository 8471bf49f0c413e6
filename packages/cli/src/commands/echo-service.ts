// `baton echo-service`: a tiny service behind @baton/auth-token that answers every request
// with the identity headers and context it saw (or the middleware's 401). /delay/… turns on
// delay_auth_decision and /lax/… turns off service_token_roles_required for that request;
// /noauth/… is the same echo without the middleware (the benchmark's reference for its cost).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Command } from 'commander';
import { createServiceLogger, withAccessLog } from '@baton/logging';
import { authContextOf, createAuthToken, loadAuthTokenConfig, withAuthToken, type AuthContext, type RequestHandler } from '@baton/auth-token';
import { parsePort, parseWorkers, serveWithWorkers, type Served } from '../cluster.ts';
import { printConfigWarnings } from '../load-config.ts';

interface EchoOptions {
  config: string[];
  host: string;
  port: number;
  workers: number;
}

// The middleware shares one frozen context between the requests that carry the same tokens,
// so its JSON is written once per context.
const contextJson = new WeakMap<AuthContext, string>();

function jsonOf(context: AuthContext | null): string {
  if (context === null) return 'null';
  let json = contextJson.get(context);
  if (json === undefined) contextJson.set(context, (json = JSON.stringify(context)));
  return json;
}

function echo(req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && (name.startsWith('x-') || name.startsWith('openstack-'))) headers[name] = value;
  }
  // {"method":…,"path":…,"headers":{…},"context":{…}}, the context spliced in as text.
  const body = `${JSON.stringify({ method: req.method, path: req.url, headers }).slice(0, -1)},"context":${jsonOf(authContextOf(req))}}`;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function loadConfig(options: EchoOptions): ReturnType<typeof loadAuthTokenConfig> {
  const loaded = loadAuthTokenConfig(options.config, process.env);
  printConfigWarnings(loaded.warnings);
  return loaded;
}

async function startEcho(options: EchoOptions): Promise<Served> {
  const loaded = loadConfig(options);
  const log = createServiceLogger(loaded.logging);
  const auth = createAuthToken(loaded.config, { logger: { warn: (message) => log.warn(message), info: (message) => log.info(message) } });
  const routes: [string, RequestHandler][] = [
    ['/noauth/', echo],
    ['/delay/', withAuthToken(auth.core, echo, { delayAuthDecision: true })],
    ['/lax/', withAuthToken(auth.core, echo, { serviceTokenRolesRequired: false })],
  ];
  const strict = withAuthToken(auth.core, echo);
  const server = createServer(
    withAccessLog(log, (req, res) => {
      const url = req.url ?? '/';
      const handler = routes.find(([p]) => url.startsWith(p) || `${url}/` === p)?.[1] ?? strict;
      void handler(req, res);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    async close() {
      server.close();
      server.closeAllConnections();
      await auth.close();
    },
  };
}

function serveEcho(options: EchoOptions): Promise<void> {
  return serveWithWorkers({
    workers: options.workers,
    host: options.host,
    port: options.port,
    name: 'echo-service',
    check: () => loadConfig(options),
    start: () => startEcho(options),
  });
}

export function registerEchoService(program: Command): void {
  program
    .command('echo-service')
    .description('a service behind the auth-token middleware that echoes the identity it saw (prints "listening on <url>")')
    .requiredOption('--config <file...>', 'service config with a [keystone_authtoken] section (repeat for several; later wins)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--workers <n>', 'worker processes sharing the port', parseWorkers, 1)
    .action((options: EchoOptions) => serveEcho(options));
}
