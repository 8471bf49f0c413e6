// Errors of @baton/auth-token. Each has a stable `code`; the adapters turn them into the
// OpenStack error JSON (503 for an unreachable identity, 403 for a missing service token).

export type AuthTokenErrorCode =
  | 'ERR_AUTH_TOKEN_IDENTITY_UNAVAILABLE'
  | 'ERR_AUTH_TOKEN_SERVICE_TOKEN_REQUIRED'
  | 'ERR_AUTH_TOKEN_CACHE_UNAVAILABLE';

export abstract class AuthTokenError extends Error {
  abstract readonly code: AuthTokenErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/**
 * Identity could not give an answer about a token: unreachable, too slow, or it refused the
 * middleware's own credentials. Not a verdict on the token, so it is never cached.
 */
export class IdentityUnavailableError extends AuthTokenError {
  static readonly code = 'ERR_AUTH_TOKEN_IDENTITY_UNAVAILABLE';
  readonly code = IdentityUnavailableError.code;
}

/** A service-only API was called without a valid service token holding a service role. */
export class ServiceTokenRequiredError extends AuthTokenError {
  static readonly code = 'ERR_AUTH_TOKEN_SERVICE_TOKEN_REQUIRED';
  readonly code = ServiceTokenRequiredError.code;
  readonly roles: readonly string[];

  constructor(roles: readonly string[]) {
    super(
      'This API is only available to services: send an X-Service-Token whose roles include ' +
        `${roles.length === 1 ? '' : 'one of '}${roles.join(', ')}.`,
    );
    this.roles = roles;
  }
}

/** The shared cache server did not answer; callers fall back to asking identity. */
export class CacheUnavailableError extends AuthTokenError {
  static readonly code = 'ERR_AUTH_TOKEN_CACHE_UNAVAILABLE';
  readonly code = CacheUnavailableError.code;
}
