// /v3/roles, implied roles and /v3/role_inferences (keystone/api/roles.py,
// role_inferences.py, _shared/implied_roles.py).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { NotFoundError } from '../../errors.ts';
import type { Role } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import type { Renderer } from '../render.ts';
import { listQuery, noContent, registerCrud } from './crud.ts';
import { roleSchemas } from './schemas.ts';
import { extraAttributes, type Json } from './request.ts';

const pairParams = Type.Object({ priorId: Type.String(), impliedId: Type.String() });
const pair = { schema: { params: pairParams } };

const KNOWN = ['name', 'description', 'domain_id', 'options'];

function roleBrief(renderer: Renderer, role: Role): Json {
  return { id: role.id, links: renderer.link(`roles/${role.id}`), name: role.name };
}

export function roleRoutes(context: ApiContext) {
  const { assignment, resource } = context.service;

  /** Both roles must exist before policy runs (Keystone builds its target from them). */
  async function impliedPair(
    request: FastifyRequest & { params: Static<typeof pairParams> },
    action: string,
  ): Promise<{ prior: Role; implied: Role }> {
    const { priorId, impliedId } = request.params;
    await context.caller(request);
    const prior = await assignment.getRole(priorId);
    const implied = await assignment.getRole(impliedId);
    await context.authorize(request, action);
    return { prior, implied };
  }

  async function requireRule(prior: Role, implied: Role): Promise<void> {
    const rules = await assignment.listImpliedRoles(prior.id);
    if (!rules.some((r) => r.impliedRoleId === implied.id)) {
      throw new NotFoundError(`${prior.id} does not imply ${implied.id}.`);
    }
  }

  function inference(renderer: Renderer, prior: Role, implied: Role): Json {
    return {
      role_inference: { prior_role: roleBrief(renderer, prior), implies: roleBrief(renderer, implied) },
      links: renderer.link(`roles/${prior.id}/implies/${implied.id}`),
    };
  }

  return async function roles(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // POST/GET /v3/roles, GET/PATCH/DELETE /v3/roles/{role_id}
    registerCrud(app, context, {
      member: 'role',
      collection: 'roles',
      createSchema: roleSchemas.create,
      updateSchema: roleSchemas.update,
      listQuery: listQuery(['name', 'domain_id']),
      render: (renderer, r: Role) => renderer.role(r),
      target: (r) => ({ domainId: r.domainId }),
      get: (id) => assignment.getRole(id),
      // Without ?domain_id Keystone lists global roles only.
      list: (query) =>
        assignment.listRoles({
          ...(query.name === undefined ? {} : { name: query.name }),
          domainId: query.domain_id ?? null,
        }),
      create: async (m) => {
        // domain_id is not in Keystone's role schema: any JSON; only a string names a domain.
        const given = (m as Json).domain_id;
        const domainId = typeof given === 'string' ? given : null;
        if (domainId !== null) await resource.getDomain(domainId);
        return assignment.createRole({
          name: m.name,
          domainId,
          ...(m.description === undefined ? {} : { description: m.description }),
          ...(m.options === undefined ? {} : { options: m.options }),
          extra: extraAttributes(m, KNOWN),
        });
      },
      update: (id, m) => {
        const extra = extraAttributes(m, KNOWN);
        return assignment.updateRole(id, {
          ...(m.name === undefined ? {} : { name: m.name }),
          ...(m.description === undefined ? {} : { description: m.description }),
          ...(m.options === undefined ? {} : { options: m.options }),
          ...('domain_id' in m ? { domainId: (m as Json).domain_id } : {}),
          ...(Object.keys(extra).length === 0 ? {} : { extra }),
        });
      },
      remove: (id) => assignment.deleteRole(id),
    });

    // GET /v3/roles/{prior_role_id}/implies
    app.get('/v3/roles/:priorId/implies', { schema: { params: Type.Object({ priorId: Type.String() }) } }, async function listImpliedRoles(request) {
      const { priorId } = request.params;
      await context.caller(request);
      const prior = await assignment.getRole(priorId);
      await context.authorize(request, 'list_implied_roles');
      const renderer = context.renderer(request);
      const rules = await assignment.listImpliedRoles(prior.id);
      const implied = await Promise.all(rules.map((r) => assignment.getRole(r.impliedRoleId)));
      return {
        role_inference: { prior_role: roleBrief(renderer, prior), implies: implied.map((r) => roleBrief(renderer, r)) },
        links: renderer.link(`roles/${prior.id}/implies`),
      };
    });

    // PUT /v3/roles/{prior_role_id}/implies/{implied_role_id}
    app.put('/v3/roles/:priorId/implies/:impliedId', pair, async function createImpliedRole(request, reply) {
      const { prior, implied } = await impliedPair(request, 'create_implied_role');
      await assignment.createImpliedRole(prior.id, implied.id);
      reply.code(201);
      return inference(context.renderer(request), prior, implied);
    });

    // GET /v3/roles/{prior_role_id}/implies/{implied_role_id}
    app.get('/v3/roles/:priorId/implies/:impliedId', { ...pair, exposeHeadRoute: false }, async function getImpliedRole(request) {
      const { prior, implied } = await impliedPair(request, 'get_implied_role');
      await requireRule(prior, implied);
      return inference(context.renderer(request), prior, implied);
    });

    // HEAD /v3/roles/{prior_role_id}/implies/{implied_role_id}
    app.head('/v3/roles/:priorId/implies/:impliedId', pair, async function checkImpliedRole(request, reply) {
      const { prior, implied } = await impliedPair(request, 'check_implied_role');
      await requireRule(prior, implied);
      noContent(reply);
    });

    // DELETE /v3/roles/{prior_role_id}/implies/{implied_role_id}
    app.delete('/v3/roles/:priorId/implies/:impliedId', pair, async function deleteImpliedRole(request, reply) {
      const { prior, implied } = await impliedPair(request, 'delete_implied_role');
      await assignment.deleteImpliedRole(prior.id, implied.id);
      noContent(reply);
    });

    // GET /v3/role_inferences
    app.get('/v3/role_inferences', async function listRoleInferences(request) {
      await context.authorize(request, 'list_role_inference_rules');
      const renderer = context.renderer(request);
      const byId = new Map((await assignment.listRoles()).map((r) => [r.id, r]));
      const grouped = new Map<string, Role[]>();
      for (const rule of await assignment.listImpliedRoles()) {
        const implied = byId.get(rule.impliedRoleId) ?? (await assignment.getRole(rule.impliedRoleId));
        grouped.set(rule.priorRoleId, [...(grouped.get(rule.priorRoleId) ?? []), implied]);
      }
      const inferences = await Promise.all(
        [...grouped].map(async ([priorId, implied]) => ({
          prior_role: roleBrief(renderer, byId.get(priorId) ?? (await assignment.getRole(priorId))),
          implies: implied.map((r) => roleBrief(renderer, r)),
        })),
      );
      return { role_inferences: inferences };
    });
  };
}
