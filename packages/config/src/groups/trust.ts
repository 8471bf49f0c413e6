import { defineGroup } from '../group.ts';
import { boolOpt, intOpt } from '../opts.ts';

export const trustGroup = defineGroup('trust', {
  help: 'Trusts (/v3/OS-TRUST): one user delegating roles on a project to another.',
  options: {
    allow_redelegation: boolOpt({
      default: false,
      help:
        'Declared so a keystone.conf that sets it loads; Keystone 22 reads it nowhere, and neither does ' +
        'Baton: a trust\'s own `allow_redelegation` decides whether it can be redelegated.',
    }),
    max_redelegation_count: intOpt({
      default: 3,
      help:
        'How many times a trust may be redelegated down a chain; a trust may ask for fewer ' +
        '(`redelegation_count`), never for more (403).',
    }),
  },
});
