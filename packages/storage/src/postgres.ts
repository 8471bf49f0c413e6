// PostgreSQL through pg: for several identity nodes sharing one database.
import pg from 'pg';
import { PostgresDialect, sql } from 'kysely';
import { driverErrorCode, type StorageDialect } from './dialect.ts';

export interface PostgresTarget {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** Baton's `?schema=` extension: created if missing, then first on the search_path. */
  schema?: string;
  /** libpq `options` (e.g. `-csearch_path=x`), passed through untouched. */
  options?: string;
}

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
const CONNECT_TIMEOUT_MS = 10_000;

// pg returns int8 as a string to stay exact; our bigint columns hold epoch seconds,
// which are far inside Number's safe range.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function postgresDialect(target: PostgresTarget): Promise<StorageDialect> {
  const options = target.schema === undefined
    ? target.options
    : [target.options, `-c search_path=${target.schema}`].filter(Boolean).join(' ');
  const config: pg.PoolConfig = {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    options,
    types,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  };
  if (target.schema !== undefined) {
    // Concurrent nodes may race here; "already exists" from the loser is harmless.
    const client = new pg.Client(config);
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(target.schema)}`);
    } catch (error) {
      if (driverErrorCode(error) !== UNIQUE_VIOLATION) throw error;
    } finally {
      await client.end();
    }
  }
  return {
    name: 'postgres',
    kysely: new PostgresDialect({ pool: new pg.Pool(config) }),
    plugins: [],
    autoIncrementPrimaryKey: (col) => col.primaryKey().generatedByDefaultAsIdentity(),
    migrationSchema: async (db) => {
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
      return rows[0]?.schema ?? undefined;
    },
    dropNotNull: async (db, table, column) => {
      await db.schema.alterTable(table).alterColumn(column, (col) => col.dropNotNull()).execute();
    },
    isUniqueViolation: (error) => driverErrorCode(error) === UNIQUE_VIOLATION,
    isForeignKeyViolation: (error) => driverErrorCode(error) === FOREIGN_KEY_VIOLATION,
  };
}
