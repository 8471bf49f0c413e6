// [security_compliance] unique_last_password_count and minimum_password_age: when the
// current password was set and whether by its user (Keystone's password.created_at and
// self_service), and the hashes of the ones before it (Keystone keeps them as rows of its
// password table; here a JSON array on the user, newest last).
import { sql, type Kysely, type Migration } from 'kysely';

export function passwordHistoryMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('user').addColumn('password_created_at', 'bigint').execute();
      await db.schema.alterTable('user').addColumn('password_self_service', 'boolean', (col) => col.notNull().defaultTo(sql`false`)).execute();
      await db.schema.alterTable('user').addColumn('password_history', 'text', (col) => col.notNull().defaultTo(sql`'[]'`)).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('user').dropColumn('password_history').execute();
      await db.schema.alterTable('user').dropColumn('password_self_service').execute();
      await db.schema.alterTable('user').dropColumn('password_created_at').execute();
    },
  };
}
