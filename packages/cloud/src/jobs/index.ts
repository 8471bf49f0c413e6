// The durable job engine: jobs as rows with recorded steps, checkpoints and cross-service
// calls, run under leases by workers that may die and be replaced.
export { jobMigrations } from './migrations.ts';
export { JobStore } from './store.ts';
export type { Lease } from './store.ts';
export { JobWorker } from './worker.ts';
export type { JobWorkerOptions } from './worker.ts';
export { JobError, LeaseLostError, WorkerStoppedError } from './errors.ts';
export type { JobErrorCode } from './errors.ts';
export type { JobDatabase, JobDb, JobState } from './schema.ts';
export type * from './types.ts';
