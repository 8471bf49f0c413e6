// Child processes the auth-token benchmark starts: `baton …` commands that print
// "listening on <url>", uwsgi instances, and the counting proxy. Each comes with its stop().
import { fork, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild, waitForHttp, uwsgiIni } from '@baton/test-support';

export { REPO_ROOT, startBatonCommand } from '@baton/test-support';

const READY_MS = 60_000;

/** Anything the benchmark started: where it answers, and how to stop it. */
export type Running = { url: string; stop(): Promise<void> };

export type UwsgiApp = {
  dir: string;
  name: string;
  port: number;
  wsgiFile: string;
  processes: number;
  threads: number;
  env: Record<string, string>;
  /** URL polled until it answers. */
  readyUrl: string;
};

/**
 * A WSGI app under uwsgi as the identity benchmark runs Keystone: http11-socket (keep-alive,
 * as Baton's echo service), threads so every load connection is served at once, no request log.
 */
export async function startUwsgi(app: UwsgiApp): Promise<Running> {
  const ini = join(app.dir, `${app.name}-uwsgi.ini`);
  await writeFile(
    ini,
    uwsgiIni({
      port: app.port,
      wsgiFile: app.wsgiFile,
      env: app.env,
      processes: app.processes,
      threads: app.threads,
      logFile: join(app.dir, `${app.name}-uwsgi.log`),
      keepAlive: true,
      requestLog: false,
    }),
  );
  const child = spawn('uwsgi', ['--ini', ini], { stdio: 'ignore', detached: true });
  child.once('error', () => undefined);
  const stop = () => stopChild(child);
  try {
    await waitForHttp(app.readyUrl, READY_MS, () => child.exitCode === null && child.signalCode === null);
  } catch (error) {
    await stop();
    throw new Error(`uwsgi ${app.name} did not start (log: ${join(app.dir, `${app.name}-uwsgi.log`)})`, { cause: error });
  }
  return { url: `http://127.0.0.1:${app.port}`, stop };
}

export type CountingProxy = Running & { count(): Promise<number> };

/** The counting TCP proxy (bench/counting-proxy.ts) in a child process, in front of upstreamPort. */
export async function startCountingProxy(upstreamPort: number, listenPort: number): Promise<CountingProxy> {
  const child = fork(fileURLToPath(new URL('./counting-proxy.ts', import.meta.url)), [String(upstreamPort), String(listenPort)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let waiting: ((message: { listening?: boolean; count?: number }) => void) | undefined;
  let exited = false;
  child.on('message', (message) => {
    waiting?.(message as { listening?: boolean; count?: number });
    waiting = undefined;
  });
  child.once('exit', () => {
    exited = true;
    waiting?.({});
  });
  const reply = () =>
    new Promise<{ listening?: boolean; count?: number }>((resolve, reject) => {
      if (exited) reject(new Error('counting proxy exited'));
      waiting = resolve;
    });
  if ((await reply()).listening !== true) throw new Error('counting proxy did not start');
  return {
    url: `http://127.0.0.1:${listenPort}`,
    async count() {
      const answer = reply();
      child.send('count');
      return (await answer).count ?? Number.NaN;
    },
    stop: () => stopChild(child),
  };
}
