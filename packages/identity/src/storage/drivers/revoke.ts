// Revocation events: appended on revoke, read on every token validation, pruned on write.
import type { RevokeDriver, RevocationEvent } from '../types.ts';
import type { DriverContext } from './shared.ts';

export class SqlRevokeDriver implements RevokeDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async addEvent(event: RevocationEvent, pruneBefore: number): Promise<void> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('revocation_event')
        .values({
          user_id: event.userId,
          project_id: event.projectId,
          domain_id: event.domainId,
          role_id: event.roleId,
          trust_id: event.trustId,
          audit_id: event.auditId,
          audit_chain_id: event.auditChainId,
          expires_at: event.expiresAt,
          revoked_at: event.revokedAt,
          issued_before: event.issuedBefore,
        })
        .execute();
      await trx.deleteFrom('revocation_event').where('revoked_at', '<', pruneBefore).execute();
    });
  }

  async listEventsSince(issuedAt: number): Promise<RevocationEvent[]> {
    const rows = await this.#ctx.db
      .selectFrom('revocation_event')
      .selectAll()
      .where('issued_before', '>=', issuedAt)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      userId: row.user_id,
      projectId: row.project_id,
      domainId: row.domain_id,
      roleId: row.role_id,
      trustId: row.trust_id,
      auditId: row.audit_id,
      auditChainId: row.audit_chain_id,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
      issuedBefore: row.issued_before,
    }));
  }
}
