// Revocation events: appended on revoke, read on every token validation, pruned on write.
import { createQueryId, type CompiledQuery, type Selectable } from 'kysely';
import type { RevocationEventTable } from '../schema.ts';
import type { RevokeDriver, RevocationEvent } from '../types.ts';
import type { DriverContext } from './shared.ts';

type EventRow = Selectable<RevocationEventTable>;

export class SqlRevokeDriver implements RevokeDriver {
  readonly #ctx: DriverContext;
  /**
   * listEventsSince's query, compiled once with a stand-in bound: it runs on every token
   * validation, and building and compiling it with Kysely cost more than SQLite running it.
   */
  readonly #eventsSince: CompiledQuery<EventRow>;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
    this.#eventsSince = ctx.db
      .selectFrom('revocation_event')
      .selectAll()
      .where('issued_before', '>=', 0)
      .orderBy('id')
      .compile();
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
    const query = { ...this.#eventsSince, parameters: [issuedAt], queryId: createQueryId() };
    const { rows } = await this.#ctx.db.executeQuery<EventRow>(query);
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
