// Payload <-> msgpack array, field by field as Keystone's payload classes lay them out
// (spec B.3). Encoding takes a trusted payload (mistakes are TypeErrors); decoding takes
// whatever decrypted and reports any shape mismatch as a MalformedPayload.
import { auditIdFromBytes, auditIdToBytes, bytesToUuidHex, uuidToBytes } from './ids.ts';
import { bitmaskToMethods, methodsToBitmask } from './methods.ts';
import { Float64, type MsgpackValue } from './msgpack-encode.ts';
import { PAYLOAD_VERSIONS, type TokenPayload, type TokenPayloadKind } from './payload.ts';

export interface CodecConfig {
  authMethods: readonly string[];
  defaultDomainId: string;
}

/** A decrypted payload that does not have its version's shape (becomes TokenInvalidError). */
export class MalformedPayload extends Error {}

// ---- field encoders -------------------------------------------------------------------

/** [is_uuid, bytes | str]: user, project and application credential ids. */
function packId(id: string, field: string): MsgpackValue {
  if (typeof id !== 'string') throw new TypeError(`${field} must be a string`);
  const bytes = uuidToBytes(id);
  return bytes === undefined ? [false, id] : [true, bytes];
}

function packUuid(id: string, field: string): Uint8Array {
  const bytes = typeof id === 'string' ? uuidToBytes(id) : undefined;
  if (bytes === undefined) throw new TypeError(`${field} must be a UUID`);
  return bytes;
}

/** Bare bytes for a UUID; otherwise only the default domain id may travel, as a string. */
function packDomainId(id: string, config: CodecConfig): MsgpackValue {
  const bytes = typeof id === 'string' ? uuidToBytes(id) : undefined;
  if (bytes !== undefined) return bytes;
  if (id === config.defaultDomainId) return id;
  throw new TypeError('domainId must be a UUID or the default domain id');
}

function packCommon(p: TokenPayload, config: CodecConfig): { user: MsgpackValue; methods: number; expires: Float64; audit: MsgpackValue } {
  if (!Array.isArray(p.methods)) throw new TypeError('methods must be an array');
  if (!Number.isFinite(p.expiresAt)) throw new TypeError('expiresAt must be a finite number of seconds');
  if (!Array.isArray(p.auditIds)) throw new TypeError('auditIds must be an array');
  return {
    user: packId(p.userId, 'userId'),
    methods: methodsToBitmask(p.methods, config.authMethods),
    expires: new Float64(p.expiresAt),
    audit: p.auditIds.map(auditIdToBytes),
  };
}

/** The msgpack array Keystone would build: version first, then the version's fields. */
export function encodePayload(p: TokenPayload, config: CodecConfig): MsgpackValue[] {
  const version = PAYLOAD_VERSIONS[p.kind as TokenPayloadKind];
  if (version === undefined) throw new TypeError(`unknown payload kind ${JSON.stringify(p.kind)}`);
  const c = packCommon(p, config);
  switch (p.kind) {
    case 'unscoped':
      return [version, c.user, c.methods, c.expires, c.audit];
    case 'domain':
      return [version, c.user, c.methods, packDomainId(p.domainId, config), c.expires, c.audit];
    case 'project':
      return [version, c.user, c.methods, packId(p.projectId, 'projectId'), c.expires, c.audit];
    case 'trust':
      return [version, c.user, c.methods, packId(p.projectId, 'projectId'), c.expires, c.audit, packUuid(p.trustId, 'trustId')];
    case 'system':
      if (p.system !== 'all') throw new TypeError("system must be 'all'");
      return [version, c.user, c.methods, p.system, c.expires, c.audit];
    case 'oauth1':
      return [version, c.user, c.methods, packId(p.projectId, 'projectId'), packId(p.accessTokenId, 'accessTokenId'), c.expires, c.audit];
    case 'application_credential':
      return [
        version, c.user, c.methods, packId(p.projectId, 'projectId'), c.expires, c.audit,
        packId(p.applicationCredentialId, 'applicationCredentialId'),
      ];
  }
}

