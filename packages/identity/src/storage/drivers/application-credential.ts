// Application credentials and the roles each one delegates.
import { fromDbBoolean } from '@baton/storage';
import type { Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { ApplicationCredentialTable } from '../schema.ts';
import type { AccessRule, ApplicationCredential, ApplicationCredentialDriver } from '../types.ts';
import { type DriverContext, duplicateName, storing } from './shared.ts';
import { accessRuleFromRow, findOrStoreAccessRule } from './access-rule.ts';

// Keystone's kind name, capitalised as in its ApplicationCredentialNotFound.
const KIND = 'Application Credential';

export class SqlApplicationCredentialDriver implements ApplicationCredentialDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async createApplicationCredential(credential: ApplicationCredential): Promise<ApplicationCredential> {
    await storing(this.#ctx, 'application_credential', () => duplicateName(credential.name), () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('application_credential')
          .values({
            id: credential.id,
            name: credential.name,
            user_id: credential.userId,
            project_id: credential.projectId,
            description: credential.description,
            secret_hash: credential.secretHash,
            expires_at: credential.expiresAt,
            unrestricted: credential.unrestricted,
          })
          .execute();
        const roleIds = [...new Set(credential.roleIds)];
        if (roleIds.length > 0) {
          await trx
            .insertInto('application_credential_role')
            .values(roleIds.map((roleId) => ({ application_credential_id: credential.id, role_id: roleId })))
            .execute();
        }
        for (const rule of credential.accessRules ?? []) {
          const ruleId = await findOrStoreAccessRule(trx, { ...rule, userId: credential.userId });
          await trx
            .insertInto('application_credential_access_rule')
            .values({ application_credential_id: credential.id, access_rule_id: ruleId })
            .execute();
        }
      }));
    return this.getApplicationCredential(credential.id);
  }

  async getApplicationCredential(id: string): Promise<ApplicationCredential> {
    const rows = await this.#ctx.db.selectFrom('application_credential').selectAll().where('id', '=', id).execute();
    const [credential] = await this.#withRoles(rows);
    if (credential === undefined) throw NotFoundError.entity(KIND, id);
    return credential;
  }

  async getApplicationCredentialByName(name: string, userId: string): Promise<ApplicationCredential> {
    const [credential] = await this.listApplicationCredentials(userId, { name });
    if (credential === undefined) throw NotFoundError.entity(KIND, name);
    return credential;
  }

  async listApplicationCredentials(userId: string, filter: { name?: string } = {}): Promise<ApplicationCredential[]> {
    let query = this.#ctx.db
      .selectFrom('application_credential')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('name');
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    return this.#withRoles(await query.execute());
  }

  /** Its role rows go with it (foreign key cascade). */
  async deleteApplicationCredential(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('application_credential').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw NotFoundError.entity(KIND, id);
  }

  async deleteApplicationCredentialsForUser(userId: string): Promise<void> {
    await this.#ctx.db.deleteFrom('application_credential').where('user_id', '=', userId).execute();
  }

  async #withRoles(rows: Selectable<ApplicationCredentialTable>[]): Promise<ApplicationCredential[]> {
    if (rows.length === 0) return [];
    const roleRows = await this.#ctx.db
      .selectFrom('application_credential_role')
      .selectAll()
      .where('application_credential_id', 'in', rows.map((row) => row.id))
      .orderBy('role_id')
      .execute();
    const roles = new Map<string, string[]>();
    for (const { application_credential_id: id, role_id: roleId } of roleRows) {
      roles.set(id, [...(roles.get(id) ?? []), roleId]);
    }
    const ruleRows = await this.#ctx.db
      .selectFrom('application_credential_access_rule')
      .innerJoin('access_rule', 'access_rule.id', 'application_credential_access_rule.access_rule_id')
      .selectAll('access_rule')
      .select('application_credential_access_rule.application_credential_id')
      .where('application_credential_id', 'in', rows.map((row) => row.id))
      .orderBy('access_rule.id')
      .execute();
    const rules = new Map<string, AccessRule[]>();
    for (const row of ruleRows) {
      rules.set(row.application_credential_id, [...(rules.get(row.application_credential_id) ?? []), accessRuleFromRow(row)]);
    }
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      userId: row.user_id,
      projectId: row.project_id,
      description: row.description,
      secretHash: row.secret_hash,
      expiresAt: row.expires_at,
      unrestricted: row.unrestricted === null ? null : fromDbBoolean(row.unrestricted),
      roleIds: roles.get(row.id) ?? [],
      // Present only when it has rules, as Keystone answers it.
      ...(rules.has(row.id) ? { accessRules: rules.get(row.id) } : {}),
    }));
  }
}
