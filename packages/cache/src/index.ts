// @baton/cache: the shared cache servers Baton talks to (memcached through memjs, Redis
// through ioredis) behind one text get/set/add interface. auth-token's validation cache and
// identity's [cache] both use it, so there is one client setup for each server kind.
export type { StoreKind, TextStore } from './store.ts';
export { MemcachedStore } from './memcached.ts';
export { RedisStore } from './redis.ts';
