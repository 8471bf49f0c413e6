// The framework-free decision: request headers in, verdict plus the headers to remove and set
// out. The order of checks is keystonemiddleware's (spec C.2): service token first, never with
// allow_expired; its roles decide whether the user token may be expired. Then a user token
// restricted by access rules must allow this request (validate_allowed_request).
import { checkAccessRules, type AccessRulesVerdict, type RequestTarget } from './access-rules.ts';
import type { Logger } from './cached-validator.ts';
import { toIdentity, type AuthContext, type IdentityStatus, type TokenIdentity } from './context.ts';
import { IdentityUnavailableError } from './errors.ts';
import { serviceHeaders, SPOOFABLE_HEADERS, userHeaders, type HeaderMap } from './headers.ts';
import { identityUnavailable, unauthorized, type ErrorResponse } from './responses.ts';
import type { TokenData } from './token-data.ts';
import { readToken, readUserToken, type IncomingHeaders, type TokenRead } from './token-header.ts';
import type { ValidateOptions } from './cached-validator.ts';

export interface TokenValidator {
  validate(token: string, options: ValidateOptions): Promise<TokenData | null>;
  /** What an in-process cache already knows about the token, or undefined (then `validate` must ask). */
  peek?(token: string, options: ValidateOptions): TokenData | undefined;
}

export interface AuthTokenCoreOptions {
  readonly validator: TokenValidator;
  /** WWW-Authenticate: Keystone uri="…" on every 401. */
  readonly wwwAuthenticateUri: string;
  readonly serviceTokenRoles: readonly string[];
  readonly serviceTokenRolesRequired: boolean;
  readonly delayAuthDecision: boolean;
  readonly includeServiceCatalog: boolean;
  /** [keystone_authtoken] service_type: what access rules must name; null refuses restricted tokens. */
  readonly serviceType?: string | null;
  /** Told once why restricted tokens cannot be allowed at all (no service_type, not in the catalog). */
  readonly logger?: Pick<Logger, 'warn'>;
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
  | {
      readonly kind: 'reject';
      readonly context: AuthContext;
      readonly response: ErrorResponse;
      /** Why, for the access log; never holds a token. */
      readonly reason: string;
    };

type Pass = { status: IdentityStatus; data: TokenData | null; unavailable: boolean };

const INVALID: Pass = { status: 'Invalid', data: null, unavailable: false };

const ACCESS_RULES_REFUSALS: Readonly<Record<Exclude<AccessRulesVerdict, 'allowed'>, string>> = {
  'no-service-type': 'user token restricted by access rules, and [keystone_authtoken] service_type is not set',
  'not-in-catalog': "user token restricted by access rules, and [keystone_authtoken] service_type is not in the token's catalog",
  'no-matching-rule': "user token's access rules do not allow this request",
};

/** Stands for "no token data" in the context memo's keys. */
const NO_DATA = {};

export class AuthTokenCore {
  readonly #options: AuthTokenCoreOptions;
  readonly #roles: ReadonlySet<string>;
  readonly #rejection: ErrorResponse;
  // A cached token's data object is reused for every request with that token, so what it
  // produces is built once per entry and shared (frozen): its identity, the request context
  // (keyed by the user's and the service's data and the verdict's flags), and the headers
  // that context stands for.
  readonly #identities = new WeakMap<TokenData, TokenIdentity>();
  readonly #contexts = new WeakMap<object, WeakMap<object, Map<number, AuthContext>>>();
  readonly #setHeaders = new WeakMap<AuthContext, Readonly<HeaderMap>>();
  readonly #catalogTypes = new WeakMap<TokenData, ReadonlySet<string>>();
  readonly #warned = new Set<AccessRulesVerdict>();

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

  /**
   * `target` is the request's method and path (no query string), which access rules are
   * matched against; without it a token restricted by access rules is refused.
   */
  async authenticate(headers: IncomingHeaders, overrides: DecisionOverrides = {}, target?: RequestTarget): Promise<AuthDecision> {
    const serviceRead = readToken(headers, 'x-service-token');
    const service = serviceRead.kind === 'absent' ? null : await this.#pass(serviceRead, false);
    const roleOk = this.#roleOk(service);
    const user = await this.#pass(readUserToken(headers), roleOk);
    return this.#decide(user, service, roleOk, overrides, target);
  }

