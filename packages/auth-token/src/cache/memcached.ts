// memcached through memjs (binary protocol). Operations time out quickly and are not retried:
// a slow cache must cost a request little more than asking identity would.
import memjs from 'memjs';
import { CacheUnavailableError } from '../errors.ts';
import type { TokenData } from '../token-data.ts';
import { decodeEntry, encodeEntry, type ValidationCacheBackend } from '../validation-cache.ts';

export class MemcachedCache implements ValidationCacheBackend {
  readonly kind = 'memcached';
  readonly #client: memjs.Client;
  readonly #timeoutMs: number;

  /** `servers`: host:port entries, as in memcached_servers. */
  constructor(servers: readonly string[], timeoutSeconds: number) {
    this.#timeoutMs = timeoutSeconds * 1000;
    this.#client = memjs.Client.create(servers.join(','), {
      retries: 0,
      timeout: timeoutSeconds,
      conntimeout: timeoutSeconds,
      failover: servers.length > 1,
      keepAlive: true,
      // memjs logs every socket error to the console; the validator logs cache trouble once.
      logger: { log: () => undefined },
    });
  }

  async get(key: string): Promise<TokenData | undefined> {
    try {
      const { value } = await this.#bounded(this.#client.get(key));
      return value === null ? undefined : decodeEntry(value.toString('utf8'));
    } catch (error) {
      throw new CacheUnavailableError(`memcached get failed: ${describe(error)}`, { cause: error });
    }
  }

  async set(key: string, value: TokenData, ttlSeconds: number): Promise<void> {
    try {
      await this.#bounded(this.#client.set(key, encodeEntry(value), { expires: ttlSeconds }));
    } catch (error) {
      throw new CacheUnavailableError(`memcached set failed: ${describe(error)}`, { cause: error });
    }
  }

  // memjs loses a request whose socket the server closed and never settles it, so every
  // operation gets its own deadline.
  #bounded<T>(operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
  }

  close(): Promise<void> {
    this.#client.close();
    return Promise.resolve();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
