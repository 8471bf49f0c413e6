import { defineGroup } from '../group.ts';
import { boolOpt, floatOpt, intOpt, listOpt, multiStrOpt, strOpt } from '../opts.ts';

/** The backends Baton implements, by their oslo.cache names (the others are refused at load). */
export const CACHE_BACKENDS = [
  'oslo_cache.dict',
  'dogpile.cache.memory',
  'dogpile.cache.memory_pickle',
  'oslo_cache.memcache_pool',
  'dogpile.cache.memcached',
  'dogpile.cache.pymemcache',
  'dogpile.cache.bmemcached',
  'dogpile.cache.pylibmc',
  'dogpile.cache.redis',
  'dogpile.cache.null',
] as const;

export const cacheGroup = defineGroup('cache', {
  help:
    "Identity's cache (oslo.cache's options). Validated tokens, effective roles, the catalog, users, " +
    'projects and domains are cached in the identity process; any write on the same process drops ' +
    'them at once. With memcached or Redis every write also renews a shared region key, so the other ' +
    'nodes drop theirs at their next request. See docs/identity.md for what can be stale for how long.',
  options: {
    enabled: boolOpt({
      default: true,
      help:
        'Master switch for caching. Baton defaults to true with the in-process backend (Keystone: false), ' +
        'so token validation stays a memory lookup; false makes every validation read the database.',
    }),
    backend: strOpt({
      default: 'oslo_cache.dict',
      choices: CACHE_BACKENDS,
      help:
        'oslo_cache.dict, dogpile.cache.memory(_pickle): in-process. oslo_cache.memcache_pool, ' +
        'dogpile.cache.memcached/pymemcache/bmemcached/pylibmc: memcached at memcache_servers. ' +
        'dogpile.cache.redis: Redis named by backend_argument (url:redis://host:port/db). ' +
        'dogpile.cache.null: no caching.',
    }),
    expiration_time: intOpt({
      default: 5,
      min: 0,
      help:
        "Seconds a cached item lives when its group sets no cache_time. Baton's default is 5 (Keystone's " +
        "600): with the in-process backend it bounds how long another node's write goes unseen.",
    }),
    backend_argument: multiStrOpt({
      default: [],
      secret: true,
      help:
        'Backend arguments as <name>:<value>, one per line. dogpile.cache.redis reads url, or host, port, ' +
        'db and password; the memcached backends read url (host:port[,host:port]) in place of ' +
        'memcache_servers. Any other name is refused at start-up.',
    }),
    memcache_servers: listOpt({
      default: ['localhost:11211'],
      help: 'memcached servers as host:port, for the memcached backends.',
    }),
    memcache_socket_timeout: floatOpt({
      default: 1.0,
      help: 'Seconds to wait for memcached or Redis; a server that does not answer is done without.',
    }),
    tls_enabled: boolOpt({
      default: false,
      help:
        'Not supported by Baton (reported at start-up; --strict refuses it): memcached is spoken to ' +
        'without TLS. For Redis over TLS give a rediss:// url in backend_argument.',
    }),
  },
});
