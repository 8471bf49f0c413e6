import { defineGroup } from '../group.ts';
import { cachingOpts } from './caching.ts';

export const catalogGroup = defineGroup('catalog', {
  help: 'The service catalog (regions, services, endpoints).',
  options: {
    ...cachingOpts('the catalog'),
  },
});
