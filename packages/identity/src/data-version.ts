// A counter of local writes. Memoised views of the data (validated tokens, the catalog)
// remember the version they were built at and are dropped when it moves.
import { LRUCache } from 'lru-cache';
import type { Storage } from './storage/types.ts';

export class DataVersion {
  #value = 0;

  get value(): number {
    return this.#value;
  }

  bump(): void {
    this.#value++;
  }
}

/**
 * Values computed from the data, reused while no local write happened and for at most
 * `ttlMs` (other nodes' writes are not seen locally). Concurrent misses share one
 * computation.
 */
export class VersionedMemo<V> {
  readonly #version: DataVersion;
  readonly #ttlMs: number;
  readonly #entries: LRUCache<string, { value: Promise<V>; version: number; at: number }>;

  constructor(version: DataVersion, options: { ttlMs: number; max: number }) {
    this.#version = version;
    this.#ttlMs = options.ttlMs;
    this.#entries = new LRUCache({ max: options.max });
  }

  get(key: string, compute: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const version = this.#version.value;
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.version === version && now - hit.at < this.#ttlMs) return hit.value;
    const value = compute();
    this.#entries.set(key, { value, version, at: now });
    value.catch(() => this.#entries.delete(key));
    return value;
  }
}

const READ_PREFIXES = ['get', 'list', 'is'];

type Method = (...args: unknown[]) => Promise<unknown>;

function observeDriver<T extends object>(driver: T, onWrite: () => void): T {
  // One wrapper per method, not one per call: reads run on every token validation.
  const wrappers = new Map<string, { method: Method; wrapper: Method }>();
  const wrap = (property: string, method: Method): Method => {
    if (READ_PREFIXES.some((prefix) => property.startsWith(prefix))) return method.bind(driver);
    return async (...args: unknown[]) => {
      try {
        return await method.apply(driver, args);
      } finally {
        onWrite();
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

/** The same storage, with every driver method that is not a read bumping `version`. */
export function observeWrites(storage: Storage, version: DataVersion): Storage {
  const bump = () => version.bump();
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
    migrate: () => storage.migrate(),
    close: () => storage.close(),
  };
}
