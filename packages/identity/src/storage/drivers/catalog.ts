// Regions, services and endpoints.
import { fromDbBoolean } from '@baton/storage';
import type { Insertable, Selectable } from 'kysely';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import type { EndpointTable, RegionTable, ServiceTable } from '../schema.ts';
import type { CatalogDriver, Endpoint, EndpointInterface, Region, Service } from '../types.ts';
import { type DriverContext, definedPatch, parseExtra, serializeExtra, storing } from './shared.ts';

function regionFromRow(row: Selectable<RegionTable>): Region {
  return {
    id: row.id,
    description: row.description,
    parentRegionId: row.parent_region_id,
    extra: parseExtra(row.extra),
  };
}

function serviceFromRow(row: Selectable<ServiceTable>): Service {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    enabled: fromDbBoolean(row.enabled),
    extra: parseExtra(row.extra),
  };
}

function serviceRow(service: Service): Insertable<ServiceTable> {
  return { ...service, extra: serializeExtra(service.extra) };
}

function endpointFromRow(row: Selectable<EndpointTable>): Endpoint {
  return {
    id: row.id,
    serviceId: row.service_id,
    interface: row.interface as EndpointInterface,
    url: row.url,
    regionId: row.region_id,
    enabled: fromDbBoolean(row.enabled),
    extra: parseExtra(row.extra),
  };
}

function endpointRow(endpoint: Endpoint): Insertable<EndpointTable> {
  return {
    id: endpoint.id,
    service_id: endpoint.serviceId,
    interface: endpoint.interface,
    url: endpoint.url,
    region_id: endpoint.regionId,
    enabled: endpoint.enabled,
    extra: serializeExtra(endpoint.extra),
  };
}

const duplicateId = (id: string): string => `Duplicate entry found with ID ${id}`;

export class SqlCatalogDriver implements CatalogDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  /** A named parent must exist (Keystone answers "Could not find region: <parent>."). */
  async createRegion(region: Region): Promise<Region> {
    if (region.parentRegionId !== null) await this.getRegion(region.parentRegionId);
    await storing(this.#ctx, 'region', () => duplicateId(region.id), () =>
      this.#ctx.db
        .insertInto('region')
        .values({
          id: region.id,
          description: region.description,
          parent_region_id: region.parentRegionId,
          extra: serializeExtra(region.extra),
        })
        .execute());
    return this.getRegion(region.id);
  }

  async getRegion(id: string): Promise<Region> {
    const row = await this.#ctx.db.selectFrom('region').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('region', id);
    return regionFromRow(row);
  }

  async listRegions(filter: { parentRegionId?: string } = {}): Promise<Region[]> {
    let query = this.#ctx.db.selectFrom('region').selectAll().orderBy('id');
    if (filter.parentRegionId !== undefined) query = query.where('parent_region_id', '=', filter.parentRegionId);
    return (await query.execute()).map(regionFromRow);
  }

  async updateRegion(id: string, patch: Partial<Omit<Region, 'id'>>): Promise<Region> {
    const merged: Region = { ...(await this.getRegion(id)), ...definedPatch(patch), id };
    if (merged.parentRegionId !== null) await this.getRegion(merged.parentRegionId);
    await this.#ctx.db
      .updateTable('region')
      .set({
        description: merged.description,
        parent_region_id: merged.parentRegionId,
        extra: serializeExtra(merged.extra),
      })
      .where('id', '=', id)
      .execute();
    return this.getRegion(id);
  }

  /**
   * Deletes the region and its descendants, as Keystone does, unless any of them still
   * has endpoints (403, Keystone's RegionDeletionError).
   */
  async deleteRegion(id: string): Promise<void> {
    await this.getRegion(id);
    await this.#ctx.db.transaction().execute(async (trx) => {
      const subtree = [id];
      // Breadth-first; the `includes` check stops on a cyclic hierarchy.
      for (let i = 0; i < subtree.length; i += 1) {
        const children = await trx
          .selectFrom('region')
          .select('id')
          .where('parent_region_id', '=', subtree[i] ?? '')
          .execute();
        for (const child of children) if (!subtree.includes(child.id)) subtree.push(child.id);
      }
      const endpoint = await trx.selectFrom('endpoint').select('id').where('region_id', 'in', subtree).executeTakeFirst();
      if (endpoint !== undefined) {
        throw new ForbiddenError(
          `Unable to delete region ${id} because it or its child regions have associated endpoints.`,
        );
      }
      await trx.deleteFrom('region').where('id', 'in', subtree).execute();
    });
  }

  async createService(service: Service): Promise<Service> {
    await storing(this.#ctx, 'service', () => duplicateId(service.id), () =>
      this.#ctx.db.insertInto('service').values(serviceRow(service)).execute());
    return this.getService(service.id);
  }

  async getService(id: string): Promise<Service> {
    const row = await this.#ctx.db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('service', id);
    return serviceFromRow(row);
  }

  async listServices(filter: { type?: string; name?: string } = {}): Promise<Service[]> {
    let query = this.#ctx.db.selectFrom('service').selectAll().orderBy('type').orderBy('id');
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    return (await query.execute()).map(serviceFromRow);
  }

  async updateService(id: string, patch: Partial<Omit<Service, 'id'>>): Promise<Service> {
    const merged: Service = { ...(await this.getService(id)), ...definedPatch(patch), id };
    const { id: _id, ...columns } = serviceRow(merged);
    await this.#ctx.db.updateTable('service').set(columns).where('id', '=', id).execute();
    return this.getService(id);
  }

  /** The service's endpoints go with it (foreign key cascade), as in Keystone. */
  async deleteService(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('service').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw NotFoundError.entity('service', id);
  }

  async createEndpoint(endpoint: Endpoint): Promise<Endpoint> {
    await storing(this.#ctx, 'endpoint', () => duplicateId(endpoint.id), () =>
      this.#ctx.db.insertInto('endpoint').values(endpointRow(endpoint)).execute());
    return this.getEndpoint(endpoint.id);
  }

  async getEndpoint(id: string): Promise<Endpoint> {
    const row = await this.#ctx.db.selectFrom('endpoint').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('endpoint', id);
    return endpointFromRow(row);
  }

  async listEndpoints(
    filter: { serviceId?: string; interface?: EndpointInterface; regionId?: string } = {},
  ): Promise<Endpoint[]> {
    let query = this.#ctx.db.selectFrom('endpoint').selectAll().orderBy('service_id').orderBy('interface').orderBy('id');
    if (filter.serviceId !== undefined) query = query.where('service_id', '=', filter.serviceId);
    if (filter.interface !== undefined) query = query.where('interface', '=', filter.interface);
    if (filter.regionId !== undefined) query = query.where('region_id', '=', filter.regionId);
    return (await query.execute()).map(endpointFromRow);
  }

  async updateEndpoint(id: string, patch: Partial<Omit<Endpoint, 'id'>>): Promise<Endpoint> {
    const merged: Endpoint = { ...(await this.getEndpoint(id)), ...definedPatch(patch), id };
    const { id: _id, ...columns } = endpointRow(merged);
    await storing(this.#ctx, 'endpoint', () => duplicateId(id), () =>
      this.#ctx.db.updateTable('endpoint').set(columns).where('id', '=', id).execute());
    return this.getEndpoint(id);
  }

  async deleteEndpoint(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('endpoint').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw NotFoundError.entity('endpoint', id);
  }
}
