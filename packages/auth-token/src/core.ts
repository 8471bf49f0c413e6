// The framework-free decision: request headers in, verdict plus the headers to remove and set
// out. The order of checks is keystonemiddleware's (spec C.2): service token first, never with
// allow_expired; its roles decide whether the user token may be expired.
import { toIdentity, type AuthContext, type IdentityStatus } from './context.ts';
import { IdentityUnavailableError } from './errors.ts';
import { serviceHeaders, SPOOFABLE_HEADERS, userHeaders, type HeaderMap } from './headers.ts';
import { identityUnavailable, unauthorized, type ErrorResponse } from './responses.ts';
import type { TokenData } from './token-data.ts';
import { readToken, readUserToken, type IncomingHeaders, type TokenRead } from './token-header.ts';
import type { ValidateOptions } from './cached-validator.ts';

export interface TokenValidator {
  validate(token: string, options: ValidateOptions): Promise<TokenData | null>;
}

export interface AuthTokenCoreOptions {
  readonly validator: TokenValidator;
  /** WWW-Authenticate: Keystone uri="…" on every 401. */
  readonly wwwAuthenticateUri: string;
  readonly serviceTokenRoles: readonly string[];
  readonly serviceTokenRolesRequired: boolean;
  readonly delayAuthDecision: boolean;
  readonly includeServiceCatalog: boolean;
  readonly now?: () => number;
}

/** Per-route overrides of the two settings a route may reasonably change. */
export interface DecisionOverrides {
  readonly delayAuthDecision?: boolean;
  readonly serviceTokenRolesRequired?: boolean;
}

export type AuthDecision =
  | {
      readonly kind: 'allow';
      readonly context: AuthContext;
      /** Lower-cased names to delete from the request before `setHeaders` are added. */
      readonly removeHeaders: readonly string[];
      readonly setHeaders: Readonly<HeaderMap>;
    }
  | { readonly kind: 'reject'; readonly context: AuthContext; readonly response: ErrorResponse };

type Pass = { status: IdentityStatus; data: TokenData | null; unavailable: boolean };

const INVALID: Pass = { status: 'Invalid', data: null, unavailable: false };

export class AuthTokenCore {
  readonly #options: AuthTokenCoreOptions;
  readonly #roles: ReadonlySet<string>;
  readonly #rejection: ErrorResponse;
  // A cached token's data object is reused for every request with that token, so the headers it
  // produces are built once per entry (frozen: they are copied into each request's map).
  readonly #userHeaders = new WeakMap<TokenData, Readonly<HeaderMap>>();
  readonly #serviceHeaders = new WeakMap<TokenData, Readonly<HeaderMap>>();

  constructor(options: AuthTokenCoreOptions) {
    if (typeof options.validator?.validate !== 'function') throw new TypeError('AuthTokenCore: validator.validate is required');
    if (typeof options.wwwAuthenticateUri !== 'string' || options.wwwAuthenticateUri === '') {
      throw new TypeError('AuthTokenCore: wwwAuthenticateUri is required');
    }
    this.#options = options;
    this.#roles = new Set(options.serviceTokenRoles);
    this.#rejection = unauthorized(options.wwwAuthenticateUri);
  }

  /** The 401 this middleware answers with; adapters reuse it for downstream 401s' header. */
  get wwwAuthenticateUri(): string {
    return this.#options.wwwAuthenticateUri;
  }

  async authenticate(headers: IncomingHeaders, overrides: DecisionOverrides = {}): Promise<AuthDecision> {
    const delay = overrides.delayAuthDecision ?? this.#options.delayAuthDecision;
    const rolesRequired = overrides.serviceTokenRolesRequired ?? this.#options.serviceTokenRolesRequired;
    const serviceRead = readToken(headers, 'x-service-token');
    const serviceSent = serviceRead.kind !== 'absent';

    let service: Pass = INVALID;
    let roleOk = false;
    if (serviceSent) {
      service = await this.#pass(serviceRead, false);
      roleOk = service.data !== null && service.data.roles.some((role) => this.#roles.has(role));
      // Without the role the token is still a valid token; whether that is enough is a setting.
      if (service.status === 'Confirmed' && rolesRequired && !roleOk) service = { ...service, status: 'Invalid' };
    }
    const user = await this.#pass(readUserToken(headers), roleOk);

    const context = this.#context(user, serviceSent ? service : null, roleOk);
    const accepted = user.status === 'Confirmed' && (!serviceSent || service.status === 'Confirmed');
    if (!accepted && !delay) {
      const unavailable = user.unavailable || service.unavailable;
      return { kind: 'reject', context, response: unavailable ? identityUnavailable() : this.#rejection };
    }
    const set: HeaderMap = { 'X-Identity-Status': user.status };
    if (user.status === 'Confirmed' && user.data !== null) Object.assign(set, this.#headersOf(user.data, 'user'));
    if (serviceSent) {
      set['X-Service-Identity-Status'] = service.status;
      if (service.status === 'Confirmed' && service.data !== null) Object.assign(set, this.#headersOf(service.data, 'service'));
    }
    return { kind: 'allow', context, removeHeaders: SPOOFABLE_HEADERS, setHeaders: set };
  }

  #headersOf(data: TokenData, role: 'user' | 'service'): Readonly<HeaderMap> {
    const memo = role === 'user' ? this.#userHeaders : this.#serviceHeaders;
    let headers = memo.get(data);
    if (headers === undefined) {
      const built: HeaderMap = {};
      if (role === 'user') userHeaders(built, data, this.#options.includeServiceCatalog);
      else serviceHeaders(built, data);
      headers = Object.freeze(built);
      memo.set(data, headers);
    }
    return headers;
  }

  /** One token through identity (or the cache) and the local expiry check. */
  async #pass(read: TokenRead, allowExpired: boolean): Promise<Pass> {
    if (read.kind !== 'token') return INVALID;
    let data: TokenData | null;
    try {
      data = await this.#options.validator.validate(read.value, { allowExpired });
    } catch (error) {
      if (error instanceof IdentityUnavailableError) return { status: 'Invalid', data: null, unavailable: true };
      throw error;
    }
    if (data === null) return INVALID;
    // Re-checked on every use, cached or not: valid up to and including expires_at.
    if (!allowExpired && data.expiresAt < this.#now()) return INVALID;
    return { status: 'Confirmed', data, unavailable: false };
  }

  #context(user: Pass, service: Pass | null, roleOk: boolean): AuthContext {
    const userData = user.status === 'Confirmed' ? user.data : null;
    const serviceData = service?.status === 'Confirmed' ? service.data : null;
    return Object.freeze({
      identityStatus: user.status,
      serviceIdentityStatus: service?.status ?? null,
      user: userData === null ? null : toIdentity(userData),
      service: serviceData === null ? null : toIdentity(serviceData),
      isService: serviceData !== null && roleOk,
      expiresAt: userData === null ? null : new Date(userData.expiresAt),
      userTokenExpired: userData !== null && userData.expiresAt < this.#now(),
      serviceTokenRoles: this.#options.serviceTokenRoles,
    });
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
