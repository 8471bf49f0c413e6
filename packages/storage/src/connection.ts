// Parses oslo.db's `[database] connection` URL into what a dialect needs.
import { resolve } from 'node:path';
import type { PostgresTarget } from './postgres.ts';

export type ConnectionTarget =
  | { kind: 'sqlite'; filename: string }
  | ({ kind: 'postgres' } & PostgresTarget);

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * `sqlite://` (memory), `sqlite:///relative.db` (from cwd), `sqlite:////abs.db`,
 * `postgresql[+driver]://user:pass@host:port/db[?schema=name|options=...]`.
 * Query parameters oslo.db knows but Baton ignores (e.g. charset) are reported to `log`.
 */
export function parseConnection(connection: string, log: (msg: string) => void): ConnectionTarget {
  const match = /^([a-z0-9]+)(\+[a-z0-9_]+)?:\/\//i.exec(connection);
  if (match === null) {
    throw new TypeError(`[database] connection must be a URL like sqlite:///baton.db; got ${JSON.stringify(connection)}`);
  }
  const scheme = (match[1] ?? '').toLowerCase();
  if (scheme === 'sqlite') return parseSqlite(connection.slice(match[0].length));
  if (scheme === 'postgresql' || scheme === 'postgres') {
    return parsePostgres(new URL(`postgresql://${connection.slice(match[0].length)}`), log);
  }
  throw new TypeError(`[database] connection: unsupported database "${scheme}" (use sqlite or postgresql)`);
}

function parseSqlite(rest: string): ConnectionTarget {
  const path = rest.split('?')[0] ?? '';
  // SQLAlchemy: nothing after "//" is memory; one more "/" starts the path, so "////x" is absolute.
  if (path === '' || path === '/' || path === '/:memory:') return { kind: 'sqlite', filename: ':memory:' };
  if (!path.startsWith('/')) {
    throw new TypeError(`[database] connection: sqlite URLs need three slashes (sqlite:///path.db); got sqlite://${rest}`);
  }
  return { kind: 'sqlite', filename: resolve(decodeURIComponent(path.slice(1))) };
}

function parsePostgres(url: URL, log: (msg: string) => void): ConnectionTarget {
  const target: ConnectionTarget = { kind: 'postgres' };
  if (url.hostname !== '') target.host = decodeURIComponent(url.hostname);
  if (url.port !== '') target.port = Number(url.port);
  if (url.username !== '') target.user = decodeURIComponent(url.username);
  if (url.password !== '') target.password = decodeURIComponent(url.password);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database !== '') target.database = database;
  for (const [key, value] of url.searchParams) {
    if (key === 'schema') {
      if (!SCHEMA_NAME.test(value)) {
        throw new TypeError(`[database] connection: schema must be a plain SQL identifier; got ${JSON.stringify(value)}`);
      }
      target.schema = value;
    } else if (key === 'options') {
      target.options = value;
    } else if (key === 'host') {
      target.host = value;
    } else {
      log(`[database] connection: ignoring query parameter "${key}"`);
    }
  }
  return target;
}
