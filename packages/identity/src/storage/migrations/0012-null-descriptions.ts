// Descriptions as Keystone stores them. A domain's, project's or group's may be NULL: Keystone
// fills in '' only when the attribute is left out, and one sent as null is kept, and answered,
// as null. A service's is one of its extra attributes (absent when not given, any JSON when
// given), so the column goes and each row's description moves into its extra JSON, answered as
// before. Existing rows keep theirs.
import { sql, type Kysely, type Migration } from 'kysely';
import type { StorageDialect } from '@baton/storage';

// No down: NULL descriptions written since could not go back into NOT NULL columns.
export function nullDescriptionsMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const table of ['domain', 'project', 'group']) await dialect.dropNotNull(db, table, 'description');
      const services = await sql<{ id: string; description: string; extra: string }>`select id, description, extra from service`.execute(db);
      for (const { id, description, extra } of services.rows) {
        const moved = JSON.stringify({ ...(JSON.parse(extra) as Record<string, unknown>), description });
        await sql`update service set extra = ${moved} where id = ${id}`.execute(db);
      }
      await db.schema.alterTable('service').dropColumn('description').execute();
    },
  };
}
