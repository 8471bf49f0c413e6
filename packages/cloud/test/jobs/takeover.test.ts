// Two workers on one PostgreSQL database: each claims a different job (FOR UPDATE SKIP
// LOCKED), and when one is killed the other takes its job over once the lease runs out.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { killHard, openJobsDb, startRemote, startWorker } from './harness.ts';

const SERVER = 'postgresql://postgres@127.0.0.1:5432/test';

test('two compute hosts on PostgreSQL: the survivor takes over the dead host\'s job', async (t) => {
  const schema = `jobs_${randomBytes(6).toString('hex')}`;
  const connection = `${SERVER}?schema=${schema}`;
  const remote = await startRemote();
  const jobs = await openJobsDb(connection);
  t.after(async () => {
    await jobs.opened.close();
    await remote.close();
    const client = new pg.Client(SERVER);
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  });
  const leaseSeconds = 2;
  const [node1, node2] = await Promise.all([startWorker(connection, 'node1', leaseSeconds), startWorker(connection, 'node2', leaseSeconds)]);
  t.after(() => node1.stop());
  t.after(() => node2.stop());
  const a = await jobs.enqueueTransfer(remote.url, 16, 250);
  const b = await jobs.enqueueTransfer(remote.url, 16, 250);

  // Each worker runs one job at a time, so both jobs run at once on different hosts.
  const [runningA, runningB] = await Promise.all([a, b].map((job) => jobs.waitFor(job.id, (j, transferred) => j.leaseOwner !== null && transferred >= 2)));
  const hostOf = (owner: string | null | undefined): string => (owner ?? '').split('/')[0] ?? '';
  assert.notEqual(hostOf(runningA?.leaseOwner), hostOf(runningB?.leaseOwner), 'no job is claimed by both hosts');

  const victimHost = hostOf(runningA?.leaseOwner);
  await killHard(victimHost === 'node1' ? node1 : node2);
  const survivorHost = victimHost === 'node1' ? 'node2' : 'node1';

  for (const job of [a, b]) {
    const done = await jobs.waitFor(job.id, (j) => j.state === 'succeeded' || j.state === 'failed', 60_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.fault));
    const name = `job-${job.id}`;
    assert.equal(remote.created.get(name), 1, 'created once');
    assert.equal(remote.finished.get(name), 1, 'finished once');
  }
  const steps = await jobs.store.steps(a.id);
  assert.deepEqual(steps.map((s) => [s.name, (s.result as { host: string }).host]), [
    ['create', victimHost],
    ['transfer', survivorHost],
    ['finish', survivorHost],
  ]);
  assert.ok((steps[1]?.result as { resumedFrom: number }).resumedFrom >= 2, 'the survivor resumed the transfer from its checkpoint');
});
