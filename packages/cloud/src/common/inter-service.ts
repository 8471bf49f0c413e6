// Calling another service over HTTP through the catalog, as nova and cinder do: as the user
// (their token and catalog; with [service_user] send_service_user_token the service's own
// fresh token rides along in X-Service-Token), or as the service itself for its admin calls.
// Every call is reported to a listener, so a job can record its timeline.
import {
  errorDetail,
  ServiceTokenAuthWrapper,
  Session,
  StaticTokenAuth,
  type AuthPlugin,
  type CatalogService,
  type EndpointInterface,
  type SessionResponse,
} from '@baton/session';
import type { RequestContext } from './context.ts';

/** One cross-service call, as a job's timeline shows it. */
export interface CallRecord {
  /** The catalog type called, e.g. 'network'. */
  readonly serviceType: string;
  readonly method: string;
  /** The path under the service's endpoint, e.g. '/v2.0/ports/…'. */
  readonly path: string;
  /** 'user' for calls made as the user, 'service' for the service's own (admin) calls. */
  readonly as: 'user' | 'service';
  /** The user token was past its expiry when the call was sent (always false for 'service'). */
  readonly userTokenExpired: boolean;
  /** An X-Service-Token went with the call. */
  readonly serviceToken: boolean;
  /** The answer's status, or null when no answer came (connection failure, timeout). */
  readonly status: number | null;
  /** The callee's x-openstack-request-id, when it answered with one. */
  readonly requestId: string | null;
  readonly durationMs: number;
  /** Why the call failed, when it did (error JSON message or the transport error). */
  readonly error: string | null;
  readonly at: string;
}

export type CallListener = (call: CallRecord) => void;

/** What a job keeps of the user to call other services on their behalf later. */
export interface UserCredentials {
  readonly token: string;
  readonly expiresAt: Date;
  readonly catalog: readonly CatalogService[];
}

/**
 * A service's own identity, loaded once per process from [service_user] (ServiceConfig's
 * `serviceUser`). Every client of the service shares `auth`, so the service user logs in once
 * and its token is reused until shortly before it expires (keystoneauth's 120 s margin).
 */
export interface ServiceUser {
  /** [service_user]'s auth plugin (or its auth_section's); null when no auth_type is set. */
  readonly auth: AuthPlugin | null;
  /** [service_user] send_service_user_token: the service's token goes beside the user's. */
  readonly sendServiceToken: boolean;
}

export interface InterServiceOptions {
  readonly interface?: EndpointInterface;
  readonly regionName?: string;
  /** Per call, in ms. Default 30000. */
  readonly timeoutMs?: number;
  readonly listener?: CallListener;
  /** Sent as X-OpenStack-Request-ID so the callee can log the caller's request (global request id). */
  readonly globalRequestId?: string;
}

export interface CallInit {
  readonly method?: string;
  readonly json?: unknown;
  /** Sent as is, e.g. image data with `headers['Content-Type']`. */
  readonly body?: string | Uint8Array;
  readonly headers?: Record<string, string>;
  /** Throw InterServiceError for status >= 400. Default true. */
  readonly raiseError?: boolean;
}

/** A call that answered >= 400 or got no answer; `call` is what the listener was given. */
export class InterServiceError extends Error {
  static readonly code = 'ERR_CLOUD_INTER_SERVICE';
  readonly code = InterServiceError.code;
  constructor(
    readonly call: CallRecord,
    options?: { cause?: unknown },
  ) {
    super(
      `${call.method} ${call.serviceType} ${call.path} ${call.status === null ? 'got no answer' : `answered ${call.status}`}` +
        `${call.error === null ? '' : `: ${call.error}`}`,
      options,
    );
    this.name = 'InterServiceError';
  }
}

export class InterServiceClient {
  readonly #session: Session;
  readonly #as: 'user' | 'service';
  readonly #user: UserCredentials | null;
  readonly #sendsServiceToken: boolean;
  readonly #options: InterServiceOptions;

