// The CLI side of a service: `baton <service> serve --config FILE [--host] [--port]` is one
// call of `registerServeCommand` in a short command module, printing "listening on URL".
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { FastifyInstance } from 'fastify';
import { closeLogger, createServiceLogger, type ServiceLogger } from '@baton/logging';
import { ServiceConfigError } from './config.ts';

/** How every service's start<Service>() is called (the serve command, baton up's tests). */
export interface ServiceStartOptions {
  /** The service's config files, e.g. ['cinder.conf']; a later file wins per option. */
  readonly files: readonly string[];
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** OS_<GROUP>__<OPTION> overrides; default none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Lines for warnings and background failures; default stderr. */
  readonly log?: (message: string) => void;
  /** The service log and its access log; default from [DEFAULT] debug and log_file. */
  readonly logger?: ServiceLogger;
}

/**
 * The caller's logger, or one the service's [DEFAULT] debug and log_file describe. `close` ends
 * only a logger made here, waiting for its pending lines so that a stopping service loses none
 * to the exit; the caller's logger stays the caller's to close.
 */
export function serviceLoggerOf(
  options: ServiceStartOptions,
  defaults: { readonly debug: boolean; readonly log_file: string | null },
): { readonly logger: ServiceLogger; close(): Promise<void> } {
  if (options.logger !== undefined) return { logger: options.logger, close: async () => {} };
  const logger = createServiceLogger({ debug: defaults.debug, logFile: defaults.log_file });
  return { logger, close: () => closeLogger(logger) };
}

/** A service running in this process. */
export interface RunningService {
  readonly url: string;
  close(): Promise<void>;
}

export interface ServeCommand {
  /** The command name, e.g. 'block-storage'. */
  readonly name: string;
  /** One line for `baton --help`. */
  readonly description: string;
  /** e.g. 'cinder.conf', in the help text. */
  readonly configName: string;
  readonly defaultPort: number;
  readonly start: (options: { config: readonly string[]; host: string; port: number }) => Promise<RunningService>;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535.');
  return port;
}

/**
 * Listens on host:port (0 picks a free one); close() stops the app, then runs `cleanup`
 * (database, caches). When listening fails the app is closed and the caller cleans up.
 */
export async function listenService(
  app: FastifyInstance,
  options: { host: string; port: number },
  cleanup: () => Promise<void>,
): Promise<RunningService> {
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

/** Adds `baton <name> serve`; SIGINT/SIGTERM close the service and exit. */
export function registerServeCommand(program: Command, spec: ServeCommand): Command {
  const group = program.command(spec.name).description(spec.description);
  group
    .command('serve')
    .description(`run the ${spec.name} API (prints "listening on <url>")`)
    .requiredOption('--config <file...>', `the service's config file, e.g. ${spec.configName} (repeat for several; later wins)`)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', "port to listen on (0 picks a free one)", parsePort, spec.defaultPort)
    .action(async (options: { config: string[]; host: string; port: number }) => {
      let service: RunningService;
      try {
        service = await spec.start(options);
      } catch (error) {
        if (error instanceof ServiceConfigError) {
          process.stderr.write(`baton: ${error.message}\n`);
          throw new CommanderError(2, 'baton.config', error.message);
        }
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          const message = `${spec.name}: port ${options.port} on ${options.host} is already in use`;
          process.stderr.write(`baton: ${message}\n`);
          throw new CommanderError(1, 'baton.port', message);
        }
        throw error;
      }
      process.stdout.write(`listening on ${service.url}\n`);
      const stop = (): void => {
        service.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  return group;
}
