// The log of a Baton service, from [DEFAULT] debug and log_file as oslo.log reads them:
// pino JSON lines for machines (a file, a pipe), readable lines on a terminal.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger } from 'pino';

export type ServiceLogger = Logger;

export interface ServiceLoggerOptions {
  /** [DEFAULT] debug: log at debug level instead of info. */
  readonly debug: boolean;
  /** [DEFAULT] log_file: append to this file instead of standard error. */
  readonly logFile: string | null;
  /** Readable lines instead of JSON; default: when the log goes to a terminal. */
  readonly pretty?: boolean;
  /** Where JSON lines go instead of log_file or standard error (tests). */
  readonly destination?: DestinationStream;
}

/** Request headers whose values must never reach a log line. */
export const REDACTED_HEADERS = ['req.headers["x-auth-token"]', 'req.headers["x-subject-token"]', 'req.headers["x-service-token"]'];

export function createServiceLogger(options: ServiceLoggerOptions): ServiceLogger {
  const level = options.debug ? 'debug' : 'info';
  // Standard error through sonic-boom too, not process.stderr: a pipe's process.stderr
  // writes synchronously, one syscall per access-log line on the validation hot path.
  const target: DestinationStream =
    options.destination ?? pino.destination(options.logFile === null ? { dest: 2, sync: false } : { dest: options.logFile, append: true, mkdir: true, sync: false });
  const pretty = options.pretty ?? (options.destination === undefined && options.logFile === null && process.stderr.isTTY === true);
  return pino({ level, redact: REDACTED_HEADERS }, pretty ? readableLines(target) : target);
}

/**
 * Ends the logger's destination and resolves once every line logged so far is written and the
 * file is closed: a service that created its logger calls this last when it stops, since the
 * log is written asynchronously and an exit would lose its final lines. The logger must not be
 * used afterwards.
 */
export function closeLogger(logger: ServiceLogger): Promise<void> {
  const stream: unknown = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  if (!(stream instanceof EventEmitter) || typeof (stream as { end?: unknown }).end !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    (stream as EventEmitter & { end(): void }).end();
  });
}

/** A service log that writes nothing: services embedded in another program (tests, `baton demo`). */
export function createSilentLogger(): ServiceLogger {
  return pino({ level: 'silent' });
}

const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/**
 * `12:00:01.234 INFO  GET /v3/auth/tokens 200 3.1 ms requestId=req-…` from pino's JSON: the
 * few lines a person reads while trying a service need no extra dependency (pino-pretty
 * would bring a dozen packages for colours and options we do not use).
 */
function readableLines(out: DestinationStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        const time = new Date(Number(entry.time)).toISOString().slice(11, 23);
        const extra = Object.entries(entry)
          .filter(([key]) => !HIDDEN.has(key))
          .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
        out.write(`${time} ${(LEVELS[Number(entry.level)] ?? 'LOG').padEnd(5)} ${String(entry.msg ?? '')}${extra.length > 0 ? ` ${extra.join(' ')}` : ''}\n`);
      }
      done();
    },
  });
}
