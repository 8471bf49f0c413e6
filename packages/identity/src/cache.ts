// Identity's cache: Keystone's [cache] and each area's caching/cache_time. Cached values
// always live in this process (a lookup is a map read); what the backend decides is how a
// write is noticed. Every write through storage moves a local counter, so this process
// drops what it cached at once. With memcached or Redis the write also renews a shared
// region key (as Keystone's region invalidation does) that every lookup reads first, so
// other nodes drop theirs at their next lookup. With the in-process backend another node's
// write is seen when the entry expires (cache_time, else [cache] expiration_time).
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { MemcachedStore, RedisStore, type TextStore } from '@baton/cache';
import type { Storage } from './storage/types.ts';

/** One area's [group] caching and cache_time. */
export interface AreaCaching {
  readonly caching: boolean;
  readonly cache_time: number | null;
}

/** The [cache] options identity reads. */
export interface CacheOptions {
  readonly enabled: boolean;
  readonly backend: string;
  readonly expiration_time: number;
  readonly backend_argument: readonly string[];
  readonly memcache_servers: readonly string[];
  readonly memcache_socket_timeout: number;
}

export type CacheBackendKind = 'memory' | 'memcached' | 'redis' | 'null';

const BACKEND_KINDS: Readonly<Record<string, CacheBackendKind>> = {
  'oslo_cache.dict': 'memory',
  'dogpile.cache.memory': 'memory',
  'dogpile.cache.memory_pickle': 'memory',
  'oslo_cache.memcache_pool': 'memcached',
  'dogpile.cache.memcached': 'memcached',
  'dogpile.cache.pymemcache': 'memcached',
  'dogpile.cache.bmemcached': 'memcached',
  'dogpile.cache.pylibmc': 'memcached',
  'dogpile.cache.redis': 'redis',
  'dogpile.cache.null': 'null',
};

/** The region key every node reads; a new random value means "everything cached before is stale". */
const REGION_KEY = 'baton/identity/v1/region';

/** What `backend_argument` names each shared backend reads (dogpile's argument names). */
const ARGUMENTS: Readonly<Record<'memcached' | 'redis', readonly string[]>> = {
  memcached: ['url'],
  redis: ['url', 'host', 'port', 'db', 'password'],
};

function backendKind(options: CacheOptions): CacheBackendKind {
  if (!options.enabled) return 'null';
  const kind = BACKEND_KINDS[options.backend];
  if (kind === undefined) throw new TypeError(`[cache] backend ${options.backend} is not supported by Baton`);
  return kind;
}

function backendArguments(options: CacheOptions, kind: 'memcached' | 'redis'): Map<string, string> {
  const found = new Map<string, string>();
  for (const argument of options.backend_argument) {
    const colon = argument.indexOf(':');
    const name = colon < 0 ? argument : argument.slice(0, colon);
    if (colon < 0 || !ARGUMENTS[kind].includes(name)) {
      throw new TypeError(
        `[cache] backend_argument: ${JSON.stringify(name)} is not an argument Baton reads for ${options.backend} ` +
          `(expected <name>:<value> with name one of ${ARGUMENTS[kind].join(', ')})`,
      );
    }
    found.set(name, argument.slice(colon + 1));
  }
  return found;
}

/** dogpile.cache.redis's arguments as one URL: `url` as given, else host, port, db and password. */
function redisUrl(args: Map<string, string>): string {
  const url = args.get('url');
  if (url !== undefined) return url;
  const password = args.get('password');
  const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
  return `redis://${auth}${args.get('host') ?? 'localhost'}:${args.get('port') ?? '6379'}/${args.get('db') ?? '0'}`;
}

function openStore(options: CacheOptions, kind: CacheBackendKind): TextStore | null {
  if (kind !== 'memcached' && kind !== 'redis') return null;
  const args = backendArguments(options, kind);
  const timeout = options.memcache_socket_timeout;
  if (kind === 'redis') return new RedisStore(redisUrl(args), timeout);
  const servers = args.get('url')?.split(',') ?? options.memcache_servers;
  return new MemcachedStore(servers, timeout);
}

/**
 * The version cached entries are checked against: this process's write counter, and with a
 * shared backend the region key's value. Concurrent lookups share one read of the key.
 */
class Invalidation {
  readonly #store: TextStore | null;
  readonly #warn: (message: string) => void;
  #local = 0;
  #reading: Promise<string | null> | undefined;
  #failing = false;

  constructor(store: TextStore | null, warn: (message: string) => void) {
    this.#store = store;
    this.#warn = warn;
  }

  /** A number with no shared backend; else a promise of the version, or null when the server did not answer. */
  current(): number | Promise<string | null> {
    if (this.#store === null) return this.#local;
    const local = this.#local;
    this.#reading ??= this.#readRegion().finally(() => (this.#reading = undefined));
    return this.#reading.then((region) => (region === null ? null : `${local}/${region}`));
  }

  /** After a write: this process at once; with a shared backend every node, once the key is renewed. */
  async bump(): Promise<void> {
    this.#local++;
    if (this.#store === null) return;
    try {
      await this.#store.set(REGION_KEY, newRegionId(), 0);
      this.#recovered();
    } catch (error) {
      this.#failed(error);
    }
  }

  async #readRegion(): Promise<string | null> {
    const store = this.#store as TextStore;
    try {
      let region = await store.get(REGION_KEY);
      // Missing (first start, or evicted): a fresh value, so nothing cached before counts.
      if (region === undefined) {
        const fresh = newRegionId();
        region = (await store.add(REGION_KEY, fresh, 0)) ? fresh : await store.get(REGION_KEY);
      }
      this.#recovered();
      return region ?? null;
    } catch (error) {
      this.#failed(error);
      return null;
    }
  }

  #failed(error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    const why = error instanceof Error ? error.message : String(error);
    this.#warn(`the ${this.#store?.kind} cache does not answer (${why}); identity reads the database until it does`);
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#warn(`the ${this.#store?.kind} cache answers again`);
  }
}

