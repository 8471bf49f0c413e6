// @baton/storage: one way to open oslo.db's `[database] connection` (SQLite by default,
// PostgreSQL for many nodes) as a Kysely database and bring its schema up to date. Identity
// and every cloud service open their databases through it.
import { Kysely, Migrator, type Migration } from 'kysely';
import { parseConnection } from './connection.ts';
import type { StorageDialect } from './dialect.ts';
import { postgresDialect } from './postgres.ts';
import { sqliteDialect } from './sqlite.ts';

export { parseConnection } from './connection.ts';
export type { ConnectionTarget } from './connection.ts';
export { driverErrorCode } from './dialect.ts';
export { fromDbBoolean, toDbBoolean } from './booleans.ts';
export type { StorageDialect } from './dialect.ts';
export type { PostgresTarget } from './postgres.ts';

export interface OpenedDatabase<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: StorageDialect;
  close(): Promise<void>;
}

/**
 * Opens the database named by `connection` (no migration is run).
 * `log` receives one line per ignored connection parameter.
 * @throws TypeError for a connection URL Baton cannot use.
 */
export async function openDatabase<DB>(connection: string, log: (msg: string) => void = () => {}): Promise<OpenedDatabase<DB>> {
  const target = parseConnection(connection, log);
  const dialect = target.kind === 'sqlite' ? sqliteDialect(target.filename) : await postgresDialect(target);
  const db = new Kysely<DB>({ dialect: dialect.kysely, plugins: [...dialect.plugins] });
  return { db, dialect, close: () => db.destroy() };
}

/**
 * Applies the migrations not yet recorded, in name order. The names are what Kysely records
 * in kysely_migration, so they must never change once released.
 */
export async function migrateToLatest<DB>(
  opened: OpenedDatabase<DB>,
  migrations: Readonly<Record<string, Migration>>,
  log: (msg: string) => void = () => {},
): Promise<void> {
  const migrator = new Migrator({
    db: opened.db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
    migrationTableSchema: await opened.dialect.migrationSchema(opened.db),
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) log(`migration ${result.migrationName}: ${result.status}`);
  if (error !== undefined) throw error;
}
