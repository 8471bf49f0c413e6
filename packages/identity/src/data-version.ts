// A counter of local writes. Memoised views of the data (validated tokens, the catalog)
// remember the version they were built at and are dropped when it moves.
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

const READ_PREFIXES = ['get', 'list', 'is'];

function observeDriver<T extends object>(driver: T, onWrite: () => void): T {
  return new Proxy(driver, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const read = READ_PREFIXES.some((prefix) => property.startsWith(prefix));
      if (read) return value.bind(target);
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          onWrite();
        }
      };
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
    migrate: () => storage.migrate(),
    close: () => storage.close(),
  };
}
