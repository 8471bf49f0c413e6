// @baton/session: the sending side of the service-token system, what keystoneauth1 gives
// Python services: a Session, identity auth plugins, catalog endpoint discovery, the
// service-token wrapper and the [service_user] loader.
export { Session } from './session.ts';
export type { RequestInit, SessionLogger, SessionOptions, SessionResponse } from './session.ts';
export type { AuthPlugin } from './plugin.ts';
export { MIN_TOKEN_LIFE_SECONDS, parseKeystoneTime, willExpireSoon } from './access.ts';
export type { AccessInfo, CatalogEndpoint, CatalogService, TokenBody } from './access.ts';
export { selectEndpoint } from './catalog.ts';
export type { EndpointFilter, EndpointInterface } from './catalog.ts';
export { IdentityPlugin } from './plugins/identity-plugin.ts';
export { PasswordAuth } from './plugins/password-auth.ts';
export type { PasswordAuthOptions } from './plugins/password-auth.ts';
export { TokenAuth } from './plugins/token-auth.ts';
export type { TokenAuthOptions } from './plugins/token-auth.ts';
export { ApplicationCredentialAuth } from './plugins/application-credential-auth.ts';
export type { ApplicationCredentialAuthOptions } from './plugins/application-credential-auth.ts';
export { StaticTokenAuth } from './plugins/static-token-auth.ts';
export type { StaticTokenAuthOptions } from './plugins/static-token-auth.ts';
export { v3Url } from './plugins/v3-request.ts';
export type { ScopeOptions } from './plugins/v3-request.ts';
export { ServiceTokenAuthWrapper } from './service-token-wrapper.ts';
export { AUTH_TYPES, loadAuthFromConfig, loadServiceUser, loadServiceUserAuth, loadSessionOptions } from './load.ts';
export type { AuthSectionValues, ServiceUserConfig, ServiceUserValues } from './load.ts';
export { hashToken, redactHeaders } from './redact.ts';
export { errorDetail } from './http.ts';
export {
  AuthenticationError,
  ConnectionError,
  EndpointNotFoundError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  SessionConfigError,
  SessionError,
  TimeoutError,
  UnauthorizedError,
} from './errors.ts';
export type { CallContext, SessionErrorCode } from './errors.ts';
export * as errors from './errors.ts';
