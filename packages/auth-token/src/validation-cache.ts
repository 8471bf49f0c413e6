// Validation cache backends (memory, memcached, Redis) share this small interface, and the
// key and lifetime rules live here once.
import { createHash } from 'node:crypto';
import type { TokenData } from './token-data.ts';

export type CacheKind = 'memory' | 'memcached' | 'redis';

export interface ValidationCacheBackend {
  readonly kind: CacheKind;
  /** Throws CacheUnavailableError when the server does not answer. */
  get(key: string): Promise<TokenData | undefined>;
  set(key: string, value: TokenData, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_KEY_PREFIX = 'baton/authtoken/v1/';

/**
 * A token is never a key in clear text (sha256), and the two validation modes never share an
 * entry: identity answered a different question for each.
 */
export function cacheKey(prefix: string, token: string, allowExpired: boolean): string {
  return `${prefix}${allowExpired ? 'expired-ok' : 'strict'}/${createHash('sha256').update(token).digest('hex')}`;
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

/** A stored entry, or undefined if it is not one of ours (another writer, older format). */
export function decodeEntry(text: string): TokenData | undefined {
  try {
    const value = JSON.parse(text) as Partial<TokenData> | null;
    if (value === null || typeof value.userId !== 'string' || typeof value.expiresAt !== 'number' || !Array.isArray(value.roles)) {
      return undefined;
    }
    return value as TokenData;
  } catch {
    return undefined;
  }
}
