// Compute's tables: instances, their volume attachments and instance actions, beside the
// job engine's tables (the jobs that build, migrate and snapshot them).
import type { Kysely, Migration } from 'kysely';
import { jobMigrations, type JobDatabase } from '../jobs/index.ts';

export interface InstanceTable {
  id: string;
  name: string;
  project_id: string;
  user_id: string;
  flavor_id: string;
  /** '' for a server booted from a volume. */
  image_ref: string;
  host: string;
  /** nova's vm_state: building, active, error, deleted. */
  vm_state: string;
  /** nova's task_state while a job runs (spawning, migrating, image_uploading…), else null. */
  task_state: string | null;
  /** 0–100 of the running long operation. */
  progress: number;
  /** JSON of the network ports: [{port_id, network_id, ip_address, mac_address}]. */
  ports: string;
  /** JSON of nova's fault ({code, message, details, created}) when in error. */
  fault: string | null;
  created_at: number;
  updated_at: number;
}

export interface VolumeAttachmentTable {
  instance_id: string;
  volume_id: string;
  /** block-storage's attachment id (the one the host's connector was given). */
  attachment_id: string;
  device: string;
  /** 1 for the boot volume. */
  boot: number;
  delete_on_termination: number;
  created_at: number;
}

export interface InstanceActionTable {
  request_id: string;
  instance_id: string;
  action: string;
  project_id: string;
  user_id: string;
  /** The job that carries the action out, when there is one. */
  job_id: string | null;
  start_time: number;
  updated_at: number;
}

export interface ComputeDatabase extends JobDatabase {
  instance: InstanceTable;
  volume_attachment: VolumeAttachmentTable;
  instance_action: InstanceActionTable;
}

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('instance')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('flavor_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('image_ref', 'varchar(64)', (c) => c.notNull())
      .addColumn('host', 'varchar(255)', (c) => c.notNull())
      .addColumn('vm_state', 'varchar(32)', (c) => c.notNull())
      .addColumn('task_state', 'varchar(32)')
      .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('ports', 'text', (c) => c.notNull())
      .addColumn('fault', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('instance_project_idx').on('instance').column('project_id').execute();
    await db.schema
      .createTable('volume_attachment')
      .addColumn('instance_id', 'varchar(64)', (c) => c.notNull().references('instance.id').onDelete('cascade'))
      .addColumn('volume_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('attachment_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('device', 'varchar(64)', (c) => c.notNull())
      .addColumn('boot', 'integer', (c) => c.notNull())
      .addColumn('delete_on_termination', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('volume_attachment_pk', ['instance_id', 'volume_id'])
      .execute();
    await db.schema
      .createTable('instance_action')
      .addColumn('request_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('instance_id', 'varchar(64)', (c) => c.notNull().references('instance.id').onDelete('cascade'))
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('job_id', 'varchar(64)')
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('instance_action_instance_idx').on('instance_action').column('instance_id').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['instance_action', 'volume_attachment', 'instance']) await db.schema.dropTable(table).execute();
  },
};

export const computeMigrations: Readonly<Record<string, Migration>> = Object.freeze({
  ...jobMigrations,
  'compute-0001-initial': initial,
});
