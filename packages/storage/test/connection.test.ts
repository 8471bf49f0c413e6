import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseConnection } from '../src/connection.ts';

const quiet = (): void => {};

describe('parseConnection', () => {
  it('maps the sqlite forms oslo.db accepts', () => {
    assert.deepEqual(parseConnection('sqlite://', quiet), { kind: 'sqlite', filename: ':memory:' });
    assert.deepEqual(parseConnection('sqlite:///keystone.db', quiet), { kind: 'sqlite', filename: resolve('keystone.db') });
    assert.deepEqual(parseConnection('sqlite:///var/lib/k.db', quiet), { kind: 'sqlite', filename: resolve('var/lib/k.db') });
    assert.deepEqual(parseConnection('sqlite:////var/lib/k.db', quiet), { kind: 'sqlite', filename: '/var/lib/k.db' });
    assert.deepEqual(parseConnection('sqlite+pysqlite:////tmp/k.db', quiet), { kind: 'sqlite', filename: '/tmp/k.db' });
  });

  it('maps postgresql URLs, dropping a +driver suffix', () => {
    assert.deepEqual(parseConnection('postgresql+psycopg2://keystone:s%40cret@db.example:5433/keystone', quiet), {
      kind: 'postgres',
      host: 'db.example',
      port: 5433,
      user: 'keystone',
      password: 's@cret',
      database: 'keystone',
    });
    assert.deepEqual(parseConnection('postgres://postgres@127.0.0.1/test?schema=baton_a', quiet), {
      kind: 'postgres',
      host: '127.0.0.1',
      user: 'postgres',
      database: 'test',
      schema: 'baton_a',
    });
  });

  it('passes libpq options through and reports parameters it ignores', () => {
    const logged: string[] = [];
    const target = parseConnection('postgresql://u@h/db?options=-csearch_path%3Dks&charset=utf8', (m) => logged.push(m));
    assert.deepEqual(target, { kind: 'postgres', host: 'h', user: 'u', database: 'db', options: '-csearch_path=ks' });
    assert.deepEqual(logged, ['[database] connection: ignoring query parameter "charset"']);
  });

  it('throws TypeError for what Baton cannot use', () => {
    assert.throws(() => parseConnection('mysql+pymysql://u@h/db', quiet), {
      name: 'TypeError',
      message: '[database] connection: unsupported database "mysql" (use sqlite or postgresql)',
    });
    assert.throws(() => parseConnection('keystone.db', quiet), TypeError);
    assert.throws(() => parseConnection('sqlite://relative.db', quiet), TypeError);
    assert.throws(() => parseConnection('postgresql://u@h/db?schema=bad;drop', quiet), TypeError);
  });
});
