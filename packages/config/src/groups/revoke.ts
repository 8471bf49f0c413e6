import { defineGroup } from '../group.ts';
import { cachingOpts } from './caching.ts';
import { intOpt } from '../opts.ts';

export const revokeGroup = defineGroup('revoke', {
  help: 'Token revocation events.',
  options: {
    expiration_buffer: intOpt({
      default: 1800,
      min: 0,
      help: 'Seconds a revocation event is kept after the tokens it matches have expired, before it may be purged.',
    }),
    ...cachingOpts('revocation events'),
  },
});