function newRegionId(): string {
  return randomBytes(10).toString('base64url');
}

/**
 * Values computed from identity's data, reused while the version they were made at is
 * current and for at most `ttlMs` (0: never reused). Concurrent misses share one computation.
 */
export class CacheRegion<V> {
  readonly #invalidation: Invalidation;
  readonly #ttlMs: number;
  readonly #entries: LRUCache<string, { value: Promise<V>; version: number | string; at: number }>;

  constructor(invalidation: Invalidation, options: { ttlMs: number; max: number }) {
    this.#invalidation = invalidation;
    this.#ttlMs = options.ttlMs;
    this.#entries = new LRUCache({ max: options.max });
  }

  get(key: string, compute: () => Promise<V>): Promise<V> {
    if (this.#ttlMs === 0) return compute();
    const version = this.#invalidation.current();
    // The in-process case stays synchronous up to the lookup: it is every validation's path.
    if (typeof version === 'number') return this.#lookup(key, version, compute);
    return version.then((shared) => (shared === null ? compute() : this.#lookup(key, shared, compute)));
  }

  #lookup(key: string, version: number | string, compute: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.version === version && now - hit.at < this.#ttlMs) return hit.value;
    const value = compute();
    this.#entries.set(key, { value, version, at: now });
    value.catch(() => this.#entries.delete(key));
    return value;
  }
}

/** The areas that cache, by their Keystone option group. */
export type CachedArea = 'token' | 'role' | 'catalog' | 'identity' | 'resource' | 'revoke' | 'federation' | 'credential';

export class IdentityCache {
  readonly kind: CacheBackendKind;
  readonly #options: CacheOptions;
  readonly #areas: Readonly<Record<CachedArea, AreaCaching>>;
  readonly #store: TextStore | null;
  readonly #invalidation: Invalidation;

  constructor(
    options: CacheOptions,
    areas: Readonly<Record<CachedArea, AreaCaching>>,
    warn: (message: string) => void,
  ) {
    this.kind = backendKind(options);
    this.#options = options;
    this.#areas = areas;
    this.#store = openStore(options, this.kind);
    this.#invalidation = new Invalidation(this.#store, warn);
  }

  /** Milliseconds an area's entries live: 0 when caching is off for it. */
  ttlMs(area: CachedArea): number {
    const { caching, cache_time } = this.#areas[area];
    if (this.kind === 'null' || !caching) return 0;
    // Revocation events are never stale: cached only where another node's revoke reaches us at once.
    if (area === 'revoke' && this.kind === 'memory') return 0;
    return (cache_time ?? this.#options.expiration_time) * 1000;
  }

  region<V>(area: CachedArea, max: number): CacheRegion<V> {
    return new CacheRegion<V>(this.#invalidation, { ttlMs: this.ttlMs(area), max });
  }

  /** Storage whose every write (any driver method that is not a read) invalidates the cache. */
  observe(storage: Storage): Storage {
    const bump = (): Promise<void> => this.#invalidation.bump();
    return {
      dialect: storage.dialect,
      resource: observeDriver(storage.resource, bump),
      identity: observeDriver(storage.identity, bump),
      assignment: observeDriver(storage.assignment, bump),
      catalog: observeDriver(storage.catalog, bump),
      applicationCredential: observeDriver(storage.applicationCredential, bump),
      revoke: observeDriver(storage.revoke, bump),
      unifiedLimit: observeDriver(storage.unifiedLimit, bump),
      policy: observeDriver(storage.policy, bump),
      federation: observeDriver(storage.federation, bump),
      credential: observeDriver(storage.credential, bump),
      oauth1: observeDriver(storage.oauth1, bump),
      endpointFilter: observeDriver(storage.endpointFilter, bump),
      endpointPolicy: observeDriver(storage.endpointPolicy, bump),
      trust: observeDriver(storage.trust, bump),
      domainConfig: observeDriver(storage.domainConfig, bump),
      accessRule: observeDriver(storage.accessRule, bump),
      migrate: () => storage.migrate(),
      close: () => storage.close(),
    };
  }

  close(): Promise<void> {
    return this.#store?.close() ?? Promise.resolve();
  }
}

const READ_PREFIXES = ['get', 'list', 'is'];

type Method = (...args: unknown[]) => Promise<unknown>;

function observeDriver<T extends object>(driver: T, onWrite: () => Promise<void>): T {
  // One wrapper per method, not one per call: reads run on every token validation.
  const wrappers = new Map<string, { method: Method; wrapper: Method }>();
  const wrap = (property: string, method: Method): Method => {
    if (READ_PREFIXES.some((prefix) => property.startsWith(prefix))) return method.bind(driver);
    // The write answers only once other nodes can see it (the shared key is renewed).
    return async (...args: unknown[]) => {
      try {
        return await method.apply(driver, args);
      } finally {
        await onWrite();
      }
    };
  };
  return new Proxy(driver, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let entry = wrappers.get(property);
      if (entry?.method !== value) {
        entry = { method: value as Method, wrapper: wrap(property, value as Method) };
        wrappers.set(property, entry);
      }
      return entry.wrapper;
    },
  });
}
