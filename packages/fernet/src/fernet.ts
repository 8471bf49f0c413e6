// The Fernet token format (https://github.com/fernet/spec/blob/master/Spec.md), byte for
// byte as Python's `cryptography.fernet` writes it:
//   0x80 | timestamp (u64 BE, seconds) | IV (16) | AES-128-CBC/PKCS7 ciphertext | HMAC-SHA256 (32)
// Key: 32 bytes; the first 16 sign, the last 16 encrypt.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase64Url, encodeBase64Url } from './base64url.ts';
import { FernetInvalidKeyError, FernetInvalidTokenError } from './errors.ts';

const VERSION = 0x80;
const HEADER_LENGTH = 1 + 8 + 16;
const MAC_LENGTH = 32;
const BLOCK = 16;
// version, timestamp, IV, at least one cipher block, MAC
const MIN_TOKEN_LENGTH = HEADER_LENGTH + BLOCK + MAC_LENGTH;

export interface FernetEncryptOptions {
  /** Seconds since the epoch to stamp into the token; defaults to the current second. */
  timestamp?: number;
  /** 16-byte IV; random unless given (fixed IVs are for test vectors only). */
  iv?: Uint8Array;
}

export interface FernetDecrypted {
  plaintext: Buffer;
  /** The token's timestamp, seconds since the epoch. */
  timestamp: number;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.byteLength !== 32) {
    throw new TypeError('Fernet key must be a Uint8Array of 32 bytes');
  }
}

/** Encrypt `plaintext` under one 32-byte key; returns urlsafe base64 with padding. */
export function fernetEncrypt(key: Uint8Array, plaintext: Uint8Array, opts: FernetEncryptOptions = {}): string {
  checkKey(key);
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array');
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError('timestamp must be a non-negative integer number of seconds');
  }
  const iv = opts.iv ?? randomBytes(16);
  if (!(iv instanceof Uint8Array) || iv.byteLength !== 16) throw new TypeError('iv must be a Uint8Array of 16 bytes');

  const cipher = createCipheriv('aes-128-cbc', key.subarray(16, 32), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const header = Buffer.alloc(HEADER_LENGTH);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(timestamp), 1);
  header.set(iv, 9);
  const signed = Buffer.concat([header, ciphertext]);
  const mac = createHmac('sha256', key.subarray(0, 16)).update(signed).digest();
  return encodeBase64Url(Buffer.concat([signed, mac]));
}

/** A token split into its parts, before any key has been tried. */
interface ParsedToken {
  signed: Buffer;
  mac: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  timestamp: number;
}

function parseToken(token: string): ParsedToken {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  const data = decodeBase64Url(token);
  if (data === undefined) throw new FernetInvalidTokenError('token is not canonical urlsafe base64');
  if (data.length === 0 || data[0] !== VERSION) throw new FernetInvalidTokenError('unknown version byte');
  if (data.length < MIN_TOKEN_LENGTH || (data.length - HEADER_LENGTH - MAC_LENGTH) % BLOCK !== 0) {
    throw new FernetInvalidTokenError('token has an impossible length');
  }
  const macStart = data.length - MAC_LENGTH;
  return {
    signed: data.subarray(0, macStart),
    mac: data.subarray(macStart),
    iv: data.subarray(9, HEADER_LENGTH),
    ciphertext: data.subarray(HEADER_LENGTH, macStart),
    timestamp: Number(data.readBigUInt64BE(1)),
  };
}

/** Verify and decrypt with one key; a string says why this key did not open the token. */
function openWith(key: Uint8Array, parts: ParsedToken): Buffer | string {
  const expected = createHmac('sha256', key.subarray(0, 16)).update(parts.signed).digest();
  // The MAC is checked before anything is decrypted (encrypt-then-MAC).
  if (!timingSafeEqual(expected, parts.mac)) return 'no key matched the token MAC';
  const decipher = createDecipheriv('aes-128-cbc', key.subarray(16, 32), parts.iv);
  try {
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch (error) {
    // Only reachable with a correct MAC, i.e. a token the key holder built with bad padding.
    return `bad padding: ${(error as Error).message}`;
  }
}

/**
 * Several keys: the first encrypts, all decrypt, tried in order (as cryptography's
 * MultiFernet). Keystone passes its keys primary first, staged key 0 last.
 */
export class MultiFernet {
  readonly #keys: readonly Uint8Array[];

  constructor(keys: Uint8Array[]) {
    if (!Array.isArray(keys) || keys.length === 0) throw new TypeError('MultiFernet needs at least one key');
    keys.forEach(checkKey);
    this.#keys = keys.map((key) => Uint8Array.from(key));
  }

  encrypt(plaintext: Uint8Array, opts?: FernetEncryptOptions): string {
    return fernetEncrypt(this.#keys[0] as Uint8Array, plaintext, opts);
  }

  /** Throws FernetInvalidTokenError (one fixed message) for any failure. */
  decrypt(token: string): FernetDecrypted {
    const parts = parseToken(token);
    let reason = '';
    for (const key of this.#keys) {
      const opened = openWith(key, parts);
      if (typeof opened !== 'string') return { plaintext: opened, timestamp: parts.timestamp };
      // A padding failure under a matching MAC says more than a later key's MAC mismatch.
      if (reason === '' || opened.startsWith('bad padding')) reason = opened;
    }
    throw new FernetInvalidTokenError(reason);
  }
}

/** A new random key as stored in a key repository: 44 chars of urlsafe base64 with padding. */
export function generateFernetKey(): string {
  return encodeBase64Url(randomBytes(32));
}

/** A key's text as a key file holds it (the inverse of decodeFernetKey). */
export function encodeFernetKey(key: Uint8Array): string {
  checkKey(key);
  return encodeBase64Url(key);
}

/** Decode key text (surrounding whitespace allowed, as in a key file) to its 32 bytes. */
export function decodeFernetKey(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('Fernet key text must be a string');
  const bytes = decodeBase64Url(text.trim());
  if (bytes === undefined || bytes.length !== 32) throw new FernetInvalidKeyError();
  return new Uint8Array(bytes);
}
