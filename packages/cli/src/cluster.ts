// Several worker processes behind one port (node:cluster shares the listening socket, like
// uwsgi's processes), for the long-running commands. The primary only forks and relays.
import cluster from 'node:cluster';
import { createServer } from 'node:net';
import { InvalidArgumentError } from 'commander';
import { portInUse } from './errors.ts';

/** A server running in this process. */
export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

export interface WorkersOptions {
  readonly workers: number;
  /** Named in the message when a worker exits with an error or the port is taken, e.g. "identity". */
  readonly name: string;
  /** Where the server will listen: checked before anything starts, so a busy port is one clear line. */
  readonly host: string;
  readonly port: number;
  /** Runs once in the primary before forking, so a configuration error prints once. */
  readonly check?: () => void;
  /** Starts the server in this process (each worker, or the only process). */
  readonly start: () => Promise<Served>;
}

// Option parsers for commander: an InvalidArgumentError becomes commander's own
// "option '--port <port>' argument 'abc' is invalid. …" line (exit status 2).
export function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) throw new InvalidArgumentError('expected an integer from 0 to 65535.');
  return port;
}

export function parseWorkers(value: string): number {
  const workers = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new InvalidArgumentError('expected an integer from 1 to 64.');
  return workers;
}

/**
 * Fails with a message naming the service and the port when something already listens
 * there. A moment later another process could still take it; listening reports that the same way.
 */
export async function assertPortFree(service: string, host: string, port: number, flag?: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? portInUse(service, host, port, flag) : error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Starts the server, turning EADDRINUSE into the same message as assertPortFree. */
export async function startNamed(service: string, host: string, port: number, start: () => Promise<Served>): Promise<Served> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(service, host, port);
    throw error;
  }
}

/** Prints "listening on <url>" once the first worker (or this process) listens; SIGTERM/SIGINT stop all. */
export async function serveWithWorkers(options: WorkersOptions): Promise<void> {
  if (cluster.isPrimary) await assertPortFree(options.name, options.host, options.port);
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
  const server = await startNamed(options.name, options.host, options.port, options.start);
  if (cluster.isWorker) process.send?.({ listening: server.url });
  else process.stdout.write(`listening on ${server.url}\n`);
  const stop = () => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
