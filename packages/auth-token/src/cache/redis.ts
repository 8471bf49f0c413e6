// Redis through ioredis. Commands fail at once while disconnected (no offline queue) and
// ioredis keeps reconnecting in the background, so the cache comes back by itself.
import { Redis } from 'ioredis';
import { CacheUnavailableError } from '../errors.ts';
import type { TokenData } from '../token-data.ts';
import { decodeEntry, encodeEntry, type ValidationCacheBackend } from '../validation-cache.ts';

export class RedisCache implements ValidationCacheBackend {
  readonly kind = 'redis';
  readonly #client: Redis;
  readonly #timeoutMs: number;

  /** `url`: redis://[user:password@]host:port[/db] or rediss://… */
  constructor(url: string, timeoutSeconds: number) {
    this.#timeoutMs = timeoutSeconds * 1000;
    this.#client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutSeconds * 1000,
      connectTimeout: timeoutSeconds * 1000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // Without a listener ioredis reports connection errors as unhandled; the validator logs
    // the failed commands instead.
    this.#client.on('error', () => undefined);
  }

  async get(key: string): Promise<TokenData | undefined> {
    try {
      await this.#firstConnection();
      const text = await this.#client.get(key);
      return text === null ? undefined : decodeEntry(text);
    } catch (error) {
      throw new CacheUnavailableError(`redis get failed: ${describe(error)}`, { cause: error });
    }
  }

  async set(key: string, value: TokenData, ttlSeconds: number): Promise<void> {
    try {
      await this.#firstConnection();
      await this.#client.set(key, encodeEntry(value), 'EX', ttlSeconds);
    } catch (error) {
      throw new CacheUnavailableError(`redis set failed: ${describe(error)}`, { cause: error });
    }
  }

  // Before the first connection is up, wait for it (bounded); once ioredis is reconnecting
  // after a loss, fail at once so requests go to identity without waiting.
  async #firstConnection(): Promise<void> {
    const status = this.#client.status;
    if (status !== 'wait' && status !== 'connecting' && status !== 'connect') return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => this.#client.once('ready', () => resolve())),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`not connected within ${this.#timeoutMs} ms`)), this.#timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.#client.disconnect();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
