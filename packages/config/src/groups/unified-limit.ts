import { defineGroup } from '../group.ts';
import { strOpt } from '../opts.ts';

export const unifiedLimitGroup = defineGroup('unified_limit', {
  help: 'Unified limits (/v3/registered_limits and /v3/limits).',
  options: {
    enforcement_model: strOpt({
      default: 'flat',
      choices: ['flat', 'strict_two_level'],
      help:
        'How limits relate across the project hierarchy. `flat` checks nothing. `strict_two_level` ' +
        'keeps projects at most two levels below their domain (a deeper project is refused, and the ' +
        'service does not start while one exists) and refuses a project limit above its domain\'s ' +
        'limit (or the registered default) and a domain limit below any of its projects\' limits. ' +
        'GET /v3/limits/model names the model in force.',
    }),
  },
});
