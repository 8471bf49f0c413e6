import { boolOpt, intOpt } from '../opts.ts';

/**
 * Keystone's per-area `caching`/`cache_time` pair. Baton's cache_time defaults are all unset
 * (Keystone's [identity] has 600 and [revoke] 3600), so `[cache] expiration_time` alone sets
 * how long an in-process entry can miss another node's write.
 */
export function cachingOpts(what: string, deprecatedGroup?: string) {
  const deprecated = deprecatedGroup === undefined ? {} : { deprecatedGroup };
  return {
    caching: boolOpt({
      default: true,
      ...deprecated,
      help: `Cache ${what}. Has no effect unless [cache] enabled is true.`,
    }),
    cache_time: intOpt({
      default: null,
      min: 0,
      ...deprecated,
      help:
        `Seconds ${what} stay cached; unset means [cache] expiration_time. With an in-process backend ` +
        "this is how long another node's write can go unseen here; 0 turns this cache off.",
    }),
  };
}
