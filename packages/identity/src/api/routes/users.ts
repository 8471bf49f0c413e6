// /v3/users and POST /v3/users/{user_id}/password (keystone/api/users.py). Password
// hashes never leave the service: the renderer has no field for them.
import type { FastifyInstance } from 'fastify';
import { NotFoundError, UnauthorizedError } from '../../errors.ts';
import type { User } from '../../storage/types.ts';
import type { UserPatch } from '../../identity/identity-manager.ts';
import type { ApiContext } from '../context.ts';
import { noContent, registerCrud } from './crud.ts';
import { defaultDomainId, requestedDomainId } from './projects.ts';
import { passwordChangeSchema, userSchemas } from './schemas.ts';
import { enabledFilter, extraAttributes, readMember } from './validate.ts';

const KNOWN = ['name', 'password', 'enabled', 'default_project_id', 'domain_id', 'description', 'options', 'federated'];

export function userRoutes(context: ApiContext) {
  const { identity, resource, assignment, applicationCredentials } = context.service;
  const ownerTarget = (u: User) => ({ userId: u.id, domainId: u.domainId });

  return async function users(app: FastifyInstance): Promise<void> {
    // POST/GET /v3/users, GET/PATCH/DELETE /v3/users/{user_id}
    registerCrud<User>(app, context, {
      member: 'user',
      collection: 'users',
      createSchema: userSchemas.create,
      updateSchema: userSchemas.update,
      render: (renderer, u) => renderer.user(u),
      target: ownerTarget,
      domainOf: (m, caller) => requestedDomainId(context, m, caller),
      get: (id) => identity.getUser(id),
      list: (query) => {
        const enabled = enabledFilter(query);
        return identity.listUsers({
          ...(query.name === undefined ? {} : { name: query.name }),
          ...(query.domain_id === undefined ? {} : { domainId: query.domain_id }),
          ...(enabled === undefined ? {} : { enabled }),
        });
      },
      create: async (m, caller) => {
        const domainId = (m.domain_id as string | undefined) ?? defaultDomainId(context, caller);
        await resource.getDomain(domainId);
        return identity.createUser({
          name: m.name as string,
          domainId,
          password: (m.password as string | null | undefined) ?? null,
          enabled: (m.enabled as boolean | undefined) ?? true,
          defaultProjectId: (m.default_project_id as string | null | undefined) ?? null,
          extra: extraAttributes(m, KNOWN.filter((k) => k !== 'description')),
        });
      },
      update: (id, m) => {
        const patch: UserPatch = {};
        if (m.name !== undefined) patch.name = m.name as string;
        if (m.password !== undefined) patch.password = m.password as string | null;
        if (m.enabled !== undefined) patch.enabled = m.enabled as boolean;
        if (m.default_project_id !== undefined) patch.defaultProjectId = m.default_project_id as string | null;
        const extra = extraAttributes(m, KNOWN.filter((k) => k !== 'description'));
        if (Object.keys(extra).length > 0) patch.extra = extra;
        return identity.updateUser(id, patch);
      },
      remove: async (id) => {
        await identity.deleteUser(id);
        await assignment.deleteAssignmentsFor({ actorId: id });
        await applicationCredentials.deleteForUser(id);
      },
    });

    // POST /v3/users/{user_id}/password
    // Needs no token (Keystone leaves it unenforced, so an expired password can be
    // changed): the original password is the credential, and every failure is a 401.
    app.post('/v3/users/:userId/password', async function changePassword(request, reply) {
      const { userId } = request.params as { userId: string };
      const body = readMember(request.body, 'user', passwordChangeSchema);
      try {
        await identity.changePassword(userId, body.original_password as string, body.password as string);
      } catch (error) {
        if (error instanceof NotFoundError) throw new UnauthorizedError(undefined, { cause: error });
        throw error;
      }
      noContent(reply);
    });
  };
}
