// dropNotNull on SQLite, which rebuilds the table: rows kept, references kept and still
// enforced, and refused where foreign keys cannot be turned off (inside a transaction), since
// dropping the old table would then delete every row that references it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../src/index.ts';

describe('dropNotNull (SQLite)', () => {
  async function withTables<T>(body: (opened: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
    const opened = await openDatabase('sqlite:///:memory:');
    try {
      // Quoted names, as Kysely's schema builder writes them.
      await opened.db.schema.createTable('parent').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('note', 'text', (c) => c.notNull()).execute();
      await opened.db.schema
        .createTable('child')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('parent_id', 'text', (c) => c.notNull().references('parent.id').onDelete('cascade'))
        .execute();
      await sql`insert into parent values ('p', 'kept')`.execute(opened.db);
      await sql`insert into child values ('c', 'p')`.execute(opened.db);
      return await body(opened);
    } finally {
      await opened.close();
    }
  }

  it('keeps the rows and the rows that reference the table, whose cascade still works', async () => {
    await withTables(async ({ db, dialect }) => {
      await dialect.dropNotNull(db, 'parent', 'note');
      await sql`insert into parent values ('q', null)`.execute(db);
      assert.deepEqual((await sql`select id from child`.execute(db)).rows, [{ id: 'c' }]);
      await sql`delete from parent where id = 'p'`.execute(db);
      assert.deepEqual((await sql`select id from child`.execute(db)).rows, []);
    });
  });

  it('refuses inside a transaction, deleting nothing', async () => {
    await withTables(async ({ db, dialect }) => {
      await assert.rejects(
        db.transaction().execute((trx) => dialect.dropNotNull(trx, 'parent', 'note')),
        /dropNotNull: cannot turn foreign keys off to rebuild parent/,
      );
      assert.deepEqual((await sql`select id from child`.execute(db)).rows, [{ id: 'c' }]);
    });
  });
});
