// The block-storage service's tables: volumes and their attachments (cinder's `volumes` and
// `volume_attachment`). JSON objects are text columns, times ISO strings, so the same rows
// read alike on SQLite and PostgreSQL. A deleted volume's rows are removed.
import type { Kysely, Migration } from 'kysely';

export type VolumeStatus = 'creating' | 'available' | 'reserved' | 'attaching' | 'in-use' | 'detaching' | 'error' | 'deleting';
export type AttachStatus = 'reserved' | 'attaching' | 'attached';

export interface VolumeRow {
  id: string;
  project_id: string;
  user_id: string;
  name: string | null;
  description: string | null;
  size: number;
  status: VolumeStatus;
  availability_zone: string;
  /** The image the volume was created from, if any. */
  image_id: string | null;
  /** cinder's volume_image_metadata: a JSON object of strings, or null. */
  image_metadata: string | null;
  /** Why the volume is in 'error', for operators (not in the API, as cinder). */
  fault: string | null;
  created_at: string;
  updated_at: string;
}

export interface AttachmentRow {
  id: string;
  volume_id: string;
  project_id: string;
  instance_uuid: string | null;
  attach_status: AttachStatus;
  attach_mode: string;
  /** JSON: the connector the compute host sent, or null while only reserved. */
  connector: string | null;
  /** JSON: what the host needs to connect, set by an update with a connector. */
  connection_info: string | null;
  attached_at: string | null;
  created_at: string;
}

export interface BlockStorageDatabase {
  volume: VolumeRow;
  volume_attachment: AttachmentRow;
}

export const blockStorageMigrations: Record<string, Migration> = {
  '0001-volumes': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('volume')
        .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
        .addColumn('project_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('user_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('name', 'varchar(255)')
        .addColumn('description', 'varchar(255)')
        .addColumn('size', 'integer', (col) => col.notNull())
        .addColumn('status', 'varchar(32)', (col) => col.notNull())
        .addColumn('availability_zone', 'varchar(255)', (col) => col.notNull())
        .addColumn('image_id', 'varchar(36)')
        .addColumn('image_metadata', 'text')
        .addColumn('fault', 'text')
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('ix_volume_project').on('volume').column('project_id').execute();
      await db.schema
        .createTable('volume_attachment')
        .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
        .addColumn('volume_id', 'varchar(36)', (col) => col.notNull().references('volume.id').onDelete('cascade'))
        .addColumn('project_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('instance_uuid', 'varchar(36)')
        .addColumn('attach_status', 'varchar(32)', (col) => col.notNull())
        .addColumn('attach_mode', 'varchar(8)', (col) => col.notNull())
        .addColumn('connector', 'text')
        .addColumn('connection_info', 'text')
        .addColumn('attached_at', 'varchar(32)')
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('ix_volume_attachment_volume').on('volume_attachment').column('volume_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('volume_attachment').execute();
      await db.schema.dropTable('volume').execute();
    },
  },
};
