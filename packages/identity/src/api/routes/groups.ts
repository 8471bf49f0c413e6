// /v3/groups, group membership and /v3/users/{user_id}/groups (keystone/api/groups.py,
// users.py).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { NotFoundError, findOrNull } from '../../errors.ts';
import type { Group } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import { authorizeOn, listQuery, noContent, registerCrud } from './crud.ts';
import { defaultDomainId, requestedDomainId } from './projects.ts';
import { groupSchemas } from './schemas.ts';
import { enabledFilter, extraAttributes, selfPath } from './request.ts';

const membershipParams = Type.Object({ groupId: Type.String(), userId: Type.String() });
const membership = { schema: { params: membershipParams } };
type MembershipRequest = FastifyRequest & { params: Static<typeof membershipParams> };

const KNOWN = ['name', 'description', 'domain_id'];

export function groupRoutes(context: ApiContext) {
  const { identity, resource, assignment } = context.service;
  const groupTarget = (g: Group) => ({ domainId: g.domainId });

  /** Policy for /groups/{group_id}/users/{user_id}: the group's domain, when both exist. */
  async function authorizeMembership(request: MembershipRequest, action: string): Promise<{ groupId: string; userId: string }> {
    const { groupId, userId } = request.params;
    await context.caller(request);
    const group = await findOrNull(() => identity.getGroup(groupId));
    const user = await findOrNull(() => identity.getUser(userId));
    await context.authorize(request, action, group === null ? {} : { ...groupTarget(group), actorDomainId: user?.domainId ?? null });
    return { groupId, userId };
  }

  return async function groups(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // POST/GET /v3/groups, GET/PATCH/DELETE /v3/groups/{group_id}
    registerCrud(app, context, {
      member: 'group',
      collection: 'groups',
      createSchema: groupSchemas.create,
      updateSchema: groupSchemas.update,
      listQuery: listQuery(['name', 'domain_id']),
      render: (renderer, g: Group) => renderer.group(g),
      target: groupTarget,
      domainOf: (m, caller) => requestedDomainId(context, m, caller),
      get: (id) => identity.getGroup(id),
      list: (query) =>
        identity.listGroups({
          ...(query.name === undefined ? {} : { name: query.name }),
          ...(query.domain_id === undefined ? {} : { domainId: query.domain_id }),
        }),
      create: async (m, caller) => {
        const domainId = m.domain_id ?? defaultDomainId(context, caller);
        await resource.getDomain(domainId);
        return identity.createGroup({
          name: m.name,
          domainId,
          description: m.description,
          extra: extraAttributes(m, KNOWN),
        });
      },
      update: async (id, m) => {
        const before = await identity.getGroup(id);
        const patch: Partial<Omit<Group, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, KNOWN) } };
        if (m.name !== undefined) patch.name = m.name;
        if (m.description !== undefined) patch.description = m.description;
        return identity.updateGroup(id, patch);
      },
      remove: async (id) => {
        await identity.deleteGroup(id);
        await assignment.deleteAssignmentsFor({ actorId: id });
      },
    });

    // GET /v3/groups/{group_id}/users
    const usersInGroup = { params: Type.Object({ groupId: Type.String() }), querystring: listQuery(['name', 'enabled']) };
    app.get('/v3/groups/:groupId/users', { schema: usersInGroup }, async function listUsersInGroup(request) {
      const { groupId } = request.params;
      await authorizeOn(context, request, 'list_users_in_group', () => identity.getGroup(groupId), groupTarget);
      const { query } = request;
      const enabled = enabledFilter(query);
      const renderer = context.renderer(request);
      const users = (await identity.listUsersInGroup(groupId)).filter(
        (u) => (query.name === undefined || u.name === query.name) && (enabled === undefined || u.enabled === enabled),
      );
      return renderer.collection('users', selfPath(request), users.map((u) => renderer.user(u)));
    });

    // GET/HEAD /v3/groups/{group_id}/users/{user_id}
    app.get('/v3/groups/:groupId/users/:userId', membership, async function checkUserInGroup(request, reply) {
      const { groupId, userId } = await authorizeMembership(request, 'check_user_in_group');
      await identity.getGroup(groupId);
      await identity.getUser(userId);
      if (!(await identity.isUserInGroup(userId, groupId))) {
        throw new NotFoundError(`User '${userId}' not found in group '${groupId}'`);
      }
      noContent(reply);
    });


    // PUT /v3/groups/{group_id}/users/{user_id}
    app.put('/v3/groups/:groupId/users/:userId', membership, async function addUserToGroup(request, reply) {
      const { groupId, userId } = await authorizeMembership(request, 'add_user_to_group');
      await identity.addUserToGroup(userId, groupId);
      noContent(reply);
    });

    // DELETE /v3/groups/{group_id}/users/{user_id}
    app.delete('/v3/groups/:groupId/users/:userId', membership, async function removeUserFromGroup(request, reply) {
      const { groupId, userId } = await authorizeMembership(request, 'remove_user_from_group');
      await identity.removeUserFromGroup(userId, groupId);
      noContent(reply);
    });

    // GET /v3/users/{user_id}/groups
    const groupsForUser = { params: Type.Object({ userId: Type.String() }), querystring: listQuery(['name']) };
    app.get('/v3/users/:userId/groups', { schema: groupsForUser }, async function listGroupsForUser(request) {
      const { userId } = request.params;
      await authorizeOn(context, request, 'list_groups_for_user', () => identity.getUser(userId), (u) => ({
        userId: u.id,
        domainId: u.domainId,
      }));
      const { name } = request.query;
      const renderer = context.renderer(request);
      const found = (await identity.listGroupsForUser(userId)).filter((g) => name === undefined || g.name === name);
      // Keystone lists memberships here, which may carry an expiry (federation); local ones never do.
      const items = found.map((g) => ({ ...renderer.group(g), membership_expires_at: null }));
      return renderer.collection('groups', selfPath(request), items);
    });
  };
}
