// Application credential access rules (keystone/application_credential/backends/sql.py):
// a user's rules, shared by their credentials that name them.
import type { Selectable, Transaction } from 'kysely';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import type { AccessRuleTable, Database } from '../schema.ts';
import type { AccessRule, AccessRuleDriver } from '../types.ts';
import type { DriverContext } from './shared.ts';

// Keystone's kind name, as in its AccessRuleNotFound.
const KIND = 'Access Rule';

export function accessRuleFromRow(row: Selectable<AccessRuleTable>): AccessRule {
  return { id: row.id, userId: row.user_id, service: row.service, path: row.path, method: row.method };
}

/**
 * The user's rule with `rule.id`, else theirs with the same service, path and method, else
 * `rule` stored as a new one (see ApplicationCredentialDriver.createApplicationCredential);
 * another user's rule id is a ValidationError.
 */
export async function findOrStoreAccessRule(trx: Transaction<Database>, rule: AccessRule): Promise<string> {
  const byId = await trx.selectFrom('access_rule').select(['id', 'user_id']).where('id', '=', rule.id).executeTakeFirst();
  // Keystone would attach another user's rule here; Baton refuses to name it.
  if (byId !== undefined && byId.user_id !== rule.userId) throw new ValidationError(`Could not find Access Rule: ${rule.id}.`);
  if (byId !== undefined) return byId.id;
  const same = await trx
    .selectFrom('access_rule')
    .select('id')
    .where('user_id', '=', rule.userId)
    .where((eb) => eb.and([
      rule.service === null ? eb('service', 'is', null) : eb('service', '=', rule.service),
      rule.path === null ? eb('path', 'is', null) : eb('path', '=', rule.path),
      rule.method === null ? eb('method', 'is', null) : eb('method', '=', rule.method),
    ]))
    .executeTakeFirst();
  if (same !== undefined) return same.id;
  await trx
    .insertInto('access_rule')
    .values({ id: rule.id, user_id: rule.userId, service: rule.service, path: rule.path, method: rule.method })
    .execute();
  return rule.id;
}

export class SqlAccessRuleDriver implements AccessRuleDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async getAccessRule(id: string): Promise<AccessRule> {
    const row = await this.#ctx.db.selectFrom('access_rule').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity(KIND, id);
    return accessRuleFromRow(row);
  }

  async listAccessRules(userId: string, filter: { service?: string; path?: string; method?: string } = {}): Promise<AccessRule[]> {
    let query = this.#ctx.db.selectFrom('access_rule').selectAll().where('user_id', '=', userId).orderBy('id');
    if (filter.service !== undefined) query = query.where('service', '=', filter.service);
    if (filter.path !== undefined) query = query.where('path', '=', filter.path);
    if (filter.method !== undefined) query = query.where('method', '=', filter.method);
    return (await query.execute()).map(accessRuleFromRow);
  }

  async deleteAccessRule(id: string): Promise<void> {
    await this.getAccessRule(id);
    const used = await this.#ctx.db
      .selectFrom('application_credential_access_rule')
      .select('access_rule_id')
      .where('access_rule_id', '=', id)
      .executeTakeFirst();
    // Keystone's ForbiddenNotSecurity: the rule stays while a credential names it.
    if (used !== undefined) throw new ForbiddenError('May not delete access rule in use');
    await this.#ctx.db.deleteFrom('access_rule').where('id', '=', id).execute();
  }

  async deleteAccessRulesForUser(userId: string): Promise<void> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      const ids = (await trx.selectFrom('access_rule').select('id').where('user_id', '=', userId).execute()).map((r) => r.id);
      if (ids.length === 0) return;
      await trx.deleteFrom('application_credential_access_rule').where('access_rule_id', 'in', ids).execute();
      await trx.deleteFrom('access_rule').where('id', 'in', ids).execute();
    });
  }
}
