// /v3/registered_limits, /v3/limits and /v3/limits/model (keystone/api/registered_limits.py,
// limits.py): creation takes a list and answers it without links; lists filter by equality.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { findOrNull } from '../../errors.ts';
import type { LimitInput, RegisteredLimitInput } from '../../limit/unified-limit-manager.ts';
import type { PolicyTarget } from '../../policy.ts';
import type { Limit, LimitFilter, RegisteredLimit } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import { memberBody, validBody } from '../request-schema.ts';
import { idParams, listQuery, noContent } from './crud.ts';
import { limitSchemas, registeredLimitSchemas } from './schemas.ts';
import { requireMatchingId, selfPath, type Query } from './request.ts';

/** The resource filters both lists share (?region_id= matches that region only). */
function resourceFilter(query: Query): LimitFilter {
  return {
    ...(query.service_id === undefined ? {} : { serviceId: query.service_id }),
    ...(query.region_id === undefined ? {} : { regionId: query.region_id }),
    ...(query.resource_name === undefined ? {} : { resourceName: query.resource_name }),
  };
}

const resourceFilters = ['service_id', 'region_id', 'resource_name'] as const;

export function limitRoutes(context: ApiContext) {
  const { limits, resource } = context.service;

  /** What get_limit's rule reads: the limit's project, and its domain or its project's domain. */
  async function limitTarget(limit: Limit): Promise<PolicyTarget> {
    if (limit.projectId === null) return { domainId: limit.domainId };
    const project = await findOrNull(() => resource.getProject(limit.projectId as string));
    return { projectId: limit.projectId, domainId: project?.domainId ?? null };
  }

  return async function limitPlugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // Policy comes before the body's schema (401, 403, then 400, as in Keystone).
    const validated = { attachValidation: true } as const;
    // POST /v3/registered_limits
    const createRegistered = { body: memberBody('registered_limits', registeredLimitSchemas.create) };
    app.post('/v3/registered_limits', { schema: createRegistered, ...validated }, async function createRegisteredLimits(request, reply) {
      await context.authorize(request, 'create_registered_limits');
      const created = await limits.createRegisteredLimits(
        validBody(request).registered_limits.map(
          (m): RegisteredLimitInput => ({
            serviceId: m.service_id,
            regionId: m.region_id ?? null,
            resourceName: m.resource_name,
            defaultLimit: m.default_limit,
            description: m.description ?? null,
          }),
        ),
      );
      const renderer = context.renderer(request);
      reply.code(201);
      return { registered_limits: created.map((l) => renderer.registeredLimit(l)) };
    });

    // GET /v3/registered_limits
    app.get('/v3/registered_limits', { schema: { querystring: listQuery(resourceFilters) } }, async function listRegisteredLimits(request) {
      await context.authorize(request, 'list_registered_limits');
      const renderer = context.renderer(request);
      const found = await limits.listRegisteredLimits(resourceFilter(request.query));
      return renderer.collection('registered_limits', selfPath(request), found.map((l) => renderer.registeredLimit(l)));
    });

    // GET /v3/registered_limits/{registered_limit_id}
    app.get('/v3/registered_limits/:id', { schema: { params: idParams } }, async function getRegisteredLimit(request) {
      await context.authorize(request, 'get_registered_limit');
      return { registered_limit: context.renderer(request).registeredLimit(await limits.getRegisteredLimit(request.params.id)) };
    });

    // PATCH /v3/registered_limits/{registered_limit_id}
    const updateRegistered = { params: idParams, body: memberBody('registered_limit', registeredLimitSchemas.update) };
    app.patch('/v3/registered_limits/:id', { schema: updateRegistered, ...validated }, async function updateRegisteredLimit(request) {
      await context.authorize(request, 'update_registered_limit');
      const { id } = request.params;
      const m = validBody(request).registered_limit;
      requireMatchingId(m, id);
      const patch: Partial<Omit<RegisteredLimit, 'id'>> = {};
      if (m.service_id !== undefined) patch.serviceId = m.service_id;
      if (m.region_id !== undefined) patch.regionId = m.region_id;
      if (m.resource_name !== undefined) patch.resourceName = m.resource_name;
      if (m.default_limit !== undefined) patch.defaultLimit = m.default_limit;
      if (m.description !== undefined) patch.description = m.description;
      return { registered_limit: context.renderer(request).registeredLimit(await limits.updateRegisteredLimit(id, patch)) };
    });

    // DELETE /v3/registered_limits/{registered_limit_id}
    app.delete('/v3/registered_limits/:id', { schema: { params: idParams } }, async function deleteRegisteredLimit(request, reply) {
      await context.authorize(request, 'delete_registered_limit');
      await limits.deleteRegisteredLimit(request.params.id);
      noContent(reply);
    });

    // GET /v3/limits/model
    app.get('/v3/limits/model', async function getLimitModel(request) {
      await context.authorize(request, 'get_limit_model');
      return { model: { name: limits.model.name, description: limits.model.description } };
    });

    // POST /v3/limits
    app.post('/v3/limits', { schema: { body: memberBody('limits', limitSchemas.create) }, ...validated }, async function createLimits(request, reply) {
      await context.authorize(request, 'create_limits');
      const created = await limits.createLimits(
        validBody(request).limits.map(
          (m): LimitInput => ({
            projectId: 'project_id' in m ? m.project_id : null,
            domainId: 'domain_id' in m ? m.domain_id : null,
            serviceId: m.service_id,
            regionId: m.region_id ?? null,
            resourceName: m.resource_name,
            resourceLimit: m.resource_limit,
            description: m.description ?? null,
          }),
        ),
      );
      const renderer = context.renderer(request);
      reply.code(201);
      return { limits: created.map((l) => renderer.limit(l)) };
    });

    // GET /v3/limits: the system sees every limit, a domain its own and its projects',
    // a project its own, an unscoped token none.
    const limitQuery = listQuery([...resourceFilters, 'project_id', 'domain_id']);
    app.get('/v3/limits', { schema: { querystring: limitQuery } }, async function listLimits(request) {
      const caller = await context.authorize(request, 'list_limits');
      const { query } = request;
      const filter = resourceFilter(query);
      if (query.project_id !== undefined) filter.projectId = query.project_id;
      if (query.domain_id !== undefined) filter.domainId = query.domain_id;
      const { scope } = caller;
      let found: Limit[] = [];
      if (scope.kind === 'system') {
        found = await limits.listLimits(filter);
      } else if (scope.kind === 'domain') {
        const projectIds = new Set((await resource.listProjects({ domainId: scope.domain.id })).map((p) => p.id));
        found = (await limits.listLimits(filter)).filter((l) =>
          l.projectId !== null ? projectIds.has(l.projectId) : l.domainId === scope.domain.id,
        );
      } else if (scope.kind === 'project') {
        found = await limits.listLimits({ ...filter, projectId: scope.project.id });
      }
      const renderer = context.renderer(request);
      return renderer.collection('limits', selfPath(request), found.map((l) => renderer.limit(l)));
    });

    // GET /v3/limits/{limit_id}
    app.get('/v3/limits/:id', { schema: { params: idParams } }, async function getLimit(request) {
      const { id } = request.params;
      const lookup = () => limits.getLimit(id);
      await context.caller(request);
      const limit = await findOrNull(lookup);
      await context.authorize(request, 'get_limit', limit === null ? {} : await limitTarget(limit));
      return { limit: context.renderer(request).limit(limit ?? (await lookup())) };
    });

    // PATCH /v3/limits/{limit_id}
    const updateLimitSchema = { params: idParams, body: memberBody('limit', limitSchemas.update) };
    app.patch('/v3/limits/:id', { schema: updateLimitSchema, ...validated }, async function updateLimit(request) {
      await context.authorize(request, 'update_limit');
      const { id } = request.params;
      const m = validBody(request).limit;
      requireMatchingId(m, id);
      const patch: { resourceLimit?: number; description?: string | null } = {};
      if (m.resource_limit !== undefined) patch.resourceLimit = m.resource_limit;
      if (m.description !== undefined) patch.description = m.description;
      return { limit: context.renderer(request).limit(await limits.updateLimit(id, patch)) };
    });

    // DELETE /v3/limits/{limit_id}
    app.delete('/v3/limits/:id', { schema: { params: idParams } }, async function deleteLimit(request, reply) {
      await context.authorize(request, 'delete_limit');
      await limits.deleteLimit(request.params.id);
      noContent(reply);
    });
  };
}
