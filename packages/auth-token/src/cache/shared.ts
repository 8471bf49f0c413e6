// The shared validation caches: entries encoded as text in memcached or Redis, through
// @baton/cache's clients. A server that does not answer is a CacheUnavailableError, which the
// validator logs once and answers by asking identity.
import { MemcachedStore, RedisStore, type TextStore } from '@baton/cache';
import { CacheUnavailableError } from '../errors.ts';
import type { TokenData } from '../token-data.ts';
import { decodeEntry, encodeEntry, type CacheKind, type ValidationCacheBackend } from '../validation-cache.ts';

class SharedCache implements ValidationCacheBackend {
  readonly kind: CacheKind;
  readonly #store: TextStore;

  constructor(store: TextStore) {
    this.kind = store.kind;
    this.#store = store;
  }

  async get(key: string): Promise<TokenData | undefined> {
    try {
      const text = await this.#store.get(key);
      return text === undefined ? undefined : decodeEntry(text);
    } catch (error) {
      throw new CacheUnavailableError(`${this.kind} get failed: ${describe(error)}`, { cause: error });
    }
  }

  async set(key: string, value: TokenData, ttlSeconds: number): Promise<void> {
    try {
      await this.#store.set(key, encodeEntry(value), ttlSeconds);
    } catch (error) {
      throw new CacheUnavailableError(`${this.kind} set failed: ${describe(error)}`, { cause: error });
    }
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

export class MemcachedCache extends SharedCache {
  /** `servers`: host:port entries, as in memcached_servers. */
  constructor(servers: readonly string[], timeoutSeconds: number) {
    super(new MemcachedStore(servers, timeoutSeconds));
  }
}

export class RedisCache extends SharedCache {
  /** `url`: redis://[user:password@]host:port[/db] or rediss://… */
  constructor(url: string, timeoutSeconds: number) {
    super(new RedisStore(url, timeoutSeconds));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
