// Redis through ioredis. Commands fail at once while disconnected (no offline queue) and
// ioredis keeps reconnecting in the background, so the cache comes back by itself.
import { Redis } from 'ioredis';
import type { TextStore } from './store.ts';

export class RedisStore implements TextStore {
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
    // Without a listener ioredis reports connection errors as unhandled; callers see the
    // failed commands instead.
    this.#client.on('error', () => undefined);
  }

  async get(key: string): Promise<string | undefined> {
    await this.#firstConnection();
    return (await this.#client.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.#firstConnection();
    if (ttlSeconds > 0) await this.#client.set(key, value, 'EX', ttlSeconds);
    else await this.#client.set(key, value);
  }

  async add(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    await this.#firstConnection();
    const reply = ttlSeconds > 0 ? await this.#client.set(key, value, 'EX', ttlSeconds, 'NX') : await this.#client.set(key, value, 'NX');
    return reply === 'OK';
  }

  // Before the first connection is up, wait for it (bounded); once ioredis is reconnecting
  // after a loss, fail at once so callers do without the cache instead of waiting.
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
