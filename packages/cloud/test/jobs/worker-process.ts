// A job worker in its own process, so tests can kill it with SIGKILL mid-job and start
// another. argv: <connection> <host> <leaseSeconds>. Runs the `transfer` job kind: create a
// resource on a remote HTTP service, transfer in ticks with progress, then finish on the
// remote. Prints "worker <owner> started" once it polls.
import { migrateToLatest, openDatabase } from '@baton/storage';
import { JobStore, JobWorker, jobMigrations, type JobDatabase, type JobDefinition, type StepContext } from '../../src/jobs/index.ts';

interface TransferParams {
  readonly remote: string;
  readonly ticks: number;
  readonly tickMs: number;
}

const [connection = '', host = 'node1', leaseSeconds = '2'] = process.argv.slice(2);

async function call(ctx: StepContext<TransferParams>, method: string, path: string): Promise<{ id: string } | null> {
  const started = Date.now();
  const response = await fetch(new URL(path, ctx.job.params.remote), { method, signal: ctx.signal });
  const body = (await response.json()) as { id: string } | null;
  await ctx.recordCall({
    serviceType: 'remote', method, path, as: 'user', userTokenExpired: false, serviceToken: true, at: new Date(started).toISOString(),
    status: response.status, requestId: response.headers.get('x-openstack-request-id'), error: null, durationMs: Date.now() - started,
  });
  return body;
}

const transfer: JobDefinition<TransferParams> = {
  kind: 'transfer',
  steps: [
    {
      name: 'create',
      async run(ctx) {
        // The remote is asked before creating: a crash between its answer and the note
        // must not create a second resource.
        const name = `job-${ctx.job.id}`;
        const existing = await call(ctx, 'GET', `/resources/${name}`);
        const created = existing ?? (await call(ctx, 'POST', `/resources/${name}`));
        return { id: created?.id, host };
      },
    },
    {
      name: 'transfer',
      async run(ctx) {
        const resumedFrom = ctx.noted<number>('transferred') ?? 0;
        for (let tick = resumedFrom + 1; tick <= ctx.job.params.ticks; tick++) {
          await ctx.sleep(ctx.job.params.tickMs);
          await ctx.note('transferred', tick);
          await ctx.progress((tick * 100) / ctx.job.params.ticks);
        }
        return { resumedFrom, host };
      },
    },
    {
      name: 'finish',
      async run(ctx) {
        const id = ctx.result<{ id: string }>('create')?.id ?? '';
        await call(ctx, 'POST', `/resources/${id}/finish`);
        return { host };
      },
    },
  ],
};

const opened = await openDatabase<JobDatabase>(connection);
await migrateToLatest(opened, jobMigrations);
const worker = new JobWorker({
  store: new JobStore(opened.db, { skipLocked: opened.dialect.name === 'postgres' }),
  host,
  definitions: [transfer],
  leaseSeconds: Number(leaseSeconds),
  pollIntervalMs: 200,
  concurrency: 1,
  log: (msg) => console.error(msg),
});
worker.start();
console.log(`worker ${worker.owner} started`);
process.once('SIGTERM', () => {
  void worker.stop().then(() => opened.close()).then(() => process.exit(0));
});
