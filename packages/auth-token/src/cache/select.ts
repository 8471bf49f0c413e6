// Which backend memcached_servers names: unset → in-process, a redis:// URL → Redis, else
// memcached host:port entries.
import type { ValidationCacheBackend } from '../validation-cache.ts';
import { MemcachedCache, RedisCache } from './shared.ts';
import { MemoryCache } from './memory.ts';

const REDIS_URL = /^rediss?:\/\//i;

export function selectCache(servers: readonly string[] | null, timeoutSeconds: number): ValidationCacheBackend {
  if (servers === null || servers.length === 0) return new MemoryCache();
  const redis = servers.filter((server) => REDIS_URL.test(server));
  if (redis.length > 0) {
    if (servers.length !== 1) {
      throw new TypeError('memcached_servers: a Redis URL must be the only entry');
    }
    return new RedisCache(servers[0] as string, timeoutSeconds);
  }
  return new MemcachedCache(servers, timeoutSeconds);
}
