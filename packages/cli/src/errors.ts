// The one place where `baton` turns an error into what the user sees: a known mistake
// becomes one clear line and an exit status (2 for usage and config errors), anything else
// one line saying how to see details. A stack trace is shown only when asked for
// (`--debug` or BATON_DEBUG=1), so no ordinary mistake ends in one.
import { CommanderError } from 'commander';
import { ConfigError } from '@baton/config';
import { errors as sessionErrors } from '@baton/session';

/** A failure the command has already put into words for the user. */
export class CommandError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CommandError';
    this.exitCode = exitCode;
  }
}

export const USAGE_EXIT = 2;
const DEBUG_HINT = 'run again with --debug (or BATON_DEBUG=1) to see the stack trace';

/** The message for a port another process holds, naming the service that wanted it. */
export function portInUse(service: string, host: string, port: number, flag = '--port'): CommandError {
  return new CommandError(`baton: ${service} cannot listen on ${host}:${port}: the port is already in use (choose another with ${flag})`);
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EEXIST: 'already exists',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'host not found',
  EADDRINUSE: 'the port is already in use',
  EADDRNOTAVAIL: 'the address is not available on this machine',
};

function isErrno(error: unknown): error is NodeJS.ErrnoException & { address?: string; port?: number } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'syscall' in error;
}

export interface Described {
  readonly message: string;
  readonly exitCode: number;
  /** False for a bug or an unforeseen failure: the message then says how to see details. */
  readonly known: boolean;
}

/** What the user is told about an error that reached the top of a command. */
export function describeError(error: unknown): Described {
  if (error instanceof CommandError) return { message: error.message, exitCode: error.exitCode, known: true };
  if (error instanceof ConfigError) return { message: `baton: ${error.message}`, exitCode: USAGE_EXIT, known: true };
  if (error instanceof sessionErrors.ConnectionError || error instanceof sessionErrors.TimeoutError) {
    return { message: `baton: cannot reach ${error.url ?? 'the service'}: ${error.message}`, exitCode: 1, known: true };
  }
  if (isErrno(error) && error.code !== undefined && REASONS[error.code] !== undefined) {
    const reason = REASONS[error.code];
    const target = error.path ?? (error.address === undefined ? undefined : `${error.address}${error.port === undefined ? '' : `:${error.port}`}`);
    const what = error.syscall === 'connect' ? 'cannot connect to' : error.syscall === 'listen' ? 'cannot listen on' : `cannot ${error.syscall ?? 'use'}`;
    return { message: `baton: ${what} ${target ?? ''}: ${reason}`.replace(/ +:/, ':'), exitCode: 1, known: true };
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { message: `baton: unexpected error: ${text.split('\n')[0]} (${DEBUG_HINT})`, exitCode: 1, known: false };
}

export function debugRequested(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--debug') || (env.BATON_DEBUG !== undefined && env.BATON_DEBUG !== '' && env.BATON_DEBUG !== '0');
}

/** Prints the error as described (with its stack in debug mode) and exits with its status. */
export function exitWithError(error: unknown): never {
  // Commander has already printed its own message (and the help) for a usage error.
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT);
  }
  const described = describeError(error);
  process.stderr.write(`${described.message}\n`);
  if (debugRequested() && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  process.exit(described.exitCode);
}

/** Runs the command; every error, even one thrown later from a callback, ends in exitWithError. */
export async function runCli(run: () => Promise<unknown>): Promise<void> {
  process.on('uncaughtException', exitWithError);
  process.on('unhandledRejection', exitWithError);
  try {
    await run();
  } catch (error) {
    exitWithError(error);
  }
}
