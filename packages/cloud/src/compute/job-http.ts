// How a job step calls other services: as the user (their kept token, with compute's service
// token when [service_user] says so) or as compute itself for its admin calls (no service
// token: the nova spec), each call recorded in the job's timeline before the step goes on.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthSectionValues, ServiceUserConfig } from '@baton/session';
import { InterServiceClient, type CallInit, type CallRecord } from '../common/inter-service.ts';
import type { StepContext } from '../jobs/index.ts';

type Recorder = (call: CallRecord) => void;

/** One per compute service: the admin client keeps its own token between jobs. */
export class JobHttpFactory {
  readonly #serviceUser: ServiceUserConfig;
  readonly #recorder = new AsyncLocalStorage<Recorder>();
  readonly #admin: InterServiceClient | null;

  constructor(serviceUser: ServiceUserConfig) {
    this.#serviceUser = serviceUser;
    const values = serviceUser.service_user as AuthSectionValues;
    this.#admin =
      typeof values.auth_type === 'string' && values.auth_type !== ''
        ? InterServiceClient.asService(values, 'service_user', { listener: (call) => this.#recorder.getStore()?.(call) })
        : null;
  }

  for<P extends object>(ctx: StepContext<P>): JobHttp {
    const pending: Promise<void>[] = [];
    const record: Recorder = (call) => void pending.push(ctx.recordCall(call));
    const { credentials } = ctx.job;
    const user = InterServiceClient.asUser(
      { token: credentials.token, expiresAt: new Date(credentials.expiresAt), catalog: credentials.catalog },
      { serviceUser: this.#serviceUser, listener: record },
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
