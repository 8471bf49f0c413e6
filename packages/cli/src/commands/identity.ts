// `baton identity serve`: the Identity API on one port, optionally over several
// worker processes (node:cluster shares the listening socket, like uwsgi's processes).
import cluster from 'node:cluster';
import type { Command } from 'commander';
import { unsupportedSettings } from '@baton/config';
import { FernetKeyRepository, errors as fernetErrors } from '@baton/fernet';
import { IdentityService, createIdentityApp, errors as identityErrors } from '@baton/identity';
import { closeLogger, createServiceLogger } from '@baton/logging';
import { parsePort, parseWorkers, serveWithWorkers } from '../cluster.ts';
import { CommandError, loadKeystoneConfig } from '../load-config.ts';

export interface ServeOptions {
  config: string[];
  host: string;
  port: number;
  workers: number;
  /** Refuse to start when a file sets an option Baton does not support. */
  strict?: boolean;
}

/** Reports each unsupported option set in the files once (stderr), or stops with --strict. */
function reportUnsupported(files: readonly string[], strict: boolean): void {
  const found = unsupportedSettings(files);
  if (strict && found.length > 0) {
    throw new CommandError(`baton: ${found.join('\nbaton: ')}\nbaton: --strict refuses options Baton does not support`, 2);
  }
  for (const line of found) process.stderr.write(`baton: warning: ${line}\n`);
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

/**
 * A database never bootstrapped serves nothing but 401s: say so at start-up (once, from the
 * only process or the first worker) with the command that fixes it. Bootstrap creates the
 * default domain first, so its absence is the sign.
 */
async function warnIfNotBootstrapped(service: IdentityService, configFiles: string[]): Promise<void> {
  if (cluster.isWorker && cluster.worker?.id !== 1) return;
  const domainId = service.config.identity.default_domain_id;
  const found = await service.resource.getDomain(domainId).then(
    () => true,
    (error: unknown) => {
      if (error instanceof identityErrors.NotFoundError) return false;
      throw error;
    },
  );
  if (found) return;
  const command = `baton manage bootstrap ${configFiles.map((f) => `--config ${f}`).join(' ')} --bootstrap-password <password>`;
  process.stderr.write(`baton: warning: the database ([database] connection) was never bootstrapped, so no user can get a token; run: ${command}\n`);
}

/** Starts one server in this process; resolves with its URL once it listens. */
export async function serveIdentity(options: Omit<ServeOptions, 'workers'>): Promise<{ url: string; close(): Promise<void> }> {
  const config = loadKeystoneConfig(options.config);
  // With several workers the primary has reported already.
  if (cluster.isPrimary) reportUnsupported(options.config, options.strict === true);
  checkKeys(config.fernet_tokens.key_repository, config.fernet_tokens.max_active_keys, options.config);
  const service = await IdentityService.open(config, { warn: (message) => process.stderr.write(`baton: warning: ${message}\n`) });
  await warnIfNotBootstrapped(service, options.config);
  const logger = createServiceLogger({ debug: config.DEFAULT.debug, logFile: config.DEFAULT.log_file });
  const app = await createIdentityApp(service, { loggerInstance: logger });
  const address = await app.listen({ host: options.host, port: options.port });
  return {
    url: address,
    async close() {
      await app.close();
      await service.close();
      await closeLogger(logger);
    },
  };
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
    .option('--strict', 'refuse to start when a config file sets an option Baton does not support')
    .action((options: ServeOptions) =>
      serveWithWorkers({
        workers: options.workers,
        host: options.host,
        port: options.port,
        name: 'identity',
        check: () => {
          loadKeystoneConfig(options.config);
          reportUnsupported(options.config, options.strict === true);
        },
        start: () => serveIdentity(options),
      }),
    );
}
