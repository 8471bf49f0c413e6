// Every migration, in order, as a static map (no files read at runtime): the names are
// what Kysely records in kysely_migration, so they must never change once released.
import type { Migration, MigrationProvider } from 'kysely';
import type { StorageDialect } from '../dialects/dialect.ts';
import { initialMigration } from './0001-initial.ts';
import { lockoutMigration } from './0002-lockout.ts';

export function migrationProvider(dialect: StorageDialect): MigrationProvider {
  return {
    getMigrations: (): Promise<Record<string, Migration>> =>
      Promise.resolve({
        '0001-initial': initialMigration(dialect),
        '0002-lockout': lockoutMigration(),
      }),
  };
}
