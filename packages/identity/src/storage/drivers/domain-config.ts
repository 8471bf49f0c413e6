// Domain-specific configuration (keystone/resource/config_backends/sql.py): one row per
// option, its value as JSON.
import { fromDbBoolean } from '@baton/storage';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { DomainConfigDriver, DomainConfigOption } from '../types.ts';
import type { DriverContext } from './shared.ts';

type OptionFilter = { group?: string; option?: string };

function insertOptions(db: Kysely<Database>, domainId: string, options: DomainConfigOption[]) {
  return db
    .insertInto('domain_config')
    .values(options.map((o) => ({ domain_id: domainId, group: o.group, option: o.option, value: JSON.stringify(o.value), sensitive: o.sensitive })))
    .execute();
}

function deleteOptions(db: Kysely<Database>, domainId: string, filter: OptionFilter) {
  let query = db.deleteFrom('domain_config').where('domain_id', '=', domainId);
  if (filter.group !== undefined) query = query.where('group', '=', filter.group);
  if (filter.option !== undefined) query = query.where('option', '=', filter.option);
  return query.execute();
}

export class SqlDomainConfigDriver implements DomainConfigDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async listConfigOptions(domainId: string, filter: OptionFilter & { sensitive?: boolean } = {}): Promise<DomainConfigOption[]> {
    let query = this.#ctx.db.selectFrom('domain_config').selectAll().where('domain_id', '=', domainId).orderBy('group').orderBy('option');
    if (filter.group !== undefined) query = query.where('group', '=', filter.group);
    if (filter.option !== undefined) query = query.where('option', '=', filter.option);
    if (filter.sensitive !== undefined) query = query.where('sensitive', '=', filter.sensitive);
    return (await query.execute()).map((row) => ({
      group: row.group,
      option: row.option,
      value: JSON.parse(row.value) as unknown,
      sensitive: fromDbBoolean(row.sensitive),
    }));
  }

  async replaceConfigOptions(domainId: string, options: DomainConfigOption[]): Promise<void> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      await deleteOptions(trx, domainId, {});
      if (options.length > 0) await insertOptions(trx, domainId, options);
    });
  }

  async updateConfigOptions(domainId: string, options: DomainConfigOption[]): Promise<void> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      for (const o of options) await deleteOptions(trx, domainId, { group: o.group, option: o.option });
      if (options.length > 0) await insertOptions(trx, domainId, options);
    });
  }

  async deleteConfigOptions(domainId: string, filter: OptionFilter = {}): Promise<void> {
    await deleteOptions(this.#ctx.db, domainId, filter);
  }
}
