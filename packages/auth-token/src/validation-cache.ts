// Validation cache backends (memory, memcached, Redis) share this small interface, and the
// key and lifetime rules live here once.
import { createHash } from 'node:crypto';
import { accessRulesOf, type TokenData } from './token-data.ts';

export type CacheKind = 'memory' | 'memcached' | 'redis';

export interface ValidationCacheBackend {
  readonly kind: CacheKind;
  /** Throws CacheUnavailableError when the server does not answer. */
  get(key: string): Promise<TokenData | undefined>;
  /** In-process backends only: the entry, answered synchronously (the per-request fast path). */
  peek?(key: string): TokenData | undefined;
  set(key: string, value: TokenData, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_KEY_PREFIX = 'baton/authtoken/v1/';

/**
 * A token is never a key in clear text (sha256), and the two validation modes never share an
 * entry: identity answered a different question for each.
 */
export function cacheKey(prefix: string, token: string, allowExpired: boolean): string {
  return `${prefix}${allowExpired ? 'expired-ok' : 'strict'}/${tokenDigest(token)}`;
}

// A busy service sees the same few tokens again and again: their digests are remembered
// (least recently used out first) instead of hashed on every request. The tokens it holds are
// the ones the process is handling anyway.
const DIGEST_MEMO_SIZE = 1024;
const digests = new Map<string, string>();

function tokenDigest(token: string): string {
  let digest = digests.get(token);
  if (digest !== undefined) {
    digests.delete(token);
  } else {
    digest = createHash('sha256').update(token).digest('hex');
    if (digests.size >= DIGEST_MEMO_SIZE) digests.delete(digests.keys().next().value as string);
  }
  digests.set(token, digest);
  return digest;
}

/**
 * Whole seconds an entry may live: token_cache_time, capped so that it dies with the token
 * (strict) or with the token's allow_expired window. 0 means do not cache.
 */
export function entryLifetime(
  data: TokenData,
  allowExpired: boolean,
  cacheTime: number,
  allowExpiredWindow: number,
  now: number,
): number {
  const end = data.expiresAt + (allowExpired ? allowExpiredWindow * 1000 : 0);
  return Math.max(0, Math.min(cacheTime, Math.floor((end - now) / 1000)));
}

export function encodeEntry(data: TokenData): string {
  return JSON.stringify(data);
}

// A shared cache answers the same few entries over and over: the same text decodes to the same
// (frozen) object, so it is parsed once and the core's per-entry header memo applies to it too.
const DECODED_MEMO_SIZE = 256;
const decoded = new Map<string, TokenData>();

/** A stored entry, or undefined if it is not one of ours (another writer, older format). */
export function decodeEntry(text: string): TokenData | undefined {
  let data = decoded.get(text);
  if (data !== undefined) {
    decoded.delete(text);
  } else {
    data = parseEntry(text);
    if (data === undefined) return undefined;
    if (decoded.size >= DECODED_MEMO_SIZE) decoded.delete(decoded.keys().next().value as string);
  }
  decoded.set(text, data);
  return data;
}

function parseEntry(text: string): TokenData | undefined {
  try {
    const value = JSON.parse(text) as Partial<TokenData> | null;
    if (value === null || typeof value.userId !== 'string' || typeof value.expiresAt !== 'number' || !Array.isArray(value.roles)) {
      return undefined;
    }
    // An entry without the field predates access rules: asking identity again is the safe answer.
    if (value.accessRules !== null && !Array.isArray(value.accessRules)) return undefined;
    Object.freeze(value.roles);
    const accessRules = accessRulesOf(value.accessRules);
    if (accessRules !== null) Object.freeze(accessRules).forEach((rule) => Object.freeze(rule));
    return Object.freeze({ ...value, accessRules }) as TokenData;
  } catch {
    return undefined;
  }
}
