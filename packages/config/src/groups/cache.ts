import { defineGroup } from '../group.ts';
import { boolOpt, intOpt, listOpt, strOpt } from '../opts.ts';

export const cacheGroup = defineGroup('cache', {
  help: 'The shared cache (the options of oslo.cache).',
  options: {
    enabled: boolOpt({
      default: false,
      help: 'Master switch for caching: while it is false, [token] caching does nothing either.',
    }),
    backend: strOpt({
      default: 'dogpile.cache.null',
      help: 'Cache backend, by its oslo.cache name. The default, dogpile.cache.null, stores nothing.',
    }),
    memcache_servers: listOpt({
      default: ['localhost:11211'],
      help: 'Memcached servers, as host:port, for the memcached backends.',
    }),
    expiration_time: intOpt({
      default: 600,
      help: 'Lifetime in seconds of a cached item whose own option sets none.',
    }),
  },
});