// ---- field decoders -------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  // Payloads from msgpack < 1.0 carry strings as raw bytes (Keystone retries with raw=True).
  if (value instanceof Uint8Array) {
    try {
      return utf8.decode(value);
    } catch {
      throw new MalformedPayload(`${field} is not UTF-8`);
    }
  }
  throw new MalformedPayload(`${field} is not a string`);
}

function uuidHex(value: unknown, field: string): string {
  if (value instanceof Uint8Array && value.length === 16) return bytesToUuidHex(value);
  throw new MalformedPayload(`${field} is not 16 bytes`);
}

function unpackId(value: unknown, field: string): string {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'boolean') {
    throw new MalformedPayload(`${field} is not an [is_uuid, value] pair`);
  }
  return value[0] ? uuidHex(value[1], field) : text(value[1], field);
}

function unpackDomainId(value: unknown, config: CodecConfig): string {
  if (value instanceof Uint8Array && value.length === 16) return bytesToUuidHex(value);
  const id = text(value, 'domain id');
  if (id !== config.defaultDomainId) throw new MalformedPayload('domain id is neither a UUID nor the default domain id');
  return id;
}

function unpackCommon(fields: readonly unknown[], at: { methods: number; expires: number; audit: number }, config: CodecConfig) {
  const mask = fields[at.methods];
  if (typeof mask !== 'number' || !Number.isSafeInteger(mask) || mask < 0) throw new MalformedPayload('methods is not a bitmask');
  const expires = fields[at.expires];
  if (typeof expires !== 'number' || !Number.isFinite(expires)) throw new MalformedPayload('expires_at is not a number');
  const audit = fields[at.audit];
  if (!Array.isArray(audit) || !audit.every((a) => a instanceof Uint8Array)) throw new MalformedPayload('audit ids are not bytes');
  return {
    userId: unpackId(fields[1], 'user id'),
    methods: bitmaskToMethods(mask, config.authMethods),
    expiresAt: expires,
    auditIds: (audit as Uint8Array[]).map(auditIdFromBytes),
  };
}

const LENGTHS: Record<number, number> = { 0: 5, 1: 6, 2: 6, 3: 7, 7: 7, 8: 6, 9: 7 };

/**
 * A decoded msgpack value to a payload. Returns the version number instead when it is not
 * one Baton reads, so the caller can report it.
 */
export function decodePayload(value: unknown, config: CodecConfig): TokenPayload | { unsupportedVersion: unknown } {
  if (!Array.isArray(value) || value.length === 0) throw new MalformedPayload('payload is not a non-empty array');
  const version: unknown = value[0];
  const length = typeof version === 'number' ? LENGTHS[version] : undefined;
  if (length === undefined) return { unsupportedVersion: version };
  if (value.length !== length) throw new MalformedPayload(`payload version ${version} has ${value.length - 1} fields`);
  const at5 = { methods: 2, expires: 4, audit: 5 };
  const at4 = { methods: 2, expires: 3, audit: 4 };
  switch (version) {
    case 0:
      return { kind: 'unscoped', ...unpackCommon(value, at4, config) };
    case 1:
      return { kind: 'domain', ...unpackCommon(value, at5, config), domainId: unpackDomainId(value[3], config) };
    case 2:
      return { kind: 'project', ...unpackCommon(value, at5, config), projectId: unpackId(value[3], 'project id') };
    case 3:
      return {
        kind: 'trust', ...unpackCommon(value, at5, config), projectId: unpackId(value[3], 'project id'),
        trustId: uuidHex(value[6], 'trust id'),
      };
    case 7:
      return {
        kind: 'oauth1', ...unpackCommon(value, { methods: 2, expires: 5, audit: 6 }, config), projectId: unpackId(value[3], 'project id'),
        accessTokenId: unpackId(value[4], 'access token id'),
      };
    case 8: {
      const system = text(value[3], 'system');
      if (system !== 'all') throw new MalformedPayload(`system scope ${JSON.stringify(system)} is not 'all'`);
      return { kind: 'system', ...unpackCommon(value, at5, config), system };
    }
    default:
      return {
        kind: 'application_credential', ...unpackCommon(value, at5, config), projectId: unpackId(value[3], 'project id'),
        applicationCredentialId: unpackId(value[6], 'application credential id'),
      };
  }
}
