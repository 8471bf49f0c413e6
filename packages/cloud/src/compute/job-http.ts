// How a job step calls other services: as the user (their kept token, with compute's service
// token when [service_user] says so) or as compute itself for its admin calls (no service
// token: the nova spec), each call recorded in the job's timeline before the step goes on.
import { AsyncLocalStorage } from 'node:async_hooks';
import { InterServiceClient, type CallInit, type CallRecord, type ServiceUser } from '../common/inter-service.ts';
import type { StepContext } from '../jobs/index.ts';

type Recorder = (call: CallRecord) => void;

/**
 * One per compute service, holding its one [service_user] plugin: the admin calls and the
 * service tokens of every job share its token, so compute logs in once, not per step.
 */
export class JobHttpFactory {
  readonly #serviceUser: ServiceUser;
  readonly #recorder = new AsyncLocalStorage<Recorder>();
  readonly #admin: InterServiceClient | null;

  constructor(serviceUser: ServiceUser) {
    this.#serviceUser = serviceUser;
    this.#admin =
      serviceUser.auth === null ? null : InterServiceClient.asService(serviceUser.auth, { listener: (call) => this.#recorder.getStore()?.(call) });
  }

  for<P extends object>(ctx: StepContext<P>): JobHttp {
    const pending: Promise<void>[] = [];
    const record: Recorder = (call) => void pending.push(ctx.recordCall(call));
    const { credentials } = ctx.job;
    const user = InterServiceClient.asUser(
      { token: credentials.token, expiresAt: new Date(credentials.expiresAt), catalog: credentials.catalog },
      this.#serviceUser,
      { listener: record },
    );
    return new JobHttp(user, this.#admin, record, this.#recorder, pending);
  }
}

export class JobHttp {
  constructor(
    private readonly user: InterServiceClient,
    private readonly admin: InterServiceClient | null,
    private readonly record: Recorder,
    private readonly recorder: AsyncLocalStorage<Recorder>,
    private readonly pending: Promise<void>[],
  ) {}

  /** A call as the user; the JSON answer. */
  async asUser<T>(serviceType: string, path: string, init: CallInit = {}): Promise<T> {
    try {
      return await this.user.json<T>(serviceType, path, init);
    } finally {
      await this.#flush();
    }
  }

  /** Compute's own (admin) call; as the user when no [service_user] credentials are configured. */
  async asService<T>(serviceType: string, path: string, init: CallInit = {}): Promise<T> {
    if (this.admin === null) return this.asUser<T>(serviceType, path, init);
    const admin = this.admin;
    try {
      return await this.recorder.run(this.record, () => admin.json<T>(serviceType, path, init));
    } finally {
      await this.#flush();
    }
  }

  async #flush(): Promise<void> {
    await Promise.all(this.pending.splice(0));
  }
}
