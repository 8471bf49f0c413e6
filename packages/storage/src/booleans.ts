// Booleans in columns both databases read back alike: written as 0/1 integers (better-sqlite3
// cannot bind JS booleans) and read from whatever the driver returns: 0/1 from SQLite, true/false
// from a PostgreSQL boolean column, a number or a numeric string from a PostgreSQL integer one.

/** The 0/1 a boolean is stored as. */
export function toDbBoolean(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** A stored boolean, as either database returns it. */
export function fromDbBoolean(value: boolean | number | string | bigint): boolean {
  return value === true || Number(value) === 1;
}
