// /v3/regions, /v3/services and /v3/endpoints (keystone/api/regions.py, services.py,
// endpoints.py).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { expecting } from '../../auth/auth-body.ts';
import { ValidationError, findOrNull } from '../../errors.ts';
import type { Endpoint, EndpointInterface, Region, Service } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import { memberBody, validBody } from '../request-schema.ts';
import { idParams, listQuery, registerCrud } from './crud.ts';
import { endpointSchemas, regionSchemas, serviceSchemas } from './schemas.ts';
import { enabledFilter, extraAttributes } from './request.ts';

const REGION_KNOWN = ['description', 'parent_region_id'];
// A service's description is not in Keystone's schema: like Keystone, it is kept among the
// extra attributes, any JSON, and absent when not given.
const SERVICE_KNOWN = ['type', 'name', 'enabled'];
const ENDPOINT_KNOWN = ['service_id', 'interface', 'url', 'region_id', 'region', 'enabled', 'legacy_endpoint_id'];

export function catalogRoutes(context: ApiContext) {
  const { catalog } = context.service;

  async function createRegion(m: Static<typeof regionSchemas.create>, id?: string): Promise<Region> {
    const parentRegionId = m.parent_region_id ?? null;
    if (parentRegionId !== null) await catalog.getRegion(parentRegionId);
    return catalog.createRegion({
      ...(id === undefined ? {} : { id }),
      description: m.description ?? '',
      parentRegionId,
      extra: extraAttributes(m, REGION_KNOWN),
    });
  }

  /**
   * The endpoint's region: region_id, or the legacy `region` attribute, which (for old
   * clients) creates the region when it is missing. An unknown service or region_id is
   * a bad request.
   */
  async function endpointRefs(m: Static<typeof endpointSchemas.update>): Promise<{ serviceId?: string; regionId?: string | null }> {
    const out: { serviceId?: string; regionId?: string | null } = {};
    const serviceId = m.service_id;
    if (serviceId !== undefined) {
      if ((await findOrNull(() => catalog.getService(serviceId))) === null) throw expecting('endpoint service_id', 'service table');
      out.serviceId = serviceId;
    }
    const { region_id: regionId, region } = m;
    if (regionId != null) {
      if ((await findOrNull(() => catalog.getRegion(regionId))) === null) throw expecting('endpoint region_id', 'region table');
      out.regionId = regionId;
    } else if (region != null) {
      if ((await findOrNull(() => catalog.getRegion(region))) === null) await catalog.createRegion({ id: region });
      out.regionId = region;
    }
    return out;
  }

  return async function catalogPlugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // POST/GET /v3/regions, GET/PATCH/DELETE /v3/regions/{region_id}
    registerCrud(app, context, {
      member: 'region',
      collection: 'regions',
      createSchema: regionSchemas.create,
      updateSchema: regionSchemas.update,
      listQuery: listQuery(['parent_region_id']),
      render: (renderer, r: Region) => renderer.region(r),
      target: () => ({}),
      get: (id) => catalog.getRegion(id),
      list: (query) => catalog.listRegions(query.parent_region_id === undefined ? {} : { parentRegionId: query.parent_region_id }),
      create: (m) => createRegion(m, m.id || undefined),
      update: async (id, m) => {
        const before = await catalog.getRegion(id);
        const patch: Partial<Omit<Region, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, REGION_KNOWN) } };
        if (m.description !== undefined) patch.description = m.description ?? '';
        if (m.parent_region_id !== undefined) {
          const parent = m.parent_region_id;
          if (parent !== null) await catalog.getRegion(parent);
          patch.parentRegionId = parent;
        }
        return catalog.updateRegion(id, patch);
      },
      remove: (id) => catalog.deleteRegion(id),
    });

    // PUT /v3/regions/{region_id}
    const regionWithId = { params: idParams, body: memberBody('region', regionSchemas.create) };
    app.put('/v3/regions/:id', { schema: regionWithId, attachValidation: true }, async function createRegionWithId(request, reply) {
      const { id } = request.params;
      await context.authorize(request, 'create_region');
      const body = validBody(request).region;
      if ('id' in body && body.id !== id) {
        throw new ValidationError(`Conflicting region IDs specified: "${id}" != "${String(body.id)}"`);
      }
      reply.code(201);
      return { region: context.renderer(request).region(await createRegion(body, id)) };
    });

    // POST/GET /v3/services, GET/PATCH/DELETE /v3/services/{service_id}
    registerCrud(app, context, {
      member: 'service',
      collection: 'services',
      createSchema: serviceSchemas.create,
      updateSchema: serviceSchemas.update,
      listQuery: listQuery(['type', 'name']),
      render: (renderer, s: Service) => renderer.service(s),
      target: () => ({}),
      get: (id) => catalog.getService(id),
      list: (query) =>
        catalog.listServices({
          ...(query.type === undefined ? {} : { type: query.type }),
          ...(query.name === undefined ? {} : { name: query.name }),
        }),
      create: (m) =>
        catalog.createService({
          type: m.type,
          name: m.name ?? '',
          enabled: m.enabled ?? true,
          extra: extraAttributes(m, SERVICE_KNOWN),
        }),
      update: async (id, m) => {
        const before = await catalog.getService(id);
        const patch: Partial<Omit<Service, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, SERVICE_KNOWN) } };
        if (m.type !== undefined) patch.type = m.type;
        if (m.name !== undefined) patch.name = m.name;
        if (m.enabled !== undefined) patch.enabled = m.enabled;
        return catalog.updateService(id, patch);
      },
      remove: (id) => catalog.deleteService(id),
    });

    // POST/GET /v3/endpoints, GET/PATCH/DELETE /v3/endpoints/{endpoint_id}
    registerCrud(app, context, {
      member: 'endpoint',
      collection: 'endpoints',
      createSchema: endpointSchemas.create,
      updateSchema: endpointSchemas.update,
      listQuery: listQuery(['interface', 'service_id', 'region_id', 'enabled']),
      render: (renderer, e: Endpoint) => renderer.endpoint(e),
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
          interface: m.interface,
          url: m.url,
          regionId: refs.regionId ?? null,
          enabled: m.enabled ?? true,
          extra: extraAttributes(m, ENDPOINT_KNOWN),
        });
      },
      update: async (id, m) => {
        const before = await catalog.getEndpoint(id);
        const refs = await endpointRefs(m);
        const patch: Partial<Omit<Endpoint, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, ENDPOINT_KNOWN) } };
        if (refs.serviceId !== undefined) patch.serviceId = refs.serviceId;
        if (refs.regionId !== undefined) patch.regionId = refs.regionId;
        if (m.interface !== undefined) patch.interface = m.interface;
        if (m.url !== undefined) patch.url = m.url;
        if (m.enabled !== undefined) patch.enabled = m.enabled;
        return catalog.updateEndpoint(id, patch);
      },
      remove: (id) => catalog.deleteEndpoint(id),
    });
  };
}

