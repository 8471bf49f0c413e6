// Keystone's groups that Baton reads, in the order the sample file lists them.

import { authGroup } from './auth.ts';
import { cacheGroup } from './cache.ts';
import { catalogGroup } from './catalog.ts';
import { databaseGroup } from './database.ts';
import { defaultGroup } from './default.ts';
import { fernetTokensGroup } from './fernet-tokens.ts';
import { identityGroup } from './identity.ts';
import { osloMiddlewareGroup } from './oslo-middleware.ts';
import { osloPolicyGroup } from './oslo-policy.ts';
import { resourceGroup } from './resource.ts';
import { revokeGroup } from './revoke.ts';
import { roleGroup } from './role.ts';
import { securityComplianceGroup } from './security-compliance.ts';
import { tokenGroup } from './token.ts';
import { unifiedLimitGroup } from './unified-limit.ts';
import { trustGroup } from './trust.ts';

export {
  authGroup,
  cacheGroup,
  catalogGroup,
  databaseGroup,
  defaultGroup,
  fernetTokensGroup,
  identityGroup,
  osloMiddlewareGroup,
  osloPolicyGroup,
  resourceGroup,
  revokeGroup,
  roleGroup,
  securityComplianceGroup,
  tokenGroup,
  unifiedLimitGroup,
  trustGroup,
};
export { DATABASE_SCHEMES } from './database.ts';
export { CACHE_BACKENDS } from './cache.ts';

export const keystoneGroups = [
  defaultGroup,
  authGroup,
  cacheGroup,
  catalogGroup,
  databaseGroup,
  fernetTokensGroup,
  identityGroup,
  osloMiddlewareGroup,
  osloPolicyGroup,
  resourceGroup,
  revokeGroup,
  roleGroup,
  securityComplianceGroup,
  tokenGroup,
  unifiedLimitGroup,
  trustGroup,
] as const;
