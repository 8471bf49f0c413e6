// /v3/regions, /v3/services and /v3/endpoints (keystone/api/regions.py, services.py,
// endpoints.py).
import type { FastifyInstance } from 'fastify';
import { expecting } from '../../auth/auth-body.ts';
import { ValidationError, findOrNull } from '../../errors.ts';
import type { Endpoint, EndpointInterface, Region, Service } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import { registerCrud } from './crud.ts';
import { endpointSchemas, regionSchemas, serviceSchemas } from './schemas.ts';
import { enabledFilter, extraAttributes, readMember, type Json } from './validate.ts';

const REGION_KNOWN = ['description', 'parent_region_id'];
const SERVICE_KNOWN = ['type', 'name', 'description', 'enabled'];
const ENDPOINT_KNOWN = ['service_id', 'interface', 'url', 'region_id', 'region', 'enabled', 'legacy_endpoint_id'];

export function catalogRoutes(context: ApiContext) {
  const { catalog } = context.service;

  async function createRegion(m: Json, id?: string): Promise<Region> {
    const parentRegionId = (m.parent_region_id as string | null | undefined) ?? null;
    if (parentRegionId !== null) await catalog.getRegion(parentRegionId);
    return catalog.createRegion({
      ...(id === undefined ? {} : { id }),
      description: (m.description as string | null | undefined) ?? '',
      parentRegionId,
      extra: extraAttributes(m, REGION_KNOWN),
    });
  }

  /**
   * The endpoint's region: region_id, or the legacy `region` attribute, which (for old
   * clients) creates the region when it is missing. An unknown service or region_id is
   * a bad request.
   */
  async function endpointRefs(m: Json): Promise<{ serviceId?: string; regionId?: string | null }> {
    const out: { serviceId?: string; regionId?: string | null } = {};
    if (m.service_id !== undefined) {
      out.serviceId = m.service_id as string;
      if ((await findOrNull(() => catalog.getService(out.serviceId as string))) === null) {
        throw expecting('endpoint service_id', 'service table');
      }
    }
    if (m.region_id != null) {
      out.regionId = m.region_id as string;
      if ((await findOrNull(() => catalog.getRegion(out.regionId as string))) === null) {
        throw expecting('endpoint region_id', 'region table');
      }
    } else if (m.region != null) {
      out.regionId = m.region as string;
      if ((await findOrNull(() => catalog.getRegion(out.regionId as string))) === null) {
        await catalog.createRegion({ id: out.regionId });
      }
    }
    return out;
  }

  return async function catalogPlugin(app: FastifyInstance): Promise<void> {
    // POST/GET /v3/regions, GET/PATCH/DELETE /v3/regions/{region_id}
    registerCrud<Region>(app, context, {
      member: 'region',
      collection: 'regions',
      createSchema: regionSchemas.create,
      updateSchema: regionSchemas.update,
      render: (renderer, r) => renderer.region(r),
      target: () => ({}),
      get: (id) => catalog.getRegion(id),
      list: (query) => catalog.listRegions(query.parent_region_id === undefined ? {} : { parentRegionId: query.parent_region_id }),
      create: (m) => createRegion(m, (m.id as string | undefined) || undefined),
      update: async (id, m) => {
        const before = await catalog.getRegion(id);
        const patch: Partial<Omit<Region, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, REGION_KNOWN) } };
        if (m.description !== undefined) patch.description = (m.description as string | null) ?? '';
        if (m.parent_region_id !== undefined) {
          const parent = m.parent_region_id as string | null;
          if (parent !== null) await catalog.getRegion(parent);
          patch.parentRegionId = parent;
        }
        return catalog.updateRegion(id, patch);
      },
      remove: (id) => catalog.deleteRegion(id),
    });

    // PUT /v3/regions/{region_id}
    app.put('/v3/regions/:id', async function createRegionWithId(request, reply) {
      const { id } = request.params as { id: string };
      await context.authorize(request, 'create_region');
      const body = readMember(request.body, 'region', regionSchemas.create);
      if ('id' in body && body.id !== id) {
        throw new ValidationError(`Conflicting region IDs specified: "${id}" != "${String(body.id)}"`);
      }
      reply.code(201);
      return { region: context.renderer(request).region(await createRegion(body, id)) };
    });

    // POST/GET /v3/services, GET/PATCH/DELETE /v3/services/{service_id}
    registerCrud<Service>(app, context, {
      member: 'service',
      collection: 'services',
      createSchema: serviceSchemas.create,
      updateSchema: serviceSchemas.update,
      render: (renderer, s) => renderer.service(s),
      target: () => ({}),
      get: (id) => catalog.getService(id),
      list: (query) =>
        catalog.listServices({
          ...(query.type === undefined ? {} : { type: query.type }),
          ...(query.name === undefined ? {} : { name: query.name }),
        }),
      create: (m) =>
        catalog.createService({
          type: m.type as string,
          name: (m.name as string | undefined) ?? '',
          description: (m.description as string | undefined) ?? '',
          enabled: (m.enabled as boolean | undefined) ?? true,
          extra: extraAttributes(m, SERVICE_KNOWN),
        }),
      update: async (id, m) => {
        const before = await catalog.getService(id);
        const patch: Partial<Omit<Service, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, SERVICE_KNOWN) } };
        if (m.type !== undefined) patch.type = m.type as string;
        if (m.name !== undefined) patch.name = m.name as string;
        if (m.description !== undefined) patch.description = m.description as string;
        if (m.enabled !== undefined) patch.enabled = m.enabled as boolean;
        return catalog.updateService(id, patch);
      },
      remove: (id) => catalog.deleteService(id),
    });

    // POST/GET /v3/endpoints, GET/PATCH/DELETE /v3/endpoints/{endpoint_id}
    registerCrud<Endpoint>(app, context, {
      member: 'endpoint',
      collection: 'endpoints',
      createSchema: endpointSchemas.create,
      updateSchema: endpointSchemas.update,
      render: (renderer, e) => renderer.endpoint(e),
      target: () => ({}),
      get: (id) => catalog.getEndpoint(id),
      list: async (query) => {
        const enabled = enabledFilter(query);
        const found = await catalog.listEndpoints({
          ...(query.interface === undefined ? {} : { interface: query.interface as EndpointInterface }),
          ...(query.service_id === undefined ? {} : { serviceId: query.service_id }),
          ...(query.region_id === undefined ? {} : { regionId: query.region_id }),
        });
        return enabled === undefined ? found : found.filter((e) => e.enabled === enabled);
      },
      create: async (m) => {
        const refs = await endpointRefs(m);
        return catalog.createEndpoint({
          serviceId: refs.serviceId as string,
          interface: m.interface as EndpointInterface,
          url: m.url as string,
          regionId: refs.regionId ?? null,
          enabled: (m.enabled as boolean | undefined) ?? true,
          extra: extraAttributes(m, ENDPOINT_KNOWN),
        });
      },
      update: async (id, m) => {
        const before = await catalog.getEndpoint(id);
        const refs = await endpointRefs(m);
        const patch: Partial<Omit<Endpoint, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, ENDPOINT_KNOWN) } };
        if (refs.serviceId !== undefined) patch.serviceId = refs.serviceId;
        if (refs.regionId !== undefined) patch.regionId = refs.regionId;
        if (m.interface !== undefined) patch.interface = m.interface as EndpointInterface;
        if (m.url !== undefined) patch.url = m.url as string;
        if (m.enabled !== undefined) patch.enabled = m.enabled as boolean;
        return catalog.updateEndpoint(id, patch);
      },
      remove: (id) => catalog.deleteEndpoint(id),
    });
  };
}

