// The small interface every shared cache server offers Baton: text values under text keys,
// with a lifetime. auth-token's validation cache and identity's [cache] both use it.

export type StoreKind = 'memcached' | 'redis';

export interface TextStore {
  readonly kind: StoreKind;
  /** Rejects when the server does not answer within the store's timeout. */
  get(key: string): Promise<string | undefined>;
  /** `ttlSeconds` 0 keeps the value until the server evicts it. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Stores `value` only if `key` holds nothing; true if it did. */
  add(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}
