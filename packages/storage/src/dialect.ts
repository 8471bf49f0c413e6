// What the rest of storage may know about a database: a Kysely dialect plus the few
// capabilities that differ between SQLite and PostgreSQL. Everything dialect-specific
// (drivers, pragmas, error codes, DDL quirks) lives in sqlite.ts and postgres.ts only.
import type { ColumnDefinitionBuilder, Dialect, Kysely, KyselyPlugin } from 'kysely';

export interface StorageDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly kysely: Dialect;
  readonly plugins: readonly KyselyPlugin[];
  /** Makes `col` an auto-generated integer primary key (the two databases spell it differently). */
  autoIncrementPrimaryKey(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /**
   * The schema that holds Kysely's migration tables, when the database has schemas. Kysely
   * looks for its tables in every schema unless told one, and would then skip creating its
   * own next to another deployment's.
   */
  migrationSchema<DB>(db: Kysely<DB>): Promise<string | undefined>;
  /**
   * Lets `table.column` hold NULL, keeping every row. A migration step: PostgreSQL alters the
   * column; SQLite, which cannot, rebuilds the table (foreign keys off, one transaction).
   */
  dropNotNull<DB>(db: Kysely<DB>, table: string, column: string): Promise<void>;
  /** True for a unique or primary-key violation. */
  isUniqueViolation(error: unknown): boolean;
  /** True for a foreign-key violation. */
  isForeignKeyViolation(error: unknown): boolean;
}

/** The `code` a database driver put on an error, if any. */
export function driverErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
