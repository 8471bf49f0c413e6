import { defineGroup } from '../group.ts';
import { cachingOpts } from './caching.ts';
import { intOpt, strOpt } from '../opts.ts';

export const identityGroup = defineGroup('identity', {
  help: 'Users and their passwords.',
  options: {
    default_domain_id: strOpt({
      default: 'default',
      help:
        'ID of the domain used when a request names none; `baton manage bootstrap` creates it. ' +
        'There is rarely a reason to change it.',
    }),
    password_hash_algorithm: strOpt({
      default: 'bcrypt',
      choices: ['bcrypt'],
      help: 'Hash algorithm for stored passwords. Baton supports bcrypt only.',
    }),
    password_hash_rounds: intOpt({
      default: null,
      min: 4,
      max: 31,
      help:
        "Cost of new password hashes (bcrypt's log2 rounds). Unset means bcrypt's usual 12. A higher " +
        'cost is slower to compute and to attack; existing hashes keep their cost, so it can be ' +
        'changed at any time.',
    }),
    max_password_length: intOpt({
      default: 4096,
      help: 'Longest password accepted, in characters. bcrypt itself only reads the first 72 bytes.',
    }),
    ...cachingOpts('users'),
  },
});
