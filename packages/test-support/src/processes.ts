import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export type CommandResult = { code: number | null; stdout: string; stderr: string };

export type RunOptions = { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string };

/** Runs a command to completion and collects its output; never throws on a non-zero exit. */
export async function runCommand(command: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    });
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** Like runCommand, but a non-zero exit is an error that carries the tail of the output. */
export async function runChecked(command: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  const result = await runCommand(command, args, opts);
  if (result.code !== 0) {
    const tail = (result.stderr + result.stdout).split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${String(result.code)}:\n${tail}`);
  }
  return result;
}

/** True while a process with this PID exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a child we started: TERM, then KILL after graceMs. The child must have been
 * spawned `detached` (its own process group), so the KILL also reaches any workers
 * it forked and none are left behind holding the port.
 */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  // The grace timer is cancelled once the child exits, so it never holds the event loop.
  const grace = new AbortController();
  const stopped = await Promise.race([
    exited.then(() => true),
    sleep(graceMs, false, { signal: grace.signal }).catch(() => false),
  ]);
  grace.abort();
  if (!stopped) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  }
}

/** Polls url until it answers with any HTTP status, or throws after timeoutMs. */
export async function waitForHttp(url: string, timeoutMs: number, stillRunning: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!stillRunning()) throw new Error(`process serving ${url} exited before it answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The shipped `baton` command: tsx on the TypeScript sources. */
export const BATON_SOURCE_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'baton.js');
/**
 * The `baton` tests run: the suite's runner bundles the same sources once per run to plain
 * JavaScript (scripts/build-cli.mjs) and names it in BATON_TEST_CLI, which saves about 2 s of
 * CPU per start; a test file run on its own uses the shipped command.
 */
export const BATON_BIN = process.env.BATON_TEST_CLI ?? BATON_SOURCE_BIN;

export type Running = {
  /** The first URL the process printed after "listening on". */
  url: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
};

export type StartOptions = { cwd?: string; env?: NodeJS.ProcessEnv; readyMs?: number; waitFor?: RegExp };

/**
 * The one way tests and benchmarks start a long-running process: in its own process group
 * (so stop() reaches any workers it forks), resolved once its output matches `waitFor`
 * (default: "listening on <url>"). On failure the process is stopped and the error carries
 * the tail of its output.
 */
export async function startProcess(command: string, args: readonly string[], opts: StartOptions = {}): Promise<Running> {
  const waitFor = opts.waitFor ?? /listening on (\S+)/;
  const readyMs = opts.readyMs ?? 60_000;
  const child = spawn(command, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const stop = () => stopChild(child);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${String(waitFor)} within ${readyMs} ms`)), readyMs);
      const onData = (chunk: string): void => {
        output += chunk;
        const match = waitFor.exec(output);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1] ?? '');
        }
      };
      child.stdout.setEncoding('utf8').on('data', onData);
      child.stderr.setEncoding('utf8').on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited (${String(code ?? signal)}) before it was ready`));
      });
    });
    return { url, child, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`${command} ${args.join(' ')} did not start; output:\n${output.slice(-3000)}`, { cause: error });
  }
}

/** `baton <args>` as a user runs it, through startProcess. */
export function startBatonCommand(args: readonly string[], opts: StartOptions = {}): Promise<Running> {
  return startProcess(process.execPath, [BATON_BIN, ...args], opts);
}
