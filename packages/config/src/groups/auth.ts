import { defineGroup } from '../group.ts';
import { listOpt } from '../opts.ts';

export const authGroup = defineGroup('auth', {
  help: 'Authentication.',
  options: {
    methods: listOpt({
      default: ['external', 'password', 'token', 'oauth1', 'mapped', 'application_credential'],
      help: "Authentication methods allowed in POST /v3/auth/tokens. The default is Keystone's list, in Keystone's order.",
    }),
  },
});
