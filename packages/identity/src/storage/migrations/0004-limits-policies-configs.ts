// Unified limits (Keystone's registered_limit and limit tables) and policy blobs (policy).
import type { Kysely, Migration } from 'kysely';

const ID = 'varchar(64)';

export function limitsPoliciesConfigsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // A service's or region's deletion takes its limits along (Keystone refuses it with a
      // database error instead).
      await db.schema
        .createTable('registered_limit')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('service_id', ID, (col) => col.notNull().references('service.id').onDelete('cascade'))
        .addColumn('region_id', 'varchar(255)', (col) => col.references('region.id').onDelete('cascade'))
        .addColumn('resource_name', 'varchar(255)', (col) => col.notNull())
        .addColumn('default_limit', 'integer', (col) => col.notNull())
        .addColumn('description', 'text')
        .execute();
      await db.schema.createIndex('ix_registered_limit_service_id').on('registered_limit').column('service_id').execute();
      // No foreign keys on project_id/domain_id: the project manager deletes a project's limits.
      await db.schema
        .createTable('limit')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('project_id', ID)
        .addColumn('domain_id', ID)
        .addColumn('registered_limit_id', ID, (col) => col.notNull().references('registered_limit.id').onDelete('cascade'))
        .addColumn('resource_limit', 'integer', (col) => col.notNull())
        .addColumn('description', 'text')
        .execute();
      await db.schema.createIndex('ix_limit_registered_limit_id').on('limit').column('registered_limit_id').execute();
      await db.schema.createIndex('ix_limit_project_id').on('limit').column('project_id').execute();
      await db.schema
        .createTable('policy')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('type', 'varchar(255)', (col) => col.notNull())
        .addColumn('blob', 'text', (col) => col.notNull())
        .addColumn('extra', 'text', (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('policy').execute();
      await db.schema.dropTable('limit').execute();
      await db.schema.dropTable('registered_limit').execute();
    },
  };
}
