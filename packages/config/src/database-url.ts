// Turns a validated [database] connection URL into what a driver needs. SQLAlchemy's
// sqlite URLs put the path after the third slash, so `sqlite:////srv/k.db` is absolute.

export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly url: string };

export function parseDatabaseConnection(connection: string): DatabaseTarget {
  const match = /^([a-z0-9+.-]+):\/\/(.*)$/is.exec(connection);
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2] ?? '';
  if (scheme === 'sqlite' && rest.startsWith('/') && rest.length > 1) return { dialect: 'sqlite', path: rest.slice(1) };
  // psycopg2 is the Python driver; the URL means the same server to node-postgres.
  if ((scheme === 'postgresql' || scheme === 'postgresql+psycopg2') && rest !== '') {
    return { dialect: 'postgres', url: `postgresql://${rest}` };
  }
  throw new TypeError('parseDatabaseConnection: expected sqlite:///<path> or postgresql://… (validate with loadConfig first)');
}
