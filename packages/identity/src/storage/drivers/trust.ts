// Trusts and the roles each one delegates.
import { fromDbBoolean } from '@baton/storage';
import type { Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { TrustTable } from '../schema.ts';
import type { Trust, TrustDriver } from '../types.ts';
import { type DriverContext, parseExtra, serializeExtra, storing } from './shared.ts';

export class SqlTrustDriver implements TrustDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async createTrust(trust: Trust): Promise<Trust> {
    await storing(this.#ctx, 'trust', () => `Duplicate entry found with ID ${trust.id}`, () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('trust')
          .values({
            id: trust.id,
            trustor_user_id: trust.trustorUserId,
            trustee_user_id: trust.trusteeUserId,
            project_id: trust.projectId,
            impersonation: trust.impersonation,
            expires_at: trust.expiresAt,
            remaining_uses: trust.remainingUses,
            redelegated_trust_id: trust.redelegatedTrustId,
            redelegation_count: trust.redelegationCount,
            extra: serializeExtra(trust.extra),
          })
          .execute();
        const roleIds = [...new Set(trust.roleIds)];
        if (roleIds.length > 0) {
          await trx.insertInto('trust_role').values(roleIds.map((roleId) => ({ trust_id: trust.id, role_id: roleId }))).execute();
        }
      }));
    return this.getTrust(trust.id);
  }

  async getTrust(id: string): Promise<Trust> {
    const rows = await this.#ctx.db.selectFrom('trust').selectAll().where('id', '=', id).execute();
    const [trust] = await this.#withRoles(rows);
    if (trust === undefined) throw NotFoundError.entity('trust', id);
    return trust;
  }

  async listTrusts(filter: { trustorUserId?: string; trusteeUserId?: string; redelegatedTrustId?: string } = {}): Promise<Trust[]> {
    let query = this.#ctx.db.selectFrom('trust').selectAll().orderBy('id');
    if (filter.trustorUserId !== undefined) query = query.where('trustor_user_id', '=', filter.trustorUserId);
    if (filter.trusteeUserId !== undefined) query = query.where('trustee_user_id', '=', filter.trusteeUserId);
    if (filter.redelegatedTrustId !== undefined) query = query.where('redelegated_trust_id', '=', filter.redelegatedTrustId);
    return this.#withRoles(await query.execute());
  }

  async consumeTrustUse(id: string): Promise<boolean> {
    const { remaining_uses: remaining } = await this.#ctx.db
      .selectFrom('trust')
      .select('remaining_uses')
      .where('id', '=', id)
      .executeTakeFirstOrThrow(() => NotFoundError.entity('trust', id));
    if (remaining === null) return true;
    // One conditional update: of two nodes taking the last use, one sees no row changed.
    const result = await this.#ctx.db
      .updateTable('trust')
      .set((eb) => ({ remaining_uses: eb('remaining_uses', '-', 1) }))
      .where('id', '=', id)
      .where('remaining_uses', '>', 0)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Its role rows go with it (foreign key cascade). */
  async deleteTrust(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('trust').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw NotFoundError.entity('trust', id);
  }

  async deleteTrustsForUser(userId: string): Promise<void> {
    await this.#ctx.db
      .deleteFrom('trust')
      .where((eb) => eb.or([eb('trustor_user_id', '=', userId), eb('trustee_user_id', '=', userId)]))
      .execute();
  }

  async deleteTrustsForProject(projectId: string): Promise<void> {
    await this.#ctx.db.deleteFrom('trust').where('project_id', '=', projectId).execute();
  }

  async #withRoles(rows: Selectable<TrustTable>[]): Promise<Trust[]> {
    if (rows.length === 0) return [];
    const roleRows = await this.#ctx.db
      .selectFrom('trust_role')
      .selectAll()
      .where('trust_id', 'in', rows.map((row) => row.id))
      .orderBy('role_id')
      .execute();
    const roles = new Map<string, string[]>();
    for (const { trust_id: id, role_id: roleId } of roleRows) roles.set(id, [...(roles.get(id) ?? []), roleId]);
    return rows.map((row) => ({
      id: row.id,
      trustorUserId: row.trustor_user_id,
      trusteeUserId: row.trustee_user_id,
      projectId: row.project_id,
      impersonation: fromDbBoolean(row.impersonation),
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      remainingUses: row.remaining_uses,
      redelegatedTrustId: row.redelegated_trust_id,
      redelegationCount: row.redelegation_count ?? 0,
      roleIds: roles.get(row.id) ?? [],
      extra: parseExtra(row.extra),
    }));
  }
}
