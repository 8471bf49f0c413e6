// OS-OAUTH1 (keystone/oauth1/backends/sql.py): consumers, request tokens, access tokens.
// Deleting a consumer takes its tokens along, as Keystone's delete_consumer does.
import type { Kysely, Migration } from 'kysely';

const ID = 'varchar(64)';

export function oauth1Migration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('consumer')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('description', 'varchar(64)')
        .addColumn('secret', ID, (col) => col.notNull())
        .addColumn('extra', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('request_token')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('request_secret', ID, (col) => col.notNull())
        .addColumn('verifier', ID)
        .addColumn('authorizing_user_id', ID)
        .addColumn('requested_project_id', ID, (col) => col.notNull())
        .addColumn('role_ids', 'text')
        .addColumn('consumer_id', ID, (col) => col.notNull().references('consumer.id').onDelete('cascade'))
        .addColumn('expires_at', 'double precision')
        .execute();
      await db.schema.createIndex('ix_request_token_consumer_id').on('request_token').column('consumer_id').execute();
      await db.schema
        .createTable('access_token')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('access_secret', ID, (col) => col.notNull())
        .addColumn('authorizing_user_id', ID, (col) => col.notNull())
        .addColumn('project_id', ID, (col) => col.notNull())
        .addColumn('role_ids', 'text', (col) => col.notNull())
        .addColumn('consumer_id', ID, (col) => col.notNull().references('consumer.id').onDelete('cascade'))
        .addColumn('expires_at', 'double precision')
        .execute();
      await db.schema.createIndex('ix_access_token_authorizing_user_id').on('access_token').column('authorizing_user_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('access_token').execute();
      await db.schema.dropTable('request_token').execute();
      await db.schema.dropTable('consumer').execute();
    },
  };
}
