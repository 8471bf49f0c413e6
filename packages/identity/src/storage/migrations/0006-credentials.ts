// Keystone's credential table (/v3/credentials and EC2 credentials), blobs encrypted.
import type { Kysely, Migration } from 'kysely';

const ID = 'varchar(64)';

export function credentialsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // No foreign keys on user_id/project_id: the managers delete a user's or project's
      // credentials, as Keystone's notification callbacks do.
      await db.schema
        .createTable('credential')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('user_id', ID, (col) => col.notNull())
        .addColumn('project_id', ID)
        .addColumn('type', 'varchar(255)', (col) => col.notNull())
        .addColumn('encrypted_blob', 'text', (col) => col.notNull())
        .addColumn('key_hash', 'varchar(64)', (col) => col.notNull())
        .addColumn('extra', 'text', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('ix_credential_user_id').on('credential').column('user_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('credential').execute();
    },
  };
}
