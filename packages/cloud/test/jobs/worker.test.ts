// The worker's own rules, in process on SQLite: a failing step ends the job with the fault
// its kind describes (after its clean-up ran), later steps do not run, and a worker that
// stops releases its job for another to resume at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobWorker, type JobDefinition, type JobStore } from '../../src/jobs/index.ts';
import { openJobsDb } from './harness.ts';

function worker(store: JobStore, definitions: JobDefinition[]): JobWorker {
  return new JobWorker({ store, host: 'node1', definitions, leaseSeconds: 300, pollIntervalMs: 50, concurrency: 1 });
}

test('a failing step fails the job with the described fault after its clean-up; later steps never run', async (t) => {
  const jobs = await openJobsDb('sqlite://');
  t.after(() => jobs.opened.close());
  const ran: string[] = [];
  const failing: JobDefinition = {
    kind: 'transfer',
    steps: [
      { name: 'create', run: async (ctx) => { ran.push('create'); await ctx.note('created', 'vol-1'); return 'vol-1'; } },
      { name: 'attach', run: () => { ran.push('attach'); throw new Error('block-storage answered 401'); } },
      { name: 'finish', run: async () => { ran.push('finish'); } },
    ],
    async fail(ctx, error) {
      ran.push(`clean ${ctx.noted<string>('created')}`);
      return { message: `attach failed: ${(error as Error).message}`, details: 'deleted vol-1' };
    },
  };
  const job = await jobs.enqueueTransfer('http://unused', 1, 1);
  const w = worker(jobs.store, [failing]);
  w.start();
  t.after(() => w.stop());
  const done = await jobs.waitFor(job.id, (j) => j.state === 'failed');
  assert.deepEqual(ran, ['create', 'attach', 'clean vol-1']);
  assert.deepEqual(done.fault, { step: 'attach', message: 'attach failed: block-storage answered 401', details: 'deleted vol-1' });
  assert.deepEqual((await jobs.store.steps(job.id)).map((s) => s.name), ['create']);
});

test('an unknown job kind fails instead of staying runnable forever', async (t) => {
  const jobs = await openJobsDb('sqlite://');
  t.after(() => jobs.opened.close());
  const job = await jobs.enqueueTransfer('http://unused', 1, 1);
  const w = worker(jobs.store, []);
  w.start();
  t.after(() => w.stop());
  const done = await jobs.waitFor(job.id, (j) => j.state === 'failed');
  assert.equal(done.fault?.message, 'Unknown job kind transfer');
});

test('a stopping worker interrupts its step and releases the job; the next worker resumes it at once', async (t) => {
  const jobs = await openJobsDb('sqlite://');
  t.after(() => jobs.opened.close());
  const runs: string[] = [];
  const slow = (label: string): JobDefinition => ({
    kind: 'transfer',
    steps: [
      { name: 'first', run: async () => { runs.push(`${label} first`); } },
      { name: 'wait', run: async (ctx) => { runs.push(`${label} wait`); if (label === 'A') await ctx.sleep(60_000); } },
    ],
  });
  const job = await jobs.enqueueTransfer('http://unused', 1, 1);
  const a = worker(jobs.store, [slow('A')]);
  a.start();
  await jobs.waitFor(job.id, (j) => j.currentStep === 'wait');
  await a.stop();
  const released = await jobs.store.get(job.id);
  assert.equal(released?.state, 'running');
  assert.equal(released?.leaseOwner, null, 'the lease was given back');

  const b = worker(jobs.store, [slow('B')]);
  b.start();
  t.after(() => b.stop());
  const done = await jobs.waitFor(job.id, (j) => j.state === 'succeeded', 10_000);
  assert.equal(done.state, 'succeeded');
  assert.deepEqual(runs, ['A first', 'A wait', 'B wait'], 'the finished step did not run again');
});