  /**
   * The same decision when it needs nothing but the in-process cache (no call to identity or to
   * a shared cache), else undefined: adapters try this first, so a warm request stays synchronous.
   */
  authenticateCached(headers: IncomingHeaders, overrides: DecisionOverrides = {}, target?: RequestTarget): AuthDecision | undefined {
    const serviceRead = readToken(headers, 'x-service-token');
    let service: Pass | null = null;
    if (serviceRead.kind !== 'absent') {
      const known = this.#peek(serviceRead, false);
      if (known === undefined) return undefined;
      service = known;
    }
    const roleOk = this.#roleOk(service);
    const user = this.#peek(readUserToken(headers), roleOk);
    return user === undefined ? undefined : this.#decide(user, service, roleOk, overrides, target);
  }

  #roleOk(service: Pass | null): boolean {
    return service?.data != null && service.data.roles.some((role) => this.#roles.has(role));
  }

  #decide(validated: Pass, sent: Pass | null, roleOk: boolean, overrides: DecisionOverrides, target: RequestTarget | undefined): AuthDecision {
    const delay = overrides.delayAuthDecision ?? this.#options.delayAuthDecision;
    const rolesRequired = overrides.serviceTokenRolesRequired ?? this.#options.serviceTokenRolesRequired;
    // Without the role the token is still a valid token; whether that is enough is a setting.
    const service = sent !== null && sent.status === 'Confirmed' && rolesRequired && !roleOk ? { ...sent, status: 'Invalid' as const } : sent;
    const ruled = this.#accessRules(validated, service?.status === 'Confirmed', target);
    const user = ruled === 'allowed' || ruled === null ? validated : INVALID;
    const context = this.#context(user, service, roleOk);
    const accepted = user.status === 'Confirmed' && (service === null || service.status === 'Confirmed');
    if (!accepted && !delay) {
      const unavailable = user.unavailable || service?.unavailable === true;
      const reason = unavailable
        ? 'identity unavailable to validate tokens'
        : service !== null && service.status !== 'Confirmed'
          ? sent?.status === 'Confirmed' ? 'service token has none of service_token_roles' : 'invalid service token'
          : ruled !== null && ruled !== 'allowed' ? ACCESS_RULES_REFUSALS[ruled] : 'missing, invalid or expired user token';
      return { kind: 'reject', context, response: unavailable ? identityUnavailable() : this.#rejection, reason };
    }
    let set = this.#setHeaders.get(context);
    if (set === undefined) {
      // The context stands for exactly this user and service data and these statuses.
      const built: HeaderMap = { 'X-Identity-Status': user.status };
      if (user.status === 'Confirmed' && user.data !== null) userHeaders(built, user.data, this.#options.includeServiceCatalog);
      if (service !== null) {
        built['X-Service-Identity-Status'] = service.status;
        if (service.status === 'Confirmed' && service.data !== null) serviceHeaders(built, service.data);
      }
      this.#setHeaders.set(context, (set = Object.freeze(built)));
    }
    return { kind: 'allow', context, removeHeaders: SPOOFABLE_HEADERS, setHeaders: set };
  }

  /** The access-rules verdict on a confirmed user token, or null when no rules restrict it. */
  #accessRules(user: Pass, serviceTokenConfirmed: boolean, target: RequestTarget | undefined): AccessRulesVerdict | null {
    const data = user.status === 'Confirmed' ? user.data : null;
    if (data === null || data.accessRules === null) return null;
    const verdict = checkAccessRules({
      rules: data.accessRules,
      serviceType: this.#options.serviceType ?? null,
      catalogTypes: this.#catalogTypesOf(data),
      serviceTokenConfirmed,
      target,
    });
    // A setting, not the token, is at fault: worth one warning, not one per request.
    if ((verdict === 'no-service-type' || verdict === 'not-in-catalog') && !this.#warned.has(verdict)) {
      this.#warned.add(verdict);
      this.#options.logger?.warn(
        verdict === 'no-service-type'
          ? 'a token restricted by application-credential access rules was refused: set [keystone_authtoken] service_type to check them'
          : `a token restricted by application-credential access rules was refused: [keystone_authtoken] service_type ${this.#options.serviceType} is not a service type in its catalog` +
              (this.#options.includeServiceCatalog ? '' : ' (include_service_catalog is false, so tokens come without one)'),
      );
    }
    return verdict;
  }

