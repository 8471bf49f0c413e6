// The identity service's storage: one Kysely connection (SQLite or PostgreSQL) shared by
// every driver. `connection` is oslo.db's `[database] connection` URL.
import { Kysely, Migrator } from 'kysely';
import { parseConnection } from './connection.ts';
import type { StorageDialect } from './dialects/dialect.ts';
import { postgresDialect } from './dialects/postgres.ts';
import { sqliteDialect } from './dialects/sqlite.ts';
import { SqlApplicationCredentialDriver } from './drivers/application-credential.ts';
import { SqlAssignmentDriver } from './drivers/assignment.ts';
import { SqlCatalogDriver } from './drivers/catalog.ts';
import { SqlIdentityDriver } from './drivers/identity.ts';
import { SqlResourceDriver } from './drivers/resource.ts';
import { SqlRevokeDriver } from './drivers/revoke.ts';
import type { DriverContext } from './drivers/shared.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';
import type { Storage } from './types.ts';

export type * from './types.ts';

export interface StorageOptions {
  /** Receives one line per applied migration and per ignored connection parameter. */
  log?: (msg: string) => void;
}

/**
 * Opens the database named by `connection` (no migration is run; call `migrate()`).
 * @throws TypeError for a connection URL Baton cannot use.
 */
export async function createStorage(connection: string, opts: StorageOptions = {}): Promise<Storage> {
  const log = opts.log ?? ((): void => {});
  const target = parseConnection(connection, log);
  const dialect: StorageDialect = target.kind === 'sqlite'
    ? sqliteDialect(target.filename)
    : await postgresDialect(target);
  const db = new Kysely<Database>({ dialect: dialect.kysely, plugins: [...dialect.plugins] });
  const ctx: DriverContext = { db, dialect };
  return {
    dialect: dialect.name,
    resource: new SqlResourceDriver(ctx),
    identity: new SqlIdentityDriver(ctx),
    assignment: new SqlAssignmentDriver(ctx),
    catalog: new SqlCatalogDriver(ctx),
    applicationCredential: new SqlApplicationCredentialDriver(ctx),
    revoke: new SqlRevokeDriver(ctx),
    migrate: () => migrate(ctx, log),
    close: () => db.destroy(),
  };
}

async function migrate(ctx: DriverContext, log: (msg: string) => void): Promise<void> {
  const migrator = new Migrator({
    db: ctx.db,
    provider: migrationProvider(ctx.dialect),
    migrationTableSchema: await ctx.dialect.migrationSchema(ctx.db),
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) log(`migration ${result.migrationName}: ${result.status}`);
  if (error !== undefined) throw error;
}
