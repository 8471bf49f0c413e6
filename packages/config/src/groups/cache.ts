import { defineGroup } from '../group.ts';
import { boolOpt, intOpt, listOpt, strOpt } from '../opts.ts';

export const cacheGroup = defineGroup('cache', {
  help:
    "Keystone's shared cache (oslo.cache). Not supported by Baton: setting any of these options is " +
    'reported at start-up, and `baton identity serve --strict` refuses to start. Baton memoises ' +
    'validations per process for a few seconds instead (docs/identity.md).',
  options: {
    enabled: boolOpt({
      default: false,
      help: 'Not supported by Baton (reported at start-up). In Keystone, the master switch for caching.',
    }),
    backend: strOpt({
      default: 'dogpile.cache.null',
      help: 'Not supported by Baton (reported at start-up). In Keystone, the cache backend by its oslo.cache name.',
    }),
    memcache_servers: listOpt({
      default: ['localhost:11211'],
      help: 'Not supported by Baton (reported at start-up). In Keystone, the memcached servers as host:port.',
    }),
    expiration_time: intOpt({
      default: 600,
      help: 'Not supported by Baton (reported at start-up). In Keystone, the lifetime of a cached item.',
    }),
  },
});
