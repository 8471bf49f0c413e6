// Validation through the cache: one identity call per token and mode however many requests
// ask at once, and a cache server that fails costs a log line, not the request.
import { CacheUnavailableError } from './errors.ts';
import type { TokenData } from './token-data.ts';
import { cacheKey, entryLifetime, DEFAULT_KEY_PREFIX, type ValidationCacheBackend } from './validation-cache.ts';

export interface ValidateOptions {
  readonly allowExpired: boolean;
}

/**
 * Asks identity about one token. Resolves with the token's data, or null when identity says
 * the token is not valid; rejects with IdentityUnavailableError when there is no answer.
 */
export type ValidateFn = (token: string, options: ValidateOptions) => Promise<TokenData | null>;

export interface Logger {
  warn(message: string): void;
  info(message: string): void;
}

export interface CachedValidatorOptions {
  readonly validate: ValidateFn;
  /** null: no caching (token_cache_time = -1). */
  readonly cache: ValidationCacheBackend | null;
  readonly cacheTime: number;
  readonly allowExpiredWindow: number;
  readonly keyPrefix?: string;
  readonly logger: Logger;
  readonly now?: () => number;
}

export class CachedValidator {
  readonly #options: CachedValidatorOptions;
  readonly #prefix: string;
  readonly #inFlight = new Map<string, Promise<TokenData | null>>();
  #cacheDown = false;

  constructor(options: CachedValidatorOptions) {
    this.#options = options;
    this.#prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  /** An in-process cache's entry for the token, without waiting: the per-request fast path. */
  peek(token: string, options: ValidateOptions): TokenData | undefined {
    return this.#options.cache?.peek?.(cacheKey(this.#prefix, token, options.allowExpired));
  }

  validate(token: string, options: ValidateOptions): Promise<TokenData | null> {
    const key = cacheKey(this.#prefix, token, options.allowExpired);
    // An in-process hit needs no in-flight bookkeeping.
    const hit = this.#options.cache?.peek?.(key);
    if (hit !== undefined) return Promise.resolve(hit);
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const work = this.#lookup(key, token, options).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, work);
    return work;
  }

  async close(): Promise<void> {
    await this.#options.cache?.close();
  }

  async #lookup(key: string, token: string, options: ValidateOptions): Promise<TokenData | null> {
    const { cache } = this.#options;
    if (cache !== null) {
      const hit = await this.#guard(() => cache.get(key));
      if (hit !== undefined) return hit;
    }
    const data = await this.#options.validate(token, options);
    if (data !== null && cache !== null) {
      const now = (this.#options.now ?? Date.now)();
      const ttl = entryLifetime(data, options.allowExpired, this.#options.cacheTime, this.#options.allowExpiredWindow, now);
      if (ttl > 0) await this.#guard(() => cache.set(key, data, ttl));
    }
    return data;
  }

  async #guard<T>(operation: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await operation();
      if (this.#cacheDown) {
        this.#cacheDown = false;
        this.#options.logger.info('token validation cache is back');
      }
      return result;
    } catch (error) {
      if (!(error instanceof CacheUnavailableError)) throw error;
      if (!this.#cacheDown) {
        this.#cacheDown = true;
        this.#options.logger.warn(`token validation cache unavailable, asking identity instead: ${error.message}`);
      }
      return undefined;
    }
  }
}
