// The job engine's tables as Kysely sees them. Times are epoch milliseconds; JSON columns
// are text; booleans are stored as 0/1 so both databases read them back alike.
import type { Kysely } from 'kysely';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobTable {
  id: string;
  kind: string;
  /** The resource the job works on (a server id for compute's jobs). */
  instance_id: string;
  /** The user's token and the context it was validated with, kept to call other services as the user. */
  user_token: string;
  user_id: string;
  project_id: string;
  /** JSON array of role names. */
  roles: string;
  /** JSON of the v3 catalog the user's token carried. */
  catalog: string;
  token_expires_at: number;
  /** JSON of the job kind's parameters. */
  params: string;
  state: JobState;
  current_step: string | null;
  step_started_at: number | null;
  progress: number;
  /** `host/uuid` of the worker holding the lease. */
  lease_owner: string | null;
  /** The holder's host, so a restarted service takes its own jobs back without waiting for the lease. */
  lease_host: string | null;
  lease_expires_at: number | null;
  /** JSON of the fault of a failed job. */
  fault: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface JobStepTable {
  job_id: string;
  name: string;
  position: number;
  /** JSON of what the step returned; later steps and resumed runs read it. */
  result: string;
  started_at: number;
  finished_at: number;
}

export interface JobNoteTable {
  job_id: string;
  key: string;
  /** JSON. A step's checkpoint (e.g. the id of a resource it created) written before it moves on. */
  value: string;
}

export interface JobCallTable {
  id: string;
  job_id: string;
  step: string;
  service_type: string;
  method: string;
  path: string;
  /** 'user' (as the user, with or without a service token) or 'service' (the service's own admin call). */
  caller: string;
  user_token_expired: number;
  service_token: number;
  status: number | null;
  request_id: string | null;
  /** Why the call failed without an answer (connection refused, timeout). */
  error: string | null;
  duration_ms: number;
  at: number;
}

export interface JobDatabase {
  job: JobTable;
  job_step: JobStepTable;
  job_note: JobNoteTable;
  job_call: JobCallTable;
}

export type JobDb = Kysely<JobDatabase>;
