import { defineGroup } from '../group.ts';
import { strOpt } from '../opts.ts';

export const DATABASE_SCHEMES = ['sqlite', 'postgresql', 'postgresql+psycopg2'] as const;

export const databaseGroup = defineGroup('database', {
  help: 'Where identity data is stored.',
  options: {
    connection: strOpt({
      default: 'sqlite:///$state_path/keystone.db',
      schemes: DATABASE_SCHEMES,
      // A PostgreSQL URL usually carries a password.
      secret: true,
      help:
        'Database URL: sqlite:///relative/path.db or sqlite:////absolute/path.db for an embedded ' +
        'SQLite file, postgresql://user:password@host:port/dbname for PostgreSQL. The ' +
        'postgresql+psycopg2:// spelling used in Keystone configurations is accepted as well.',
    }),
  },
});
