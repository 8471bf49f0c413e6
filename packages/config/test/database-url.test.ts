import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDatabaseConnection } from '@baton/config';

describe('parseDatabaseConnection', () => {
  it('reads sqlite:/// as a relative path and sqlite://// as an absolute one', () => {
    assert.deepEqual(parseDatabaseConnection('sqlite:///.baton/keystone.db'), { dialect: 'sqlite', path: '.baton/keystone.db' });
    assert.deepEqual(parseDatabaseConnection('sqlite:////var/lib/k.db'), { dialect: 'sqlite', path: '/var/lib/k.db' });
  });

  it('maps both PostgreSQL spellings to a postgresql:// URL', () => {
    assert.deepEqual(parseDatabaseConnection('postgresql://u:p@h:5432/k'), { dialect: 'postgres', url: 'postgresql://u:p@h:5432/k' });
    assert.deepEqual(parseDatabaseConnection('postgresql+psycopg2://u@h/k'), { dialect: 'postgres', url: 'postgresql://u@h/k' });
  });

  it('throws TypeError for a URL loadConfig would have rejected', () => {
    assert.throws(() => parseDatabaseConnection('mysql://h/k'), TypeError);
    assert.throws(() => parseDatabaseConnection('sqlite://'), TypeError);
  });
});
