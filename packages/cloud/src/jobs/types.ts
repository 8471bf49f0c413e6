// What a job is, what a step sees, and what a job kind declares.
import type { CatalogService } from '@baton/session';
import type { CallRecord } from '../common/inter-service.ts';
import type { JobState } from './schema.ts';

/** The user's token and the context identity validated it with, kept to act as the user later. */
export interface JobCredentials {
  readonly token: string;
  readonly userId: string;
  readonly projectId: string;
  readonly roles: readonly string[];
  readonly catalog: readonly CatalogService[];
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** Why a job failed, as the owning service shows it (compute: the instance action's fault). */
export interface JobFault {
  /** The step that failed, or null when the job could not start. */
  readonly step: string | null;
  readonly message: string;
  /** What failed, why and how to fix it; what was cleaned up or left behind. */
  readonly details: string;
}

export interface NewJob<P extends object = object> {
  readonly kind: string;
  readonly instanceId: string;
  readonly credentials: JobCredentials;
  readonly params: P;
}

export interface JobRecord<P extends object = object> {
  readonly id: string;
  readonly kind: string;
  readonly instanceId: string;
  readonly credentials: JobCredentials;
  readonly params: P;
  readonly state: JobState;
  readonly currentStep: string | null;
  readonly stepStartedAt: number | null;
  /** 0–100 within the current step. */
  readonly progress: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  readonly fault: JobFault | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
}

export interface RecordedStep {
  readonly name: string;
  readonly position: number;
  readonly result: unknown;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** A cross-service call as the job recorded it, with the step that made it. */
export interface RecordedCall extends CallRecord {
  readonly step: string;
}

export interface StepContext<P extends object = object> {
  readonly job: JobRecord<P>;
  readonly step: string;
  /** Aborted when the worker stops or loses the lease: the step should return promptly. */
  readonly signal: AbortSignal;
  /** What an earlier step returned (also after a resume). */
  result<T>(step: string): T | undefined;
  /** A checkpoint written by `note`, in this run or an earlier one. */
  noted<T>(key: string): T | undefined;
  /** Records a checkpoint before moving on, e.g. the id of a resource just created. */
  note(key: string, value: unknown): Promise<void>;
  /** 0–100 within this step. */
  progress(percent: number): Promise<void>;
  recordCall(call: CallRecord): Promise<void>;
  /** Waits, or rejects as soon as `signal` aborts. */
  sleep(ms: number): Promise<void>;
}

export interface JobStep<P extends object = object> {
  /** Recorded with the job; never rename a released step. */
  readonly name: string;
  /**
   * Must be safe to run again after a crash part-way: check checkpoints (or the other
   * service) before creating anything. The value returned is recorded as the step's result.
   */
  run(ctx: StepContext<P>): Promise<unknown>;
}

export interface JobDefinition<P extends object = object> {
  readonly kind: string;
  readonly steps: readonly JobStep<P>[];
  /**
   * Called once when a step throws: clean up or report what the job had created elsewhere,
   * and describe the failure. Without it the fault is the error's message.
   */
  fail?(ctx: StepContext<P>, error: unknown): Promise<Omit<JobFault, 'step'>>;
}
