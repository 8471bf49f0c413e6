import { defineGroup } from '../group.ts';
import { boolOpt } from '../opts.ts';

export const osloPolicyGroup = defineGroup('oslo_policy', {
  help: 'Policy enforcement (the options of oslo.policy that Baton honours).',
  options: {
    enforce_scope: boolOpt({
      default: false,
      help: "Refuse a request whose token scope is not among the rule's scope types. False in Keystone Zed.",
    }),
    enforce_new_defaults: boolOpt({
      default: false,
      help:
        'Evaluate only the new, scope-aware default rules. While false the deprecated defaults are ' +
        'OR-ed in, as in Keystone Zed.',
    }),
  },
});
