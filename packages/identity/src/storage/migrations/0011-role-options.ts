// Roles and application credentials as Keystone stores them: a description (and a
// credential's `unrestricted`) may be NULL (Keystone answers null for one created without
// it; existing rows keep theirs), and a role has resource options (keystone/assignment/role_backends/sql_model.py
// keeps them in role_option rows; here a JSON object by option name, `{}` for none).
import { sql, type Kysely, type Migration } from 'kysely';
import type { StorageDialect } from '@baton/storage';

// No down: NULL descriptions written since could not go back into NOT NULL columns.
export function roleOptionsMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await dialect.dropNotNull(db, 'role', 'description');
      await dialect.dropNotNull(db, 'application_credential', 'description');
      await dialect.dropNotNull(db, 'application_credential', 'unrestricted');
      await db.schema.alterTable('role').addColumn('options', 'text', (col) => col.notNull().defaultTo(sql`'{}'`)).execute();
    },
  };
}
