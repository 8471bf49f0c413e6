// Identifier encodings in Keystone token payloads (keystone/token/token_formatters.py):
// ids that parse as UUIDs travel as 16 raw bytes, audit ids as the raw bytes behind their
// 22-character urlsafe base64 text.
import { randomBytes } from 'node:crypto';

// After Python's uuid.UUID() has removed "urn:", "uuid:", outer braces and every "-", what
// remains must be 32 characters that int(x, 16) accepts: optional surrounding whitespace,
// an optional "+" (a "-" was already removed), an optional 0x prefix, and hex digits with
// single underscores between them. Only ASCII is handled; Python also takes non-ASCII digits
// and spaces, which Keystone-generated ids never contain (such ids stay strings here).
const PY_HEX_INT = /^[ \t\n\v\f\r]*\+?(?:0[xX]_?)?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*[ \t\n\v\f\r]*$/;
const PY_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * The 16 bytes of `value` if Python's `uuid.UUID(value)` accepts it (so Keystone would pack
 * it as bytes), else undefined. Note the round trip: any accepted form comes back as 32
 * lowercase hex characters, exactly as with Keystone.
 */
export function uuidToBytes(value: string): Uint8Array | undefined {
  if (typeof value !== 'string') throw new TypeError('id must be a string');
  if (!ASCII.test(value)) return undefined;
  const hex = value.replaceAll('urn:', '').replaceAll('uuid:', '').replace(/^[{}]+|[{}]+$/g, '').replaceAll('-', '');
  if (hex.length !== 32 || !PY_HEX_INT.test(hex)) return undefined;
  const digits = hex.replace(PY_SPACE, '').replace(/^\+/, '').replace(/^0[xX]/, '').replaceAll('_', '');
  return Uint8Array.from(Buffer.from(digits.padStart(32, '0'), 'hex'));
}

/** 16 bytes as Keystone renders a stored UUID: 32 lowercase hex characters. */
export function bytesToUuidHex(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 16) throw new TypeError('a UUID is 16 bytes');
  return Buffer.from(bytes).toString('hex');
}

/** A new audit id as Keystone makes them: 16 random bytes, urlsafe base64 without padding. */
export function newAuditId(): string {
  return randomBytes(16).toString('base64url');
}

/** The bytes behind an audit id; the text must be canonical unpadded urlsafe base64. */
export function auditIdToBytes(auditId: string): Uint8Array {
  if (typeof auditId !== 'string' || !/^[A-Za-z0-9_-]*$/.test(auditId) || auditId.length % 4 === 1) {
    throw new TypeError(`audit id ${JSON.stringify(auditId)} is not unpadded urlsafe base64`);
  }
  const bytes = Buffer.from(auditId, 'base64url');
  if (bytes.toString('base64url') !== auditId) throw new TypeError(`audit id ${JSON.stringify(auditId)} is not canonical base64`);
  return Uint8Array.from(bytes);
}

/** Audit id text for stored bytes (Keystone strips the padding). */
export function auditIdFromBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
