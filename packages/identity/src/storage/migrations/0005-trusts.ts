// Trusts (Keystone's trust and trust_role tables). A deleted trust is removed, not marked
// deleted as Keystone does: nothing reads a deleted trust again.
import type { Kysely, Migration } from 'kysely';

const ID = 'varchar(64)';

export function trustsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // No foreign keys on the users and project: their managers delete the trusts.
      await db.schema
        .createTable('trust')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('trustor_user_id', ID, (col) => col.notNull())
        .addColumn('trustee_user_id', ID, (col) => col.notNull())
        .addColumn('project_id', ID)
        .addColumn('impersonation', 'boolean', (col) => col.notNull())
        // Epoch seconds with Keystone's microseconds, hence not bigint like the other timestamps.
        .addColumn('expires_at', 'double precision')
        .addColumn('remaining_uses', 'integer')
        .addColumn('redelegated_trust_id', ID)
        .addColumn('redelegation_count', 'integer')
        .addColumn('extra', 'text', (col) => col.notNull())
        .execute();
      // Keystone's duplicate_trust_constraint (NULLs never clash, on either database).
      await db.schema
        .createIndex('duplicate_trust_constraint')
        .unique()
        .on('trust')
        .columns(['trustor_user_id', 'trustee_user_id', 'project_id', 'impersonation', 'expires_at'])
        .execute();
      await db.schema.createIndex('ix_trust_trustee_user_id').on('trust').column('trustee_user_id').execute();
      await db.schema
        .createTable('trust_role')
        .addColumn('trust_id', ID, (col) => col.notNull().references('trust.id').onDelete('cascade'))
        .addColumn('role_id', ID, (col) => col.notNull())
        .addPrimaryKeyConstraint('trust_role_pkey', ['trust_id', 'role_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('trust_role').execute();
      await db.schema.dropTable('trust').execute();
    },
  };
}
