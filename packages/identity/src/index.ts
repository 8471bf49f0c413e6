// @baton/identity: a Keystone-compatible Identity API v3 service.
export { IdentityService } from './service.ts';
export type { IdentityConfig } from './service.ts';
export { createIdentityApp, REDACTED_HEADERS } from './api/app.ts';
export type { IdentityAppOptions } from './api/app.ts';
export { bootstrap } from './bootstrap.ts';
export type { BootstrapOptions, BootstrapResult } from './bootstrap.ts';
export type { ValidatedToken, TokenScope } from './token/token-provider.ts';
export { createStorage } from './storage/index.ts';
export { CREDENTIAL_MAX_ACTIVE_KEYS } from './credential/credential-crypto.ts';
export type * from './storage/types.ts';
export {
  IdentityError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  GoneError,
  UnexpectedError,
} from './errors.ts';
export type { IdentityErrorCode } from './errors.ts';
export * as errors from './errors.ts';
