// [security_compliance] lockout: failed password attempts per user, as Keystone keeps
// them on local_user (failed_auth_count, failed_auth_at; epoch seconds here).
import type { Kysely, Migration } from 'kysely';

export function lockoutMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('user').addColumn('failed_auth_count', 'integer', (col) => col.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('user').addColumn('failed_auth_at', 'bigint').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('user').dropColumn('failed_auth_at').execute();
      await db.schema.alterTable('user').dropColumn('failed_auth_count').execute();
    },
  };
}
