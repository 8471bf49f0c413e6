// Why a worker stopped running a job without finishing it. Neither is the job's failure:
// the job stays runnable and another worker (or this one, restarted) resumes it.

export type JobErrorCode = 'ERR_JOB_LEASE_LOST' | 'ERR_JOB_WORKER_STOPPED';

export abstract class JobError extends Error {
  abstract readonly code: JobErrorCode;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Another worker took the job over (this one stalled past its lease). */
export class LeaseLostError extends JobError {
  static readonly code = 'ERR_JOB_LEASE_LOST';
  readonly code = LeaseLostError.code;

  constructor(readonly jobId: string) {
    super(`job ${jobId}: lease lost to another worker`);
  }
}

/** The worker is shutting down; the job is released for any worker to resume. */
export class WorkerStoppedError extends JobError {
  static readonly code = 'ERR_JOB_WORKER_STOPPED';
  readonly code = WorkerStoppedError.code;

  constructor() {
    super('job worker stopped');
  }
}
