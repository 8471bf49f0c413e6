import { defineGroup } from '../group.ts';
import { strOpt } from '../opts.ts';

export const samlGroup = defineGroup('saml', {
  help: 'SAML: only what the OS-FEDERATION API reads (Baton does not issue SAML assertions).',
  options: {
    relay_state_prefix: strOpt({
      default: 'ss:mem:',
      help: "The relay_state_prefix a new service provider gets when its request does not give one.",
    }),
  },
});
