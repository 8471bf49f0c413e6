import { defineGroup } from '../group.ts';
import { cachingOpts } from './caching.ts';
import { strOpt } from '../opts.ts';

export const resourceGroup = defineGroup('resource', {
  help: 'Projects and domains.',
  options: {
    admin_project_name: strOpt({
      default: null,
      help:
        'Name of the cloud admin project. Tokens scoped to it carry is_admin_project = true, which ' +
        'policies can use to grant cloud-wide rights. Needs admin_project_domain_name as well; when ' +
        'either is unset there is no admin project.',
    }),
    admin_project_domain_name: strOpt({
      default: null,
      help: 'Name of the domain that owns admin_project_name.',
    }),
    ...cachingOpts('projects and domains', 'assignment'),
  },
});
