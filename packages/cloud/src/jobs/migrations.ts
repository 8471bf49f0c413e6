// The job engine's migrations, for the owning service to add to its own migration list
// (compute runs them beside its instance tables). Names are prefixed so they sort apart.
import type { Kysely, Migration } from 'kysely';

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('job')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('instance_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_token', 'text', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('catalog', 'text', (c) => c.notNull())
      .addColumn('token_expires_at', 'bigint', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('current_step', 'varchar(64)')
      .addColumn('step_started_at', 'bigint')
      .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_owner', 'varchar(255)')
      .addColumn('lease_host', 'varchar(255)')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('fault', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    // The claim query reads runnable jobs by state, oldest first.
    await db.schema.createIndex('job_state_idx').on('job').columns(['state', 'created_at']).execute();
    await db.schema.createIndex('job_instance_idx').on('job').column('instance_id').execute();
    await db.schema
      .createTable('job_step')
      .addColumn('job_id', 'varchar(64)', (c) => c.notNull().references('job.id').onDelete('cascade'))
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_step_pk', ['job_id', 'name'])
      .execute();
    await db.schema
      .createTable('job_note')
      .addColumn('job_id', 'varchar(64)', (c) => c.notNull().references('job.id').onDelete('cascade'))
      .addColumn('key', 'varchar(128)', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_note_pk', ['job_id', 'key'])
      .execute();
    await db.schema
      .createTable('job_call')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('job_id', 'varchar(64)', (c) => c.notNull().references('job.id').onDelete('cascade'))
      .addColumn('step', 'varchar(64)', (c) => c.notNull())
      .addColumn('service_type', 'varchar(64)', (c) => c.notNull())
      .addColumn('method', 'varchar(16)', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('caller', 'varchar(16)', (c) => c.notNull())
      .addColumn('user_token_expired', 'integer', (c) => c.notNull())
      .addColumn('service_token', 'integer', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('request_id', 'varchar(128)')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('job_call_job_idx').on('job_call').columns(['job_id', 'at']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['job_call', 'job_note', 'job_step', 'job']) await db.schema.dropTable(table).execute();
  },
};

export const jobMigrations: Readonly<Record<string, Migration>> = Object.freeze({ 'jobs-0001-initial': initial });
