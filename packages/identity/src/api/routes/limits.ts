// /v3/registered_limits, /v3/limits and /v3/limits/model (keystone/api/registered_limits.py,
// limits.py): creation takes a list and answers it without links; lists filter by equality.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findOrNull } from '../../errors.ts';
import type { LimitInput, RegisteredLimitInput } from '../../limit/unified-limit-manager.ts';
import type { PolicyTarget } from '../../policy.ts';
import type { Limit, LimitFilter, RegisteredLimit } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import { noContent } from './crud.ts';
import { limitSchemas, registeredLimitSchemas } from './schemas.ts';
import { queryOf, readList, readMember, requireMatchingId, selfPath, type Json, type Query } from './validate.ts';

/** The resource filters both lists share (?region_id= matches that region only). */
function resourceFilter(query: Query): LimitFilter {
  return {
    ...(query.service_id === undefined ? {} : { serviceId: query.service_id }),
    ...(query.region_id === undefined ? {} : { regionId: query.region_id }),
    ...(query.resource_name === undefined ? {} : { resourceName: query.resource_name }),
  };
}

const optional = <T>(member: Json, key: string): T | undefined => member[key] as T | undefined;

export function limitRoutes(context: ApiContext) {
  const { limits, resource } = context.service;
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  /** What get_limit's rule reads: the limit's project, and its domain or its project's domain. */
  async function limitTarget(limit: Limit): Promise<PolicyTarget> {
    if (limit.projectId === null) return { domainId: limit.domainId };
    const project = await findOrNull(() => resource.getProject(limit.projectId as string));
    return { projectId: limit.projectId, domainId: project?.domainId ?? null };
  }

  return async function limitPlugin(app: FastifyInstance): Promise<void> {
    // POST /v3/registered_limits
    app.post('/v3/registered_limits', async function createRegisteredLimits(request, reply) {
      await context.authorize(request, 'create_registered_limits');
      const body = readList(request.body, 'registered_limits', registeredLimitSchemas.create);
      const created = await limits.createRegisteredLimits(
        body.map(
          (m): RegisteredLimitInput => ({
            serviceId: m.service_id as string,
            regionId: optional<string | null>(m, 'region_id') ?? null,
            resourceName: m.resource_name as string,
            defaultLimit: m.default_limit as number,
            description: optional<string | null>(m, 'description') ?? null,
          }),
        ),
      );
      const renderer = context.renderer(request);
      reply.code(201);
      return { registered_limits: created.map((l) => renderer.registeredLimit(l)) };
    });

    // GET /v3/registered_limits
    app.get('/v3/registered_limits', async function listRegisteredLimits(request) {
      await context.authorize(request, 'list_registered_limits');
      const renderer = context.renderer(request);
      const found = await limits.listRegisteredLimits(resourceFilter(queryOf(request)));
      return renderer.collection('registered_limits', selfPath(request), found.map((l) => renderer.registeredLimit(l)));
    });

    // GET /v3/registered_limits/{registered_limit_id}
    app.get('/v3/registered_limits/:id', async function getRegisteredLimit(request) {
      await context.authorize(request, 'get_registered_limit');
      return { registered_limit: context.renderer(request).registeredLimit(await limits.getRegisteredLimit(idOf(request))) };
    });

    // PATCH /v3/registered_limits/{registered_limit_id}
    app.patch('/v3/registered_limits/:id', async function updateRegisteredLimit(request) {
      await context.authorize(request, 'update_registered_limit');
      const m = readMember(request.body, 'registered_limit', registeredLimitSchemas.update);
      requireMatchingId(m, idOf(request));
      const patch: Partial<Omit<RegisteredLimit, 'id'>> = {};
      if (m.service_id !== undefined) patch.serviceId = m.service_id as string;
      if (m.region_id !== undefined) patch.regionId = m.region_id as string | null;
      if (m.resource_name !== undefined) patch.resourceName = m.resource_name as string;
      if (m.default_limit !== undefined) patch.defaultLimit = m.default_limit as number;
      if (m.description !== undefined) patch.description = m.description as string | null;
      return { registered_limit: context.renderer(request).registeredLimit(await limits.updateRegisteredLimit(idOf(request), patch)) };
    });

    // DELETE /v3/registered_limits/{registered_limit_id}
    app.delete('/v3/registered_limits/:id', async function deleteRegisteredLimit(request, reply) {
      await context.authorize(request, 'delete_registered_limit');
      await limits.deleteRegisteredLimit(idOf(request));
      noContent(reply);
    });

    // GET /v3/limits/model
    app.get('/v3/limits/model', async function getLimitModel(request) {
      await context.authorize(request, 'get_limit_model');
      return { model: { name: limits.model.name, description: limits.model.description } };
    });

    // POST /v3/limits
    app.post('/v3/limits', async function createLimits(request, reply) {
      await context.authorize(request, 'create_limits');
      const body = readList(request.body, 'limits', limitSchemas.create);
      const created = await limits.createLimits(
        body.map(
          (m): LimitInput => ({
            projectId: optional<string>(m, 'project_id') ?? null,
            domainId: optional<string>(m, 'domain_id') ?? null,
            serviceId: m.service_id as string,
            regionId: optional<string>(m, 'region_id') ?? null,
            resourceName: m.resource_name as string,
            resourceLimit: m.resource_limit as number,
            description: optional<string | null>(m, 'description') ?? null,
          }),
        ),
      );
      const renderer = context.renderer(request);
      reply.code(201);
      return { limits: created.map((l) => renderer.limit(l)) };
    });

    // GET /v3/limits: the system sees every limit, a domain its own and its projects',
    // a project its own, an unscoped token none.
    app.get('/v3/limits', async function listLimits(request) {
      const caller = await context.authorize(request, 'list_limits');
      const filter = resourceFilter(queryOf(request));
      const query = queryOf(request);
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
    app.get('/v3/limits/:id', async function getLimit(request) {
      const id = idOf(request);
      const lookup = () => limits.getLimit(id);
      await context.caller(request);
      const limit = await findOrNull(lookup);
      await context.authorize(request, 'get_limit', limit === null ? {} : await limitTarget(limit));
      return { limit: context.renderer(request).limit(limit ?? (await lookup())) };
    });

    // PATCH /v3/limits/{limit_id}
    app.patch('/v3/limits/:id', async function updateLimit(request) {
      await context.authorize(request, 'update_limit');
      const m = readMember(request.body, 'limit', limitSchemas.update);
      requireMatchingId(m, idOf(request));
      const patch: { resourceLimit?: number; description?: string | null } = {};
      if (m.resource_limit !== undefined) patch.resourceLimit = m.resource_limit as number;
      if (m.description !== undefined) patch.description = m.description as string | null;
      return { limit: context.renderer(request).limit(await limits.updateLimit(idOf(request), patch)) };
    });

    // DELETE /v3/limits/{limit_id}
    app.delete('/v3/limits/:id', async function deleteLimit(request, reply) {
      await context.authorize(request, 'delete_limit');
      await limits.deleteLimit(idOf(request));
      noContent(reply);
    });
  };
}
