// Keystone's groups that Baton reads, in the order the sample file lists them.

import { authGroup } from './auth.ts';
import { cacheGroup } from './cache.ts';
import { catalogGroup } from './catalog.ts';
import { databaseGroup } from './database.ts';
import { defaultGroup } from './default.ts';
import { endpointFilterGroup } from './endpoint-filter.ts';
import { fernetTokensGroup } from './fernet-tokens.ts';
import { identityGroup } from './identity.ts';
import { oauth1Group } from './oauth1.ts';
import { osloMiddlewareGroup } from './oslo-middleware.ts';
import { osloPolicyGroup } from './oslo-policy.ts';
import { resourceGroup } from './resource.ts';
import { revokeGroup } from './revoke.ts';
import { roleGroup } from './role.ts';
import { securityComplianceGroup } from './security-compliance.ts';
import { tokenGroup } from './token.ts';
import { unifiedLimitGroup } from './unified-limit.ts';
import { federationGroup } from './federation.ts';
import { samlGroup } from './saml.ts';
import { credentialGroup } from './credential.ts';
import { trustGroup } from './trust.ts';

export {
  authGroup,
  cacheGroup,
  catalogGroup,
  databaseGroup,
  defaultGroup,
  endpointFilterGroup,
  fernetTokensGroup,
  identityGroup,
  oauth1Group,
  osloMiddlewareGroup,
  osloPolicyGroup,
  resourceGroup,
  revokeGroup,
  roleGroup,
  securityComplianceGroup,
  tokenGroup,
  unifiedLimitGroup,
  federationGroup,
  samlGroup,
  credentialGroup,
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
  endpointFilterGroup,
  fernetTokensGroup,
  identityGroup,
  oauth1Group,
  osloMiddlewareGroup,
  osloPolicyGroup,
  resourceGroup,
  revokeGroup,
  roleGroup,
  securityComplianceGroup,
  tokenGroup,
  unifiedLimitGroup,
  federationGroup,
  samlGroup,
  credentialGroup,
  trustGroup,
] as const;
