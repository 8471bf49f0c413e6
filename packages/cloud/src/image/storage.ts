// The image service's tables: one row per image (glance's `images` with its properties and
// tags folded into JSON text columns). Booleans are 0/1 integers and sizes bigint, so the
// same rows read alike on SQLite and PostgreSQL.
import type { Kysely, Migration } from 'kysely';

// A deleted image's row is removed (glance keeps it soft-deleted; both answer 404 afterwards).
export type ImageStatus = 'queued' | 'saving' | 'active' | 'killed';
export type ImageVisibility = 'public' | 'private' | 'shared' | 'community';

export interface ImageRow {
  id: string;
  name: string | null;
  owner: string;
  status: ImageStatus;
  visibility: ImageVisibility;
  disk_format: string | null;
  container_format: string | null;
  min_disk: number;
  min_ram: number;
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  protected: number;
  os_hidden: number;
  /** Additional properties, a JSON object of strings. */
  properties: string;
  /** A JSON array of strings. */
  tags: string;
  created_at: string;
  updated_at: string;
}

export interface ImageDatabase {
  image: ImageRow;
}

export const imageMigrations: Record<string, Migration> = {
  '0001-images': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('image')
        .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
        .addColumn('name', 'varchar(255)')
        .addColumn('owner', 'varchar(255)', (col) => col.notNull())
        .addColumn('status', 'varchar(30)', (col) => col.notNull())
        .addColumn('visibility', 'varchar(30)', (col) => col.notNull())
        .addColumn('disk_format', 'varchar(20)')
        .addColumn('container_format', 'varchar(20)')
        .addColumn('min_disk', 'integer', (col) => col.notNull())
        .addColumn('min_ram', 'integer', (col) => col.notNull())
        .addColumn('size', 'bigint')
        .addColumn('virtual_size', 'bigint')
        .addColumn('checksum', 'varchar(32)')
        .addColumn('os_hash_algo', 'varchar(64)')
        .addColumn('os_hash_value', 'varchar(128)')
        .addColumn('protected', 'integer', (col) => col.notNull())
        .addColumn('os_hidden', 'integer', (col) => col.notNull())
        .addColumn('properties', 'text', (col) => col.notNull())
        .addColumn('tags', 'text', (col) => col.notNull())
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('ix_image_owner').on('image').column('owner').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('image').execute();
    },
  },
};
