// Credentials (keystone/credential/backends/sql.py): the blob is stored only encrypted;
// the manager encrypts and decrypts.
import type { Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { CredentialTable } from '../schema.ts';
import type { CredentialDriver, CredentialFilter, StoredCredential } from '../types.ts';
import { type DriverContext, parseExtra, serializeExtra, storing } from './shared.ts';

function fromRow(row: Selectable<CredentialTable>): StoredCredential {
  return {
    id: row.id,
    userId: row.user_id,
    projectId: row.project_id,
    type: row.type,
    encryptedBlob: row.encrypted_blob,
    keyHash: row.key_hash,
    extra: parseExtra(row.extra),
  };
}

const missing = (id: string): NotFoundError => NotFoundError.entity('credential', id);

export class SqlCredentialDriver implements CredentialDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async createCredential(c: StoredCredential): Promise<StoredCredential> {
    await storing(this.#ctx, 'credential', () => `Duplicate entry found with ID ${c.id}`, () =>
      this.#ctx.db
        .insertInto('credential')
        .values({
          id: c.id,
          user_id: c.userId,
          project_id: c.projectId,
          type: c.type,
          encrypted_blob: c.encryptedBlob,
          key_hash: c.keyHash,
          extra: serializeExtra(c.extra),
        })
        .execute());
    return this.getCredential(c.id);
  }

  async getCredential(id: string): Promise<StoredCredential> {
    const row = await this.#ctx.db.selectFrom('credential').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw missing(id);
    return fromRow(row);
  }

  async listCredentials(filter: CredentialFilter = {}): Promise<StoredCredential[]> {
    let query = this.#ctx.db.selectFrom('credential').selectAll().orderBy('id');
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    return (await query.execute()).map(fromRow);
  }

  async updateCredentialBlob(id: string, blob: { encryptedBlob: string; keyHash: string }): Promise<StoredCredential> {
    const result = await this.#ctx.db
      .updateTable('credential')
      .set({ encrypted_blob: blob.encryptedBlob, key_hash: blob.keyHash })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw missing(id);
    return this.getCredential(id);
  }

  async deleteCredential(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('credential').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw missing(id);
  }

  async deleteCredentialsForUser(userId: string): Promise<void> {
    await this.#ctx.db.deleteFrom('credential').where('user_id', '=', userId).execute();
  }

  async deleteCredentialsForProject(projectId: string): Promise<void> {
    await this.#ctx.db.deleteFrom('credential').where('project_id', '=', projectId).execute();
  }
}
