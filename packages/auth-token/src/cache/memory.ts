// The default cache: per process, bounded, like keystonemiddleware's in-process fallback but
// with an LRU bound so a flood of distinct tokens cannot grow it without limit.
import { LRUCache } from 'lru-cache';
import type { TokenData } from '../token-data.ts';
import type { ValidationCacheBackend } from '../validation-cache.ts';

export class MemoryCache implements ValidationCacheBackend {
  readonly kind = 'memory';
  readonly #entries: LRUCache<string, TokenData>;

  constructor(maxEntries = 10_000) {
    this.#entries = new LRUCache({ max: maxEntries, ttlAutopurge: false });
  }

  get(key: string): Promise<TokenData | undefined> {
    return Promise.resolve(this.#entries.get(key));
  }

  peek(key: string): TokenData | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: TokenData, ttlSeconds: number): Promise<void> {
    this.#entries.set(key, value, { ttl: ttlSeconds * 1000 });
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#entries.clear();
    return Promise.resolve();
  }
}
