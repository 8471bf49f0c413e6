// Payload <-> token id, as Keystone's TokenFormatter: msgpack the versioned payload, seal it
// with the primary Fernet key, strip the base64 padding. issued_at is not in the payload; it
// is the Fernet timestamp (second precision).
import { decode } from '@msgpack/msgpack';
import { FernetInvalidTokenError, MultiFernet } from '@baton/fernet';
import { TokenInvalidError, TokenPayloadUnsupportedError } from './errors.ts';
import { encodeMsgpack } from './msgpack-encode.ts';
import { methodsToBitmask } from './methods.ts';
import { decodePayload, encodePayload, type CodecConfig } from './payload-codec.ts';
import type { TokenPayload } from './payload.ts';

export interface TokenFormatterOptions {
  /** Current keys, primary first (FernetKeyRepository.loadKeys); asked on every call. */
  keys: () => Uint8Array[];
  /** `[auth] methods`, in configured order: it defines the method bits. */
  authMethods: string[];
  /** `[identity] default_domain_id`: the one non-UUID domain id a token can carry. */
  defaultDomainId: string;
}

export interface CreatedToken {
  tokenId: string;
  /** Epoch seconds stamped into the token (whole seconds). */
  issuedAt: number;
}

export interface ParsedToken {
  payload: TokenPayload;
  /** Epoch seconds, from the Fernet timestamp. */
  issuedAt: number;
}

export class TokenFormatter {
  readonly #keys: () => Uint8Array[];
  readonly #config: CodecConfig;
  #fernet: { keys: Uint8Array[]; fernet: MultiFernet } | undefined;

  constructor(opts: TokenFormatterOptions) {
    if (typeof opts?.keys !== 'function') throw new TypeError('keys must be a function returning the current keys');
    if (typeof opts.defaultDomainId !== 'string' || opts.defaultDomainId === '') {
      throw new TypeError('defaultDomainId must be a non-empty string');
    }
    methodsToBitmask([], opts.authMethods); // validates the list now rather than on first use
    this.#keys = opts.keys;
    this.#config = Object.freeze({ authMethods: Object.freeze([...opts.authMethods]), defaultDomainId: opts.defaultDomainId });
  }

  /** Seal a payload. `now` (epoch seconds) sets the Fernet timestamp; `iv` is for test vectors. */
  create(payload: TokenPayload, opts: { now?: number; iv?: Uint8Array } = {}): CreatedToken {
    const plaintext = encodeMsgpack(encodePayload(payload, this.#config));
    const issuedAt = Math.floor(opts.now ?? Date.now() / 1000);
    const token = this.#multiFernet().encrypt(plaintext, opts.iv === undefined ? { timestamp: issuedAt } : { timestamp: issuedAt, iv: opts.iv });
    // Keystone emits tokens without padding ('=' is not URL-safe).
    return { tokenId: token.replace(/=+$/, ''), issuedAt };
  }

  /**
   * Open a token id. Throws TokenInvalidError (fixed message) for anything unreadable and
   * TokenPayloadUnsupportedError for a genuine token of a payload version Baton does not read.
   * Expiry is not checked here: that is the caller's policy (see isWithinWindow).
   */
  parse(tokenId: string): ParsedToken {
    if (typeof tokenId !== 'string') throw new TypeError('tokenId must be a string');
    let opened;
    try {
      // Unpadded input is accepted as is, which is what restoring the padding achieves.
      opened = this.#multiFernet().decrypt(tokenId.trim());
    } catch (error) {
      if (error instanceof FernetInvalidTokenError) throw new TokenInvalidError({ cause: error });
      throw error;
    }
    let payload;
    try {
      payload = decodePayload(decode(opened.plaintext), this.#config);
    } catch (cause) {
      // Not msgpack, or not a payload's shape (MalformedPayload). Only a key holder can make
      // such a token, so this is a broken issuer rather than a forgery; it is unreadable all the same.
      throw new TokenInvalidError({ cause });
    }
    if ('unsupportedVersion' in payload) throw new TokenPayloadUnsupportedError(payload.unsupportedVersion);
    return { payload, issuedAt: opened.timestamp };
  }

  /** One MultiFernet per distinct key list: loadKeys() hands back the same key objects until a change. */
  #multiFernet(): MultiFernet {
    const keys = this.#keys();
    if (!Array.isArray(keys) || keys.length === 0) throw new TypeError('keys() returned no keys');
    const cached = this.#fernet;
    if (cached !== undefined && cached.keys.length === keys.length && cached.keys.every((k, i) => k === keys[i])) {
      return cached.fernet;
    }
    const fernet = new MultiFernet(keys);
    this.#fernet = { keys: [...keys], fernet };
    return fernet;
  }
}
