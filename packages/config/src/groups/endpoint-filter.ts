import { defineGroup } from '../group.ts';
import { boolOpt } from '../opts.ts';

export const endpointFilterGroup = defineGroup('endpoint_filter', {
  help: 'OS-EP-FILTER: catalogs narrowed to the endpoints and endpoint groups associated with a project.',
  options: {
    return_all_endpoints_if_no_filter: boolOpt({
      default: true,
      help:
        'What a catalog holds when no endpoint is associated with the token\'s project (directly or ' +
        'through an endpoint group), and in a token without a project: every endpoint when true, ' +
        'nothing when false.',
    }),
  },
});
