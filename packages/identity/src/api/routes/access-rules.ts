// /v3/users/{user_id}/access_rules (keystone/api/users.py UserAccessRule*Resource): the
// rules a user's application credentials were created with, listed, read and deleted.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../errors.ts';
import type { AccessRule } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import { authorizeOwner } from './application-credentials.ts';
import { listQuery, noContent } from './crud.ts';
import { selfPath } from './request.ts';

const userParams = Type.Object({ userId: Type.String() });
const oneParams = Type.Object({ userId: Type.String(), ruleId: Type.String() });

export function accessRuleRoutes(context: ApiContext) {
  const { applicationCredentials } = context.service;

  /**
   * The rule, which must be the URL user's: Keystone answers any user's rule by id here,
   * Baton a 404 for another user's (see docs/identity.md).
   */
  async function owned(userId: string, ruleId: string): Promise<AccessRule> {
    const rule = await applicationCredentials.getAccessRule(ruleId);
    if (rule.userId !== userId) throw NotFoundError.entity('Access Rule', ruleId);
    return rule;
  }

  return async function accessRulePlugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    // GET/HEAD /v3/users/{user_id}/access_rules
    app.route({
      method: 'GET',
      url: '/v3/users/:userId/access_rules',
      schema: { params: userParams, querystring: listQuery(['service', 'path', 'method']) },
      handler: async function listAccessRules(request) {
        const { userId } = await authorizeOwner(context, request, 'list_access_rules');
        const { service, path, method } = request.query;
        const rules = await applicationCredentials.listAccessRules(userId, {
          ...(service === undefined ? {} : { service }),
          ...(path === undefined ? {} : { path }),
          ...(method === undefined ? {} : { method }),
        });
        const renderer = context.renderer(request);
        return renderer.collection('access_rules', selfPath(request), rules.map((r) => renderer.accessRule(r)));
      },
    });

    // GET/HEAD /v3/users/{user_id}/access_rules/{access_rule_id}
    app.route({
      method: 'GET',
      url: '/v3/users/:userId/access_rules/:ruleId',
      schema: { params: oneParams },
      handler: async function getAccessRule(request) {
        const { ruleId } = request.params;
        const { userId } = await authorizeOwner(context, request, 'get_access_rule');
        return { access_rule: context.renderer(request).accessRule(await owned(userId, ruleId)) };
      },
    });

    // DELETE /v3/users/{user_id}/access_rules/{access_rule_id}
    app.delete('/v3/users/:userId/access_rules/:ruleId', { schema: { params: oneParams } }, async function deleteAccessRule(request, reply) {
      const { ruleId } = request.params;
      const { userId } = await authorizeOwner(context, request, 'delete_access_rule');
      await applicationCredentials.deleteAccessRule((await owned(userId, ruleId)).id);
      noContent(reply);
    });
  };
}
