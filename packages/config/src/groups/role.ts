import { defineGroup } from '../group.ts';
import { cachingOpts } from './caching.ts';

export const roleGroup = defineGroup('role', {
  help: 'Roles and the effective roles of a user on a scope.',
  options: {
    ...cachingOpts('effective roles (a user\'s roles on a scope, implied ones included)'),
  },
});
