// Registered limits and project/domain limits (keystone/limit/backends/sql.py). A limit
// row points at its registered limit; service, region and resource name are read from there.
import type { Selectable, Transaction } from 'kysely';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import type { Database, LimitTable, RegisteredLimitTable } from '../schema.ts';
import type { Limit, LimitFilter, RegisteredLimit, UnifiedLimitDriver } from '../types.ts';
import { type DriverContext, conflict, definedPatch, storing } from './shared.ts';

function registeredFromRow(row: Selectable<RegisteredLimitTable>): RegisteredLimit {
  return {
    id: row.id,
    serviceId: row.service_id,
    regionId: row.region_id,
    resourceName: row.resource_name,
    defaultLimit: row.default_limit,
    description: row.description,
  };
}

const DUPLICATE = 'Duplicate entry';

function referenced(id: string): ForbiddenError {
  return new ForbiddenError(`Unable to update or delete registered limit ${id} because there are project limits associated with it.`);
}

export class SqlUnifiedLimitDriver implements UnifiedLimitDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  #registered(db: Transaction<Database> | DriverContext['db'], filter: Omit<LimitFilter, 'projectId' | 'domainId'>) {
    let query = db.selectFrom('registered_limit').selectAll();
    if (filter.serviceId !== undefined) query = query.where('service_id', '=', filter.serviceId);
    if (filter.resourceName !== undefined) query = query.where('resource_name', '=', filter.resourceName);
    if (filter.regionId === null) query = query.where('region_id', 'is', null);
    else if (filter.regionId !== undefined) query = query.where('region_id', '=', filter.regionId);
    return query;
  }

  async createRegisteredLimits(limits: RegisteredLimit[]): Promise<RegisteredLimit[]> {
    await storing(this.#ctx, 'registered_limit', () => DUPLICATE, () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        for (const limit of limits) {
          const same = await this.#registered(trx, limit).select('id').executeTakeFirst();
          if (same !== undefined) throw conflict('registered_limit', DUPLICATE);
          await trx
            .insertInto('registered_limit')
            .values({
              id: limit.id,
              service_id: limit.serviceId,
              region_id: limit.regionId,
              resource_name: limit.resourceName,
              default_limit: limit.defaultLimit,
              description: limit.description,
            })
            .execute();
        }
      }));
    return Promise.all(limits.map((limit) => this.getRegisteredLimit(limit.id)));
  }

  async getRegisteredLimit(id: string): Promise<RegisteredLimit> {
    const row = await this.#ctx.db.selectFrom('registered_limit').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`Could not find registered limit for ${id}.`);
    return registeredFromRow(row);
  }

  async listRegisteredLimits(filter: Omit<LimitFilter, 'projectId' | 'domainId'> = {}): Promise<RegisteredLimit[]> {
    return (await this.#registered(this.#ctx.db, filter).orderBy('id').execute()).map(registeredFromRow);
  }

  async updateRegisteredLimit(id: string, patch: Partial<Omit<RegisteredLimit, 'id'>>): Promise<RegisteredLimit> {
    await storing(this.#ctx, 'registered_limit', () => DUPLICATE, () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('registered_limit').selectAll().where('id', '=', id).executeTakeFirst();
        if (before === undefined) throw new NotFoundError(`Could not find registered limit for ${id}.`);
        if ((await trx.selectFrom('limit').select('id').where('registered_limit_id', '=', id).executeTakeFirst()) !== undefined) {
          throw referenced(id);
        }
        const merged: RegisteredLimit = { ...registeredFromRow(before), ...definedPatch(patch), id };
        const same = await this.#registered(trx, merged).select('id').where('id', '!=', id).executeTakeFirst();
        if (same !== undefined) throw conflict('registered_limit', DUPLICATE);
        await trx
          .updateTable('registered_limit')
          .set({
            service_id: merged.serviceId,
            region_id: merged.regionId,
            resource_name: merged.resourceName,
            default_limit: merged.defaultLimit,
            description: merged.description,
          })
          .where('id', '=', id)
          .execute();
      }));
    return this.getRegisteredLimit(id);
  }

  async deleteRegisteredLimit(id: string): Promise<void> {
    await this.getRegisteredLimit(id);
    await this.#ctx.db.transaction().execute(async (trx) => {
      if ((await trx.selectFrom('limit').select('id').where('registered_limit_id', '=', id).executeTakeFirst()) !== undefined) {
        throw referenced(id);
      }
      await trx.deleteFrom('registered_limit').where('id', '=', id).execute();
    });
  }

  #limits(filter: LimitFilter) {
    let query = this.#ctx.db
      .selectFrom('limit')
      .innerJoin('registered_limit', 'registered_limit.id', 'limit.registered_limit_id')
      .select([
        'limit.id as id',
        'limit.project_id as project_id',
        'limit.domain_id as domain_id',
        'limit.registered_limit_id as registered_limit_id',
        'limit.resource_limit as resource_limit',
        'limit.description as description',
        'registered_limit.service_id as service_id',
        'registered_limit.region_id as region_id',
        'registered_limit.resource_name as resource_name',
      ]);
    if (filter.serviceId !== undefined) query = query.where('registered_limit.service_id', '=', filter.serviceId);
    if (filter.resourceName !== undefined) query = query.where('registered_limit.resource_name', '=', filter.resourceName);
    if (filter.regionId === null) query = query.where('registered_limit.region_id', 'is', null);
    else if (filter.regionId !== undefined) query = query.where('registered_limit.region_id', '=', filter.regionId);
    if (filter.projectId !== undefined) query = query.where('limit.project_id', '=', filter.projectId);
    if (filter.domainId !== undefined) query = query.where('limit.domain_id', '=', filter.domainId);
    return query.orderBy('limit.id');
  }

  async createLimits(limits: Omit<Limit, 'registeredLimitId'>[]): Promise<Limit[]> {
    await storing(this.#ctx, 'limit', () => DUPLICATE, () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        for (const limit of limits) {
          const registered = await this.#registered(trx, limit).select('id').executeTakeFirst();
          if (registered === undefined) throw new ForbiddenError('Unable to create a limit that has no corresponding registered limit.');
          let same = trx.selectFrom('limit').select('id').where('registered_limit_id', '=', registered.id);
          same = limit.projectId !== null ? same.where('project_id', '=', limit.projectId) : same.where('domain_id', '=', limit.domainId);
          if ((await same.executeTakeFirst()) !== undefined) throw conflict('limit', DUPLICATE);
          await trx
            .insertInto('limit')
            .values({
              id: limit.id,
              project_id: limit.projectId,
              domain_id: limit.domainId,
              registered_limit_id: registered.id,
              resource_limit: limit.resourceLimit,
              description: limit.description,
            })
            .execute();
        }
      }));
    return Promise.all(limits.map((limit) => this.getLimit(limit.id)));
  }

  async getLimit(id: string): Promise<Limit> {
    const row = await this.#limits({}).where('limit.id', '=', id).executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`Could not find limit for ${id}.`);
    return limitFromRow(row);
  }

  async listLimits(filter: LimitFilter = {}): Promise<Limit[]> {
    return (await this.#limits(filter).execute()).map(limitFromRow);
  }

  async updateLimit(id: string, patch: { resourceLimit?: number; description?: string | null }): Promise<Limit> {
    await this.getLimit(id);
    const set = definedPatch({ resource_limit: patch.resourceLimit, description: patch.description });
    if (Object.keys(set).length > 0) await this.#ctx.db.updateTable('limit').set(set).where('id', '=', id).execute();
    return this.getLimit(id);
  }

  async deleteLimit(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('limit').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError(`Could not find limit for ${id}.`);
  }

  async deleteLimitsForProject(projectId: string): Promise<void> {
    await this.#ctx.db.deleteFrom('limit').where('project_id', '=', projectId).execute();
  }
}

/** A limit row joined with the registered limit it refines (service, region, resource). */
function limitFromRow(row: Selectable<LimitTable> & Pick<Selectable<RegisteredLimitTable>, 'service_id' | 'region_id' | 'resource_name'>): Limit {
  return {
    id: row.id,
    projectId: row.project_id,
    domainId: row.domain_id,
    registeredLimitId: row.registered_limit_id,
    serviceId: row.service_id,
    regionId: row.region_id,
    resourceName: row.resource_name,
    resourceLimit: row.resource_limit,
    description: row.description,
  };
}
