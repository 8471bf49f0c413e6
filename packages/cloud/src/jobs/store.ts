// The job rows and what hangs off them: steps, notes (checkpoints) and recorded calls.
// Every write a worker makes while running a job is guarded by its lease, so a worker that
// lost its job to another one cannot record anything for it any more.
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { LeaseLostError } from './errors.ts';
import type { JobCallTable, JobDb, JobState, JobTable } from './schema.ts';
import type { CallRecord } from '../common/inter-service.ts';
import type { JobCredentials, JobFault, JobRecord, NewJob, RecordedCall, RecordedStep } from './types.ts';
import { fromDbBoolean, toDbBoolean } from '@baton/storage';

export interface Lease {
  readonly owner: string;
  readonly host: string;
  readonly ms: number;
}

function toJob(row: Selectable<JobTable>): JobRecord {
  const credentials: JobCredentials = {
    token: row.user_token,
    userId: row.user_id,
    projectId: row.project_id,
    roles: JSON.parse(row.roles) as string[],
    catalog: JSON.parse(row.catalog) as JobCredentials['catalog'],
    expiresAt: Number(row.token_expires_at),
  };
  return {
    id: row.id,
    kind: row.kind,
    instanceId: row.instance_id,
    credentials,
    params: JSON.parse(row.params) as Record<string, unknown>,
    state: row.state,
    currentStep: row.current_step,
    stepStartedAt: row.step_started_at === null ? null : Number(row.step_started_at),
    progress: row.progress,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
    fault: row.fault === null ? null : (JSON.parse(row.fault) as JobFault),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

function toCall(row: Selectable<JobCallTable>): RecordedCall {
  return {
    step: row.step,
    serviceType: row.service_type,
    method: row.method,
    path: row.path,
    as: row.caller === 'service' ? 'service' : 'user',
    userTokenExpired: fromDbBoolean(row.user_token_expired),
    serviceToken: fromDbBoolean(row.service_token),
    status: row.status,
    requestId: row.request_id,
    error: row.error,
    durationMs: row.duration_ms,
    at: new Date(Number(row.at)).toISOString(),
  };
}

export class JobStore {
  readonly #db: JobDb;
  readonly #skipLocked: boolean;

  /** `skipLocked`: the database supports `FOR UPDATE SKIP LOCKED` (PostgreSQL). */
  constructor(db: JobDb, options: { skipLocked: boolean }) {
    this.#db = db;
    this.#skipLocked = options.skipLocked;
  }

  async enqueue(job: NewJob): Promise<JobRecord> {
    const now = Date.now();
    const { credentials } = job;
    const row = await this.#db
      .insertInto('job')
      .values({
        id: randomUUID(),
        kind: job.kind,
        instance_id: job.instanceId,
        user_token: credentials.token,
        user_id: credentials.userId,
        project_id: credentials.projectId,
        roles: JSON.stringify(credentials.roles),
        catalog: JSON.stringify(credentials.catalog),
        token_expires_at: credentials.expiresAt,
        params: JSON.stringify(job.params),
        state: 'queued',
        progress: 0,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toJob(row);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.#db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toJob(row);
  }

  /** The jobs of one instance, oldest first. */
  async listForInstance(instanceId: string): Promise<JobRecord[]> {
    const rows = await this.#db.selectFrom('job').selectAll().where('instance_id', '=', instanceId).orderBy('created_at').execute();
    return rows.map(toJob);
  }

  /**
   * Takes up to `limit` runnable jobs in one statement: queued ones, those whose lease ran
   * out (their worker died), and those still leased to an earlier process on this host
   * (it was restarted, so that process is gone). PostgreSQL skips rows another worker is
   * claiming at the same moment; SQLite serialises writers, so the statement is atomic.
   */
  async claim(lease: Lease, limit: number): Promise<JobRecord[]> {
    const now = Date.now();
    const rows = await this.#db
      .updateTable('job')
      .set({ state: 'running', lease_owner: lease.owner, lease_host: lease.host, lease_expires_at: now + lease.ms, updated_at: now })
      .where('id', 'in', (eb) => {
        const runnable = eb
          .selectFrom('job')
          .select('id')
          .where((w) =>
            w.or([
              w('state', '=', 'queued'),
              w.and([
                w('state', '=', 'running'),
                w.or([w('lease_expires_at', '<', now), w.and([w('lease_host', '=', lease.host), w('lease_owner', '!=', lease.owner)])]),
              ]),
            ]),
          )
          .orderBy('created_at')
          .limit(limit);
        return this.#skipLocked ? runnable.forUpdate().skipLocked() : runnable;
      })
      .where('state', 'in', ['queued', 'running'])
      .returningAll()
      .execute();
    return rows.map(toJob);
  }

  /** Extends the lease; false when the job is no longer this worker's. */
  async renew(jobId: string, lease: Lease): Promise<boolean> {
    const now = Date.now();
    const result = await this.#db
      .updateTable('job')
      .set({ lease_expires_at: now + lease.ms })
      .where('id', '=', jobId)
      .where('lease_owner', '=', lease.owner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Gives the job back at once (a worker stopping cleanly), for any worker to take. */
  async release(jobId: string, lease: Lease): Promise<void> {
    await this.#db
      .updateTable('job')
      .set({ lease_expires_at: 0, lease_owner: null, lease_host: null })
      .where('id', '=', jobId)
      .where('lease_owner', '=', lease.owner)
      .where('state', '=', 'running')
      .execute();
  }

  async steps(jobId: string): Promise<RecordedStep[]> {
    const rows = await this.#db.selectFrom('job_step').selectAll().where('job_id', '=', jobId).orderBy('position').execute();
    return rows.map((r) => ({
      name: r.name,
      position: r.position,
      result: JSON.parse(r.result) as unknown,
      startedAt: Number(r.started_at),
      finishedAt: Number(r.finished_at),
    }));
  }

  async notes(jobId: string): Promise<Map<string, unknown>> {
    const rows = await this.#db.selectFrom('job_note').select(['key', 'value']).where('job_id', '=', jobId).execute();
    return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  async calls(jobId: string): Promise<RecordedCall[]> {
    const rows = await this.#db.selectFrom('job_call').selectAll().where('job_id', '=', jobId).orderBy('at').orderBy('id').execute();
    return rows.map(toCall);
  }

  async startStep(jobId: string, lease: Lease, step: string): Promise<void> {
    await this.#guarded(jobId, lease, { current_step: step, step_started_at: Date.now(), progress: 0 });
  }

  async setProgress(jobId: string, lease: Lease, progress: number): Promise<void> {
    await this.#guarded(jobId, lease, { progress });
  }

  /** Writes a checkpoint; the lease check and the write are one transaction. */
  async note(jobId: string, lease: Lease, key: string, value: unknown): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await this.#guarded(jobId, lease, {}, tx);
      const text = JSON.stringify(value ?? null);
      const updated = await tx.updateTable('job_note').set({ value: text }).where('job_id', '=', jobId).where('key', '=', key).executeTakeFirst();
      if (updated.numUpdatedRows === 0n) await tx.insertInto('job_note').values({ job_id: jobId, key, value: text }).execute();
    });
  }

  /** Records a finished step; the lease check and the write are one transaction. */
  async finishStep(jobId: string, lease: Lease, step: { name: string; position: number; startedAt: number; result: unknown }): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await this.#guarded(jobId, lease, { current_step: null, step_started_at: null, progress: 100 }, tx);
      await tx
        .insertInto('job_step')
        .values({
          job_id: jobId,
          name: step.name,
          position: step.position,
          result: JSON.stringify(step.result ?? null),
          started_at: step.startedAt,
          finished_at: Date.now(),
        })
        .execute();
    });
  }

  async finish(jobId: string, lease: Lease, state: Extract<JobState, 'succeeded' | 'failed'>, fault: JobFault | null): Promise<void> {
    const now = Date.now();
    await this.#guarded(jobId, lease, {
      state,
      fault: fault === null ? null : JSON.stringify(fault),
      finished_at: now,
      lease_owner: null,
      lease_host: null,
      lease_expires_at: null,
    });
  }

  /** Calls are facts: recorded even if the lease was lost meanwhile. */
  async recordCall(jobId: string, step: string, call: CallRecord): Promise<void> {
    await this.#db
      .insertInto('job_call')
      .values({
        id: randomUUID(),
        job_id: jobId,
        step,
        service_type: call.serviceType,
        method: call.method,
        path: call.path,
        caller: call.as,
        user_token_expired: toDbBoolean(call.userTokenExpired),
        service_token: toDbBoolean(call.serviceToken),
        status: call.status,
        request_id: call.requestId,
        error: call.error,
        duration_ms: Math.round(call.durationMs),
        at: Date.parse(call.at) || Date.now(),
      })
      .execute();
  }

  async #guarded(jobId: string, lease: Lease, set: Partial<Omit<JobTable, 'id'>>, db: JobDb = this.#db): Promise<void> {
    const result = await db
      .updateTable('job')
      .set({ ...set, updated_at: Date.now() })
      .where('id', '=', jobId)
      .where('lease_owner', '=', lease.owner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new LeaseLostError(jobId);
  }
}
