// A service's database: opened through @baton/storage (SQLite by default, PostgreSQL for
// many nodes) and migrated to the latest schema before the service answers.
import type { Migration } from 'kysely';
import { migrateToLatest, openDatabase, type OpenedDatabase, type StorageDialect } from '@baton/storage';

export type { OpenedDatabase, StorageDialect } from '@baton/storage';

/** Opens `[database] connection` and applies the service's migrations (named, in name order). */
export async function openServiceDatabase<DB>(
  connection: string,
  migrations: (dialect: StorageDialect) => Readonly<Record<string, Migration>>,
  log: (msg: string) => void = () => {},
): Promise<OpenedDatabase<DB>> {
  const opened = await openDatabase<DB>(connection, log);
  try {
    await migrateToLatest(opened, migrations(opened.dialect), log);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}
