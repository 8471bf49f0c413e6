// /v3/users and POST /v3/users/{user_id}/password (keystone/api/users.py). Password
// hashes never leave the service: the renderer has no field for them.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError, UnauthorizedError } from '../../errors.ts';
import type { User } from '../../storage/types.ts';
import type { UserPatch } from '../../identity/identity-manager.ts';
import type { ApiContext } from '../context.ts';
import { memberBody } from '../request-schema.ts';
import { listQuery, noContent, registerCrud } from './crud.ts';
import { defaultDomainId, requestedDomainId } from './projects.ts';
import { passwordChangeSchema, userSchemas } from './schemas.ts';
import { enabledFilter, extraAttributes } from './request.ts';

const KNOWN = ['name', 'password', 'enabled', 'default_project_id', 'domain_id', 'description', 'options', 'federated'];

export function userRoutes(context: ApiContext) {
  const { identity, resource, assignment, applicationCredentials } = context.service;
  const ownerTarget = (u: User) => ({ userId: u.id, domainId: u.domainId });

  return async function users(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // POST/GET /v3/users, GET/PATCH/DELETE /v3/users/{user_id}
    registerCrud(app, context, {
      member: 'user',
      collection: 'users',
      createSchema: userSchemas.create,
      updateSchema: userSchemas.update,
      listQuery: listQuery(['name', 'domain_id', 'enabled']),
      render: (renderer, u: User) => renderer.user(u),
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
        const domainId = m.domain_id ?? defaultDomainId(context, caller);
        await resource.getDomain(domainId);
        return identity.createUser({
          name: m.name,
          domainId,
          password: m.password ?? null,
          enabled: m.enabled ?? true,
          defaultProjectId: m.default_project_id ?? null,
          extra: extraAttributes(m, KNOWN.filter((k) => k !== 'description')),
        });
      },
      update: (id, m) => {
        const patch: UserPatch = {};
        if (m.name !== undefined) patch.name = m.name;
        if (m.password !== undefined) patch.password = m.password;
        if (m.enabled !== undefined) patch.enabled = m.enabled;
        if (m.default_project_id !== undefined) patch.defaultProjectId = m.default_project_id;
        const extra = extraAttributes(m, KNOWN.filter((k) => k !== 'description'));
        if (Object.keys(extra).length > 0) patch.extra = extra;
        return identity.updateUser(id, patch);
      },
      remove: async (id) => {
        await identity.deleteUser(id);
        await assignment.deleteAssignmentsFor({ actorId: id });
        await applicationCredentials.deleteForUser(id);
        await context.service.credentials.deleteForUser(id);
        await context.service.trusts.deleteForUser(id);
      },
    });

    // POST /v3/users/{user_id}/password
    // Needs no token (Keystone leaves it unenforced, so an expired password can be
    // changed): the original password is the credential, and every failure is a 401. With
    // no token to check, Fastify answers a bad body (400) before the handler.
    const passwordChange = { params: Type.Object({ userId: Type.String() }), body: memberBody('user', passwordChangeSchema) };
    app.post('/v3/users/:userId/password', { schema: passwordChange }, async function changePassword(request, reply) {
      const { userId } = request.params;
      const { original_password: original, password } = request.body.user;
      try {
        await identity.changePassword(userId, original, password);
      } catch (error) {
        if (error instanceof NotFoundError) throw new UnauthorizedError(undefined, { cause: error });
        throw error;
      }
      noContent(reply);
    });
  };
}
