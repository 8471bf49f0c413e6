// What the job tests share: a remote service that counts what it is asked to do, worker
// processes (worker-process.ts) to kill, and a view of the job rows from the test's side.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '@baton/storage';
import { startProcess, type Running } from '@baton/test-support';
import { JobStore, jobMigrations, type JobDatabase, type JobRecord } from '../../src/jobs/index.ts';

const WORKER = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface Remote {
  readonly url: string;
  /** How many times each resource was created and finished. */
  readonly created: Map<string, number>;
  readonly finished: Map<string, number>;
  close(): Promise<void>;
}

export async function startRemote(): Promise<Remote> {
  const created = new Map<string, number>();
  const finished = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const [, , name = '', action] = (req.url ?? '').split('/');
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET') {
      res.statusCode = created.has(name) ? 200 : 404;
      res.end(JSON.stringify(created.has(name) ? { id: name } : null));
      return;
    }
    const counts = action === 'finish' ? finished : created;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    res.end(JSON.stringify({ id: name }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    created,
    finished,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface JobsDb {
  readonly store: JobStore;
  readonly opened: OpenedDatabase<JobDatabase>;
  enqueueTransfer(remote: string, ticks: number, tickMs: number): Promise<JobRecord>;
  /** Polls the job until `until` holds (or fails after timeoutMs). */
  waitFor(jobId: string, until: (job: JobRecord, transferred: number) => boolean, timeoutMs?: number): Promise<JobRecord>;
}

export async function openJobsDb(connection: string): Promise<JobsDb> {
  const opened = await openDatabase<JobDatabase>(connection);
  await migrateToLatest(opened, jobMigrations);
  const store = new JobStore(opened.db, { skipLocked: opened.dialect.name === 'postgres' });
  return {
    store,
    opened,
    enqueueTransfer: (remote, ticks, tickMs) =>
      store.enqueue({
        kind: 'transfer',
        instanceId: 'instance-1',
        credentials: { token: 'user-token', userId: 'u1', projectId: 'p1', roles: ['member'], catalog: [], expiresAt: Date.now() + 5000 },
        params: { remote, ticks, tickMs },
      }),
    async waitFor(jobId, until, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await store.get(jobId);
        if (job === undefined) throw new Error(`job ${jobId} vanished`);
        const transferred = ((await store.notes(jobId)).get('transferred') as number | undefined) ?? 0;
        if (until(job, transferred)) return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} stuck: ${JSON.stringify(job)}`);
        await sleep(100);
      }
    },
  };
}

export function startWorker(connection: string, host: string, leaseSeconds: number): Promise<Running> {
  return startProcess(process.execPath, ['--import', 'tsx', WORKER, connection, host, String(leaseSeconds)], {
    waitFor: /worker (\S+) started/,
  });
}

/** What a power cut does: no chance to release anything. */
export async function killHard(worker: Running): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.child.once('exit', () => resolve()));
  process.kill(-(worker.child.pid ?? 0), 'SIGKILL');
  await exited;
}
