// A job resumes from its last finished step after its worker process is killed with
// SIGKILL, and nothing is done twice (SQLite, one host restarted).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { killHard, openJobsDb, startRemote, startWorker } from './harness.ts';

test('a job killed mid-transfer resumes after restart from its last step, nothing done twice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-jobs-'));
  const connection = `sqlite:///${join(dir, 'nova.db')}`;
  const remote = await startRemote();
  const jobs = await openJobsDb(connection);
  t.after(async () => {
    await jobs.opened.close();
    await remote.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const job = await jobs.enqueueTransfer(remote.url, 10, 150);

  // A long lease: the restarted process must take the job back because it is the same
  // host, not because the lease ran out.
  const first = await startWorker(connection, 'node1', 300);
  t.after(() => first.stop());
  await jobs.waitFor(job.id, (_, transferred) => transferred >= 3);
  await killHard(first);
  const interrupted = await jobs.store.get(job.id);
  assert.equal(interrupted?.state, 'running');
  assert.equal(interrupted?.currentStep, 'transfer');

  const second = await startWorker(connection, 'node1', 300);
  t.after(() => second.stop());
  const done = await jobs.waitFor(job.id, (j) => j.state !== 'running' && j.state !== 'queued');
  assert.equal(done.state, 'succeeded', JSON.stringify(done.fault));

  const name = `job-${job.id}`;
  assert.deepEqual([...remote.created], [[name, 1]], 'the resource was created once');
  assert.deepEqual([...remote.finished], [[name, 1]], 'and finished once');
  const steps = await jobs.store.steps(job.id);
  assert.deepEqual(steps.map((s) => s.name), ['create', 'transfer', 'finish']);
  const transfer = steps[1]?.result as { resumedFrom: number };
  assert.ok(transfer.resumedFrom >= 3, `the transfer resumed from its checkpoint (${transfer.resumedFrom}), not from 0`);
  const calls = await jobs.store.calls(job.id);
  assert.deepEqual(
    calls.map((c) => `${c.step} ${c.method} ${c.status}`),
    ['create GET 404', 'create POST 200', 'finish POST 200'],
    'every call recorded once, with its answer',
  );
});
