// Domains, projects and groups as Keystone stores them: a description may be NULL. Keystone
// fills in '' only when the attribute is left out; one sent as null is kept, and answered, as
// null. A service's description moves to its extra attributes, as in Keystone (absent when
// not given), so its column may be NULL too. Existing rows keep theirs.
import type { Kysely, Migration } from 'kysely';
import type { StorageDialect } from '@baton/storage';

// No down: NULL descriptions written since could not go back into NOT NULL columns.
export function nullDescriptionsMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const table of ['domain', 'project', 'group', 'service']) await dialect.dropNotNull(db, table, 'description');
    },
  };
}
