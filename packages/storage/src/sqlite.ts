// SQLite through better-sqlite3: the single-node default.
import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  type Kysely,
  OperationNodeTransformer,
  PrimitiveValueListNode,
  SqliteDialect,
  ValueNode,
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { toDbBoolean } from './booleans.ts';
import { driverErrorCode, type StorageDialect } from './dialect.ts';

/** How long a writer waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

function toSqliteValue(value: unknown): unknown {
  return typeof value === 'boolean' ? toDbBoolean(value) : value;
}

// better-sqlite3 refuses to bind JS booleans, so true/false become 1/0 before binding.
// Reads still return 0/1; the drivers coerce them.
class BooleanToIntegerTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = toSqliteValue(node.value);
    return value === node.value ? super.transformValue(node) : ValueNode.create(value);
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return PrimitiveValueListNode.create(node.values.map(toSqliteValue));
  }
}

class BooleanToIntegerPlugin implements KyselyPlugin {
  readonly #transformer = new BooleanToIntegerTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** Most statements repeat (token validation runs the same few); preparing is the costly part. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The database as Kysely sees it, with prepared statements reused by SQL text. Kysely's
 * SQLite driver runs one query at a time on its single connection, so a statement is
 * never in use twice at once.
 */
function withStatementCache(database: Database.Database): Pick<Database.Database, 'prepare' | 'close'> {
  const statements = new Map<string, Database.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
    close: () => database.close(),
  } as Pick<Database.Database, 'prepare' | 'close'>;
}

/**
 * The database holds password hashes: a directory Baton creates is 0700 and a new database
 * file 0600 (the umask cannot widen either). SQLite gives its -wal and -shm files the
 * database file's mode, so they follow. An existing file keeps the mode the operator gave it.
 */
function createPrivately(filename: string): void {
  const directory = dirname(filename);
  const created = mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (created !== undefined) chmodSync(directory, 0o700);
  if (existsSync(filename)) return;
  const fd = openSync(filename, 'a', 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

/**
 * SQLite cannot alter a column, so the table is rebuilt by its documented procedure
 * (sqlite.org/lang_altertable.html, "other kinds of table schema changes"): the stored CREATE
 * TABLE without the column's NOT NULL under a new name, the rows copied, the old table
 * dropped, the new one renamed, its indexes made again. Foreign keys are off meanwhile, or
 * dropping the old table would delete the rows that reference it; they are checked before
 * the transaction commits.
 */
async function dropNotNull<DB>(db: Kysely<DB>, table: string, column: string): Promise<void> {
  const schema = await sql<{ type: string; sql: string }>`select type, sql from sqlite_master where tbl_name = ${table} and sql is not null`.execute(db);
  const create = schema.rows.find((row) => row.type === 'table')?.sql;
  const definition = new RegExp(`("${column}"[^,]*?) not null`, 'i');
  if (create === undefined || !definition.test(create)) throw new TypeError(`dropNotNull: ${table}.${column} is not a NOT NULL column`);
  const rebuilt = `${table}_rebuilt`;
  const createRebuilt = create.replace(definition, '$1').replace(/^create table\s+("[^"]+"|\S+)/i, `create table "${rebuilt}"`);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    // The pragma does nothing inside a transaction; dropping the table would then delete every row that references it.
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    if (rows[0]?.foreign_keys !== 0) throw new Error(`dropNotNull: cannot turn foreign keys off to rebuild ${table} (inside a transaction?)`);
    await db.transaction().execute(async (trx) => {
      await sql.raw(createRebuilt).execute(trx);
      await sql`insert into ${sql.table(rebuilt)} select * from ${sql.table(table)}`.execute(trx);
      await sql`drop table ${sql.table(table)}`.execute(trx);
      await sql`alter table ${sql.table(rebuilt)} rename to ${sql.table(table)}`.execute(trx);
      for (const other of schema.rows) if (other.type !== 'table') await sql.raw(other.sql).execute(trx);
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error(`dropNotNull: rebuilding ${table} broke foreign keys: ${JSON.stringify(broken.rows)}`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

/** `filename` is a path, or ':memory:' for a private in-memory database. */
export function sqliteDialect(filename: string): StorageDialect {
  const inMemory = filename === ':memory:';
  if (!inMemory) createPrivately(filename);
  const database = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
  // WAL lets readers run while a writer commits; it does not apply to memory databases.
  if (!inMemory) database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return {
    name: 'sqlite',
    kysely: new SqliteDialect({ database: withStatementCache(database) }),
    plugins: [new BooleanToIntegerPlugin()],
    autoIncrementPrimaryKey: (col) => col.primaryKey().autoIncrement(),
    migrationSchema: () => Promise.resolve(undefined),
    dropNotNull,
    isUniqueViolation: (error) => {
      const code = driverErrorCode(error);
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
    isForeignKeyViolation: (error) => driverErrorCode(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
  };
}