  private constructor(auth: AuthPlugin, as: 'user' | 'service', user: UserCredentials | null, sendsServiceToken: boolean, options: InterServiceOptions) {
    this.#session = new Session({ auth, timeout: options.timeoutMs ?? 30_000, userAgent: `baton-cloud/0.1.0 node/${process.versions.node}` });
    this.#as = as;
    this.#user = user;
    this.#sendsServiceToken = sendsServiceToken;
    this.#options = options;
  }

  /** Calls as the user (their token, never refreshed, and their catalog); the service token per [service_user]. */
  static asUser(user: UserCredentials, serviceUser: ServiceUser, options: InterServiceOptions = {}): InterServiceClient {
    const userAuth = new StaticTokenAuth({ token: user.token, catalog: user.catalog, expiresAt: user.expiresAt.getTime() / 1000 });
    const serviceAuth = serviceUser.sendServiceToken ? serviceUser.auth : null;
    const auth = serviceAuth === null ? userAuth : new ServiceTokenAuthWrapper(userAuth, serviceAuth);
    return new InterServiceClient(auth, 'user', user, serviceAuth !== null, options);
  }

  /** The caller of `context`'s request, kept for later calls. */
  static credentialsOf(context: RequestContext): UserCredentials {
    return { token: context.userToken, expiresAt: context.userTokenExpiresAt, catalog: context.catalog };
  }

  /**
   * Calls as the service itself (nova's admin client for its [neutron] calls): no user token,
   * so no X-Service-Token either. `auth` is the service's shared plugin (ServiceUser's `auth`).
   */
  static asService(auth: AuthPlugin, options: InterServiceOptions = {}): InterServiceClient {
    return new InterServiceClient(auth, 'service', null, false, options);
  }

  /** Sends one request to `serviceType`'s endpoint; reports it; throws InterServiceError on failure unless told not to. */
  async call(serviceType: string, path: string, init: CallInit = {}): Promise<SessionResponse> {
    const method = (init.method ?? 'GET').toUpperCase();
    const startedAt = new Date();
    const started = performance.now();
    const userTokenExpired = this.#user !== null && this.#user.expiresAt.getTime() <= Date.now();
    const headers: Record<string, string> = { ...init.headers };
    if (this.#options.globalRequestId !== undefined) headers['X-OpenStack-Request-ID'] = this.#options.globalRequestId;
    const record = (status: number | null, requestId: string | null, error: string | null): CallRecord => {
      const call: CallRecord = {
        serviceType,
        method,
        path,
        as: this.#as,
        userTokenExpired,
        serviceToken: this.#sendsServiceToken,
        status,
        requestId,
        durationMs: Math.round(performance.now() - started),
        error,
        at: startedAt.toISOString(),
      };
      this.#options.listener?.(call);
      return call;
    };
    let response: SessionResponse;
    try {
      response = await this.#session.request(path, {
        method,
        headers,
        ...(init.json === undefined ? {} : { json: init.json }),
        ...(init.body === undefined ? {} : { body: init.body }),
        endpointFilter: {
          serviceType,
          interface: this.#options.interface ?? 'public',
          ...(this.#options.regionName === undefined ? {} : { regionName: this.#options.regionName }),
        },
        raiseError: false,
      });
    } catch (error) {
      throw new InterServiceError(record(null, null, (error as Error).message), { cause: error });
    }
    const failed = response.status >= 400;
    const call = record(response.status, response.requestId ?? null, failed ? errorDetail(response) : null);
    if (failed && (init.raiseError ?? true)) throw new InterServiceError(call);
    return response;
  }

  /** `call`, then the JSON body. */
  async json<T>(serviceType: string, path: string, init: CallInit = {}): Promise<T> {
    const response = await this.call(serviceType, path, init);
    return (response.status === 204 || response.text() === '' ? undefined : response.json<T>()) as T;
  }
}
