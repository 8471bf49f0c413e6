// Several worker processes behind one port (node:cluster shares the listening socket, like
// uwsgi's processes), for the long-running commands. The primary only forks and relays.
import cluster from 'node:cluster';
import { CommandError } from './load-config.ts';

/** A server running in this process. */
export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

export interface WorkersOptions {
  readonly workers: number;
  /** Named in the message when a worker exits with an error, e.g. "identity". */
  readonly name: string;
  /** Runs once in the primary before forking, so a configuration error prints once. */
  readonly check?: () => void;
  /** Starts the server in this process (each worker, or the only process). */
  readonly start: () => Promise<Served>;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CommandError(`baton: --port must be an integer from 0 to 65535, got "${value}"`, 2);
  }
  return port;
}

export function parseWorkers(value: string): number {
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new CommandError(`baton: --workers must be an integer from 1 to 64, got "${value}"`, 2);
  }
  return workers;
}

/** Prints "listening on <url>" once the first worker (or this process) listens; SIGTERM/SIGINT stop all. */
export async function serveWithWorkers(options: WorkersOptions): Promise<void> {
  if (options.workers > 1 && cluster.isPrimary) {
    options.check?.();
    let announced = false;
    for (let i = 0; i < options.workers; i++) cluster.fork();
    cluster.on('message', (_worker, message: { listening?: string }) => {
      if (message.listening !== undefined && !announced) {
        announced = true;
        process.stdout.write(`listening on ${message.listening}\n`);
      }
    });
    cluster.on('exit', (worker, code) => {
      if (code !== 0) process.stderr.write(`baton: ${options.name} worker ${worker.process.pid} exited with ${code}\n`);
    });
    const stop = () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return;
  }
  const server = await options.start();
  if (cluster.isWorker) process.send?.({ listening: server.url });
  else process.stdout.write(`listening on ${server.url}\n`);
  const stop = () => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
