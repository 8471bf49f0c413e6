// @baton/tokens: Keystone's Fernet token format (payloads, formatter, time rules).
export { TokenFormatter } from './token-formatter.ts';
export type { TokenFormatterOptions, CreatedToken, ParsedToken } from './token-formatter.ts';
export { PAYLOAD_VERSIONS } from './payload.ts';
export type {
  TokenPayload, TokenPayloadKind, UnscopedPayload, DomainScopedPayload, ProjectScopedPayload, TrustScopedPayload,
  SystemScopedPayload, ApplicationCredentialPayload, OAuth1ScopedPayload,
} from './payload.ts';
export { methodsToBitmask, bitmaskToMethods } from './methods.ts';
export { newAuditId, uuidToBytes, bytesToUuidHex } from './ids.ts';
export { formatKeystoneTime, isWithinWindow } from './time.ts';
export { encodeMsgpack, Float64 } from './msgpack-encode.ts';
export type { MsgpackValue } from './msgpack-encode.ts';
export { TokenError, TokenInvalidError, TokenPayloadUnsupportedError } from './errors.ts';
export type { TokenErrorCode } from './errors.ts';
export * as errors from './errors.ts';
