import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromDbBoolean, toDbBoolean } from '@baton/storage';

describe('stored booleans', () => {
  it('are written as 0/1', () => {
    assert.equal(toDbBoolean(true), 1);
    assert.equal(toDbBoolean(false), 0);
  });
  it('read back from what SQLite and PostgreSQL return', () => {
    for (const yes of [true, 1, '1', 1n]) assert.equal(fromDbBoolean(yes), true, String(yes));
    for (const no of [false, 0, '0', 0n]) assert.equal(fromDbBoolean(no), false, String(no));
  });
});
