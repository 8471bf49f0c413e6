// Policy blobs (keystone/policy/backends/sql.py): opaque documents with a type.
import type { Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { PolicyTable } from '../schema.ts';
import type { PolicyBlob, PolicyDriver } from '../types.ts';
import { type DriverContext, definedPatch, parseExtra, serializeExtra, storing } from './shared.ts';

function fromRow(row: Selectable<PolicyTable>): PolicyBlob {
  return { id: row.id, type: row.type, blob: row.blob, extra: parseExtra(row.extra) };
}

const missing = (id: string): NotFoundError => NotFoundError.entity('policy', id);

export class SqlPolicyDriver implements PolicyDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async createPolicy(policy: PolicyBlob): Promise<PolicyBlob> {
    await storing(this.#ctx, 'policy', () => `Duplicate entry found with ID ${policy.id}`, () =>
      this.#ctx.db.insertInto('policy').values({ ...policy, extra: serializeExtra(policy.extra) }).execute());
    return this.getPolicy(policy.id);
  }

  async getPolicy(id: string): Promise<PolicyBlob> {
    const row = await this.#ctx.db.selectFrom('policy').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw missing(id);
    return fromRow(row);
  }

  async listPolicies(filter: { type?: string } = {}): Promise<PolicyBlob[]> {
    let query = this.#ctx.db.selectFrom('policy').selectAll().orderBy('id');
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    return (await query.execute()).map(fromRow);
  }

  async updatePolicy(id: string, patch: Partial<Omit<PolicyBlob, 'id'>>): Promise<PolicyBlob> {
    const merged: PolicyBlob = { ...(await this.getPolicy(id)), ...definedPatch(patch), id };
    await this.#ctx.db
      .updateTable('policy')
      .set({ type: merged.type, blob: merged.blob, extra: serializeExtra(merged.extra) })
      .where('id', '=', id)
      .execute();
    return this.getPolicy(id);
  }

  async deletePolicy(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('policy').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw missing(id);
  }
}
