// Public surface of @baton/auth-token: keystonemiddleware's auth_token for Node services.
// A framework-free core, node:http/connect and Fastify adapters, the validation cache,
// the service-only check, and the [keystone_authtoken] wiring.

export * as errors from './errors.ts';
export {
  AuthTokenError,
  CacheUnavailableError,
  IdentityUnavailableError,
  ServiceTokenRequiredError,
} from './errors.ts';
export type { AuthTokenErrorCode } from './errors.ts';

export { AuthTokenCore } from './core.ts';
export type { AuthDecision, AuthTokenCoreOptions, DecisionOverrides, TokenValidator } from './core.ts';
export type { AuthContext, IdentityStatus, TokenIdentity } from './context.ts';
export type { TokenData } from './token-data.ts';
export type { AccessRule, RequestTarget } from './access-rules.ts';
export { parseTokenBody } from './token-data.ts';
export { SPOOFABLE_HEADERS } from './headers.ts';
export { MAX_TOKEN_LENGTH } from './token-header.ts';
export type { IncomingHeaders } from './token-header.ts';
export type { ErrorResponse } from './responses.ts';

export { CachedValidator } from './cached-validator.ts';
export type { CachedValidatorOptions, Logger, ValidateFn, ValidateOptions } from './cached-validator.ts';
export { identityValidator } from './identity-validator.ts';
export type { IdentitySession, IdentityValidatorOptions } from './identity-validator.ts';
export { MemoryCache } from './cache/memory.ts';
export { MemcachedCache, RedisCache } from './cache/shared.ts';
export { selectCache } from './cache/select.ts';
export { cacheKey, DEFAULT_KEY_PREFIX } from './validation-cache.ts';
export type { CacheKind, ValidationCacheBackend } from './validation-cache.ts';

export { isServiceRequest, requireServiceToken, serviceTokenRequiredResponse } from './service-only.ts';
export { authContextOf, authTokenMiddleware, serviceOnly, withAuthToken } from './node-http.ts';
export type { ConnectMiddleware, NextFunction, RequestHandler } from './node-http.ts';
export { installAuthToken, requireServiceTokenHook } from './fastify.ts';

export { createAuthToken, DEFAULT_TIMEOUT_SECONDS } from './create.ts';
export type { AuthToken, CreateAuthTokenOptions, KeystoneAuthtokenConfig } from './create.ts';
export { loadAuthTokenConfig } from './load.ts';
export type { LoadedAuthTokenConfig } from './load.ts';
