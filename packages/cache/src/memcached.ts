// memcached through memjs (binary protocol). Operations time out quickly and are not retried:
// a slow cache must cost a request little more than doing without it.
import memjs from 'memjs';
import type { TextStore } from './store.ts';

export class MemcachedStore implements TextStore {
  readonly kind = 'memcached';
  readonly #client: memjs.Client;
  readonly #timeoutMs: number;

  /** `servers`: host:port entries, as in memcache(d)_servers. */
  constructor(servers: readonly string[], timeoutSeconds: number) {
    this.#timeoutMs = timeoutSeconds * 1000;
    this.#client = memjs.Client.create(servers.join(','), {
      retries: 0,
      timeout: timeoutSeconds,
      conntimeout: timeoutSeconds,
      failover: servers.length > 1,
      keepAlive: true,
      // memjs logs every socket error to the console; callers report cache trouble themselves.
      logger: { log: () => undefined },
    });
  }

  async get(key: string): Promise<string | undefined> {
    const { value } = await this.#bounded(this.#client.get(key));
    return value === null ? undefined : value.toString('utf8');
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.#bounded(this.#client.set(key, value, { expires: ttlSeconds }));
  }

  add(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return this.#bounded(this.#client.add(key, value, { expires: ttlSeconds }));
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
