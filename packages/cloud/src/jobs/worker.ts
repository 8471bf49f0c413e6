// A worker claims runnable jobs, runs each one's steps in order from the first unfinished
// one, and keeps its lease alive while it does. Several workers (processes, nodes) may share
// one database: the lease decides who runs a job, and a job whose worker died is resumed by
// whoever claims it next.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { LeaseLostError, WorkerStoppedError } from './errors.ts';
import type { JobStore, Lease } from './store.ts';
import type { JobDefinition, JobFault, JobRecord, StepContext } from './types.ts';

export interface JobWorkerOptions {
  readonly store: JobStore;
  /** This service's host name (nova's `host`): a restarted service takes its own jobs back at once. */
  readonly host: string;
  readonly definitions: readonly JobDefinition[];
  /** How long a claimed job stays this worker's without a renewal. */
  readonly leaseSeconds: number;
  /** How often the worker looks for runnable jobs when nobody woke it. */
  readonly pollIntervalMs: number;
  /** Jobs run at once by this worker. */
  readonly concurrency: number;
  readonly log?: (msg: string) => void;
}

interface Running {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

export class JobWorker {
  readonly #store: JobStore;
  readonly #definitions: ReadonlyMap<string, JobDefinition>;
  readonly #lease: Lease;
  readonly #options: JobWorkerOptions;
  readonly #log: (msg: string) => void;
  readonly #running = new Map<string, Running>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #stopped = true;

  constructor(options: JobWorkerOptions) {
    if (options.leaseSeconds <= 0) throw new TypeError('JobWorker: leaseSeconds must be positive');
    this.#options = options;
    this.#store = options.store;
    this.#definitions = new Map(options.definitions.map((d) => [d.kind, d]));
    this.#lease = { owner: `${options.host}/${randomUUID()}`, host: options.host, ms: options.leaseSeconds * 1000 };
    this.#log = options.log ?? ((): void => {});
  }

  /** `host/uuid`: what the job rows record as their lease owner. */
  get owner(): string {
    return this.#lease.owner;
  }

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** Looks for runnable jobs now (after a job was enqueued) instead of at the next poll. */
  wake(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined;
      if (!this.#stopped) this.#timer = setTimeout(() => this.wake(), this.#options.pollIntervalMs).unref();
    });
  }

  /** Stops claiming, interrupts running steps and releases their jobs for any worker to resume. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#polling;
    const running = [...this.#running.values()];
    for (const job of running) job.controller.abort(new WorkerStoppedError());
    await Promise.all(running.map((job) => job.done));
  }

  async #poll(): Promise<void> {
    const free = this.#options.concurrency - this.#running.size;
    if (free <= 0) return;
    let jobs: JobRecord[];
    try {
      jobs = await this.#store.claim(this.#lease, free);
    } catch (error) {
      this.#log(`job worker: claiming jobs failed: ${String(error)}`);
      return;
    }
    for (const job of jobs) {
      const controller = new AbortController();
      const done = this.#run(job, controller).finally(() => {
        this.#running.delete(job.id);
        this.wake();
      });
      this.#running.set(job.id, { controller, done });
    }
  }

  async #run(job: JobRecord, controller: AbortController): Promise<void> {
    const renewal = setInterval(() => void this.#renew(job.id, controller), this.#lease.ms / 3).unref();
    try {
      await this.#runSteps(job, controller.signal);
    } catch (error) {
      if (controller.signal.aborted || error instanceof LeaseLostError) {
        this.#log(`job ${job.id}: interrupted (${String(controller.signal.reason ?? error)}); it will resume`);
        if (controller.signal.reason instanceof WorkerStoppedError) await this.#store.release(job.id, this.#lease).catch(() => {});
      } else {
        // The database failed under us: the lease runs out and the job is resumed later.
        this.#log(`job ${job.id}: ${String(error)}`);
      }
    } finally {
      clearInterval(renewal);
    }
  }

  async #renew(jobId: string, controller: AbortController): Promise<void> {
    try {
      if (!(await this.#store.renew(jobId, this.#lease))) controller.abort(new LeaseLostError(jobId));
    } catch (error) {
      this.#log(`job ${jobId}: lease renewal failed: ${String(error)}`);
    }
  }

  async #runSteps(job: JobRecord, signal: AbortSignal): Promise<void> {
    const definition = this.#definitions.get(job.kind);
    if (definition === undefined) {
      const fault: JobFault = { step: null, message: `Unknown job kind ${job.kind}`, details: 'No worker of this version runs it.' };
      await this.#store.finish(job.id, this.#lease, 'failed', fault);
      return;
    }
    const results = new Map((await this.#store.steps(job.id)).map((s) => [s.name, s.result]));
    const notes = await this.#store.notes(job.id);
    for (const [position, step] of definition.steps.entries()) {
      if (results.has(step.name)) continue;
      signal.throwIfAborted();
      await this.#store.startStep(job.id, this.#lease, step.name);
      const startedAt = Date.now();
      const ctx = this.#stepContext(job, step.name, signal, results, notes);
      let result: unknown;
      try {
        result = await step.run(ctx);
      } catch (error) {
        if (signal.aborted || error instanceof LeaseLostError) throw error;
        await this.#store.finish(job.id, this.#lease, 'failed', await describeFailure(definition, ctx, error));
        return;
      }
      await this.#store.finishStep(job.id, this.#lease, { name: step.name, position, startedAt, result });
      results.set(step.name, result ?? null);
    }
    await this.#store.finish(job.id, this.#lease, 'succeeded', null);
  }

  #stepContext(job: JobRecord, step: string, signal: AbortSignal, results: Map<string, unknown>, notes: Map<string, unknown>): StepContext {
    const store = this.#store;
    const lease = this.#lease;
    return {
      job,
      step,
      signal,
      result: <T>(name: string) => results.get(name) as T | undefined,
      noted: <T>(key: string) => notes.get(key) as T | undefined,
      async note(key, value) {
        await store.note(job.id, lease, key, value);
        notes.set(key, value);
      },
      progress: (percent) => store.setProgress(job.id, lease, Math.max(0, Math.min(100, Math.round(percent)))),
      recordCall: (call) => store.recordCall(job.id, step, call),
      sleep: (ms) => delay(ms, undefined, { signal }),
    };
  }
}

async function describeFailure(definition: JobDefinition, ctx: StepContext, error: unknown): Promise<JobFault> {
  const plain = { message: error instanceof Error ? error.message : String(error), details: '' };
  if (definition.fail === undefined) return { step: ctx.step, ...plain };
  try {
    return { step: ctx.step, ...(await definition.fail(ctx, error)) };
  } catch (cleanupError) {
    return { step: ctx.step, message: plain.message, details: `Cleaning up after the failure failed too: ${String(cleanupError)}` };
  }
}
