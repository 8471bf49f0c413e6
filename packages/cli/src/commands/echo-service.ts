// `baton echo-service`: a tiny service behind @baton/auth-token that answers every request
// with the identity headers and context it saw (or the middleware's 401). /delay/… turns on
// delay_auth_decision and /lax/… turns off service_token_roles_required for that request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Command } from 'commander';
import { errors as configErrors } from '@baton/config';
import { authContextOf, createAuthToken, loadAuthTokenConfig, withAuthToken, type DecisionOverrides } from '@baton/auth-token';
import { CommandError } from '../load-config.ts';

interface EchoOptions {
  config: string[];
  host: string;
  port: number;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CommandError(`baton: --port must be an integer from 0 to 65535, got "${value}"`, 2);
  }
  return port;
}

function echo(req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && (name.startsWith('x-') || name.startsWith('openstack-'))) headers[name] = value;
  }
  const body = JSON.stringify({ method: req.method, path: req.url, headers, context: authContextOf(req) }, null, 2);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function serveEcho(options: EchoOptions): Promise<void> {
  let loaded;
  try {
    loaded = loadAuthTokenConfig(options.config, process.env);
  } catch (error) {
    if (error instanceof configErrors.ConfigError) throw new CommandError(`baton: ${error.message}`, 2);
    throw error;
  }
  for (const warning of loaded.warnings) process.stderr.write(`baton: warning: ${warning}\n`);
  const logger = {
    warn: (message: string) => process.stderr.write(`baton: warning: ${message}\n`),
    info: (message: string) => process.stderr.write(`baton: ${message}\n`),
  };
  const auth = createAuthToken(loaded.config, { logger });
  const handlers = new Map<string, ReturnType<typeof withAuthToken>>();
  const mounts: [string, DecisionOverrides | undefined][] = [
    ['/delay/', { delayAuthDecision: true }],
    ['/lax/', { serviceTokenRolesRequired: false }],
    ['/', undefined],
  ];
  for (const [prefix, overrides] of mounts) handlers.set(prefix, withAuthToken(auth.core, echo, overrides));
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const prefix = mounts.find(([p]) => url.startsWith(p) || `${url}/` === p)?.[0] ?? '/';
    void handlers.get(prefix)!(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  process.stdout.write(`listening on http://${options.host}:${port}\n`);
  const stop = () => {
    server.close();
    server.closeAllConnections();
    auth.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export function registerEchoService(program: Command): void {
  program
    .command('echo-service')
    .description('a service behind the auth-token middleware that echoes the identity it saw (prints "listening on <url>")')
    .requiredOption('--config <file...>', 'service config with a [keystone_authtoken] section (repeat for several; later wins)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .action((options: EchoOptions) => serveEcho(options));
}