  /** The service types of a token's catalog (X-Service-Catalog's v2 entries), once per cached token. */
  #catalogTypesOf(data: TokenData): ReadonlySet<string> {
    let types = this.#catalogTypes.get(data);
    if (types === undefined) {
      const entries = data.catalog === null ? [] : (JSON.parse(data.catalog) as { type?: unknown }[]);
      types = new Set(entries.map((entry) => entry.type).filter((type) => typeof type === 'string'));
      this.#catalogTypes.set(data, types);
    }
    return types;
  }

  /** One token through identity (or the cache) and the local expiry check. */
  async #pass(read: TokenRead, allowExpired: boolean): Promise<Pass> {
    if (read.kind !== 'token') return INVALID;
    try {
      return this.#verdict(await this.#options.validator.validate(read.value, { allowExpired }), allowExpired);
    } catch (error) {
      if (error instanceof IdentityUnavailableError) return { status: 'Invalid', data: null, unavailable: true };
      throw error;
    }
  }

  /** The same from the in-process cache only; undefined when it does not know the token. */
  #peek(read: TokenRead, allowExpired: boolean): Pass | undefined {
    if (read.kind !== 'token') return INVALID;
    const data = this.#options.validator.peek?.(read.value, { allowExpired });
    return data === undefined ? undefined : this.#verdict(data, allowExpired);
  }

  #verdict(data: TokenData | null, allowExpired: boolean): Pass {
    if (data === null) return INVALID;
    // Re-checked on every use, cached or not: valid up to and including expires_at.
    if (!allowExpired && data.expiresAt < this.#now()) return INVALID;
    return { status: 'Confirmed', data, unavailable: false };
  }

  #context(user: Pass, service: Pass | null, roleOk: boolean): AuthContext {
    const userData = user.status === 'Confirmed' ? user.data : null;
    const serviceData = service?.status === 'Confirmed' ? service.data : null;
    const isService = serviceData !== null && roleOk;
    const userTokenExpired = userData !== null && userData.expiresAt < this.#now();
    // Every field below is a function of these keys (plus the fixed options).
    const flags = (user.status === 'Confirmed' ? 1 : 0) | (service === null ? 0 : service.status === 'Confirmed' ? 2 : 4) | (isService ? 8 : 0) | (userTokenExpired ? 16 : 0);
    let byService = this.#contexts.get(userData ?? NO_DATA);
    if (byService === undefined) this.#contexts.set(userData ?? NO_DATA, (byService = new WeakMap()));
    let byFlags = byService.get(serviceData ?? NO_DATA);
    if (byFlags === undefined) byService.set(serviceData ?? NO_DATA, (byFlags = new Map()));
    let context = byFlags.get(flags);
    if (context === undefined) {
      const userIdentity = userData === null ? null : this.#identity(userData);
      context = Object.freeze({
        identityStatus: user.status,
        serviceIdentityStatus: service?.status ?? null,
        user: userIdentity,
        service: serviceData === null ? null : this.#identity(serviceData),
        isService,
        expiresAt: userIdentity?.expiresAt ?? null,
        userTokenExpired,
        serviceTokenRoles: this.#options.serviceTokenRoles,
      });
      byFlags.set(flags, context);
    }
    return context;
  }

  #identity(data: TokenData): TokenIdentity {
    let identity = this.#identities.get(data);
    if (identity === undefined) this.#identities.set(data, (identity = toIdentity(data)));
    return identity;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
