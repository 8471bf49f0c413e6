// The CRUD areas of the Identity API v3, one plugin each.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { applicationCredentialRoutes } from './application-credentials.ts';
import { catalogRoutes } from './catalog.ts';
import { domainRoutes } from './domains.ts';
import { grantRoutes } from './grants.ts';
import { groupRoutes } from './groups.ts';
import { limitRoutes } from './limits.ts';
import { oauth1Routes } from './oauth1.ts';
import { policyRoutes } from './policies.ts';
import { projectRoutes } from './projects.ts';
import { roleAssignmentRoutes } from './role-assignments.ts';
import { roleRoutes } from './roles.ts';
import { userRoutes } from './users.ts';
import { credentialRoutes } from './credentials.ts';
import { ec2CredentialRoutes } from './ec2-credentials.ts';
import { endpointFilterRoutes } from './endpoint-filter.ts';
import { endpointPolicyRoutes } from './endpoint-policy.ts';
import { trustRoutes } from './trusts.ts';
import { domainConfigRoutes } from './domain-configs.ts';
import { accessRuleRoutes } from './access-rules.ts';

export function resourceRoutes(context: ApiContext) {
  return async function resources(app: FastifyInstance): Promise<void> {
    await app.register(domainRoutes(context));
    await app.register(projectRoutes(context));
    await app.register(userRoutes(context));
    await app.register(groupRoutes(context));
    await app.register(roleRoutes(context));
    await app.register(grantRoutes(context));
    await app.register(roleAssignmentRoutes(context));
    await app.register(catalogRoutes(context));
    await app.register(applicationCredentialRoutes(context));
    await app.register(limitRoutes(context));
    await app.register(policyRoutes(context));
    await app.register(credentialRoutes(context));
    await app.register(ec2CredentialRoutes(context));
    await app.register(oauth1Routes(context));
    await app.register(endpointFilterRoutes(context));
    await app.register(endpointPolicyRoutes(context));
    await app.register(trustRoutes(context));
    await app.register(domainConfigRoutes(context));
    await app.register(accessRuleRoutes(context));
  };
}
