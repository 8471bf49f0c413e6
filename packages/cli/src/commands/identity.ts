// `baton identity serve`: the Identity API on one port, optionally over several
// worker processes (node:cluster shares the listening socket, like uwsgi's processes).
import cluster from 'node:cluster';
import type { Command } from 'commander';
import { FernetKeyRepository, errors as fernetErrors } from '@baton/fernet';
import { IdentityService, createIdentityApp, REDACTED_HEADERS } from '@baton/identity';
import { CommandError, loadKeystoneConfig } from '../load-config.ts';

export interface ServeOptions {
  config: string[];
  host: string;
  port: number;
  workers: number;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CommandError(`baton: --port must be an integer from 0 to 65535, got "${value}"`, 2);
  }
  return port;
}

function parseWorkers(value: string): number {
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new CommandError(`baton: --workers must be an integer from 1 to 64, got "${value}"`, 2);
  }
  return workers;
}

/** Fails at start-up, not on the first request, when tokens could not be issued. */
function checkKeys(path: string, maxActiveKeys: number, configFiles: string[]): void {
  try {
    new FernetKeyRepository({ path, maxActiveKeys }).loadKeys();
  } catch (error) {
    if (!(error instanceof fernetErrors.FernetError)) throw error;
    const setup = `baton manage fernet-setup ${configFiles.map((f) => `--config ${f}`).join(' ')}`;
    throw new CommandError(`baton: ${error.message} ([fernet_tokens] key_repository); create the keys with: ${setup}`);
  }
}

/** Starts one server in this process; resolves with its URL once it listens. */
export async function serveIdentity(options: Omit<ServeOptions, 'workers'>): Promise<{ url: string; close(): Promise<void> }> {
  const config = loadKeystoneConfig(options.config);
  checkKeys(config.fernet_tokens.key_repository, config.fernet_tokens.max_active_keys, options.config);
  const service = await IdentityService.open(config);
  const app = await createIdentityApp(service, {
    logger: {
      level: process.env.BATON_LOG_LEVEL ?? (config.DEFAULT.debug ? 'debug' : 'warn'),
      redact: REDACTED_HEADERS,
    },
  });
  const address = await app.listen({ host: options.host, port: options.port });
  return {
    url: address,
    async close() {
      await app.close();
      await service.close();
    },
  };
}

async function serveWithWorkers(options: ServeOptions): Promise<void> {
  if (options.workers > 1 && cluster.isPrimary) {
    // Check the configuration once before forking, so errors print once.
    loadKeystoneConfig(options.config);
    let announced = false;
    for (let i = 0; i < options.workers; i++) cluster.fork();
    cluster.on('message', (_worker, message: { listening?: string }) => {
      if (message.listening !== undefined && !announced) {
        announced = true;
        process.stdout.write(`listening on ${message.listening}\n`);
      }
    });
    cluster.on('exit', (worker, code) => {
      if (code !== 0) process.stderr.write(`baton: identity worker ${worker.process.pid} exited with ${code}\n`);
    });
    const stop = () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return;
  }
  const server = await serveIdentity(options);
  if (cluster.isWorker) process.send?.({ listening: server.url });
  else process.stdout.write(`listening on ${server.url}\n`);
  const stop = () => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export function registerIdentity(program: Command): void {
  const identity = program.command('identity').description('the Keystone-compatible identity service');
  identity
    .command('serve')
    .description('serve the Identity API v3 (prints "listening on <url>" when ready)')
    .requiredOption('--config <file...>', 'keystone.conf (repeat for several; later wins)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 5000)
    .option('--workers <n>', 'worker processes sharing the port', parseWorkers, 1)
    .action((options: ServeOptions) => serveWithWorkers(options));
}
