// OS-EP-FILTER (project_endpoint, endpoint_group, project_endpoint_group) and
// OS-ENDPOINT-POLICY (policy_association), as Keystone's tables.
import type { Kysely, Migration } from 'kysely';

const ID = 'varchar(64)';

export function endpointFilterMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // Keystone deletes these rows from notification callbacks when a project or endpoint
      // goes; foreign keys with cascade do the same in the same statement.
      await db.schema
        .createTable('project_endpoint')
        .addColumn('endpoint_id', ID, (col) => col.notNull().references('endpoint.id').onDelete('cascade'))
        .addColumn('project_id', ID, (col) => col.notNull().references('project.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('project_endpoint_pkey', ['endpoint_id', 'project_id'])
        .execute();
      await db.schema.createIndex('ix_project_endpoint_project_id').on('project_endpoint').column('project_id').execute();
      await db.schema
        .createTable('endpoint_group')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('name', 'varchar(255)', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('filters', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('project_endpoint_group')
        .addColumn('endpoint_group_id', ID, (col) => col.notNull().references('endpoint_group.id').onDelete('cascade'))
        .addColumn('project_id', ID, (col) => col.notNull().references('project.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('project_endpoint_group_pkey', ['endpoint_group_id', 'project_id'])
        .execute();
      await db.schema.createIndex('ix_project_endpoint_group_project_id').on('project_endpoint_group').column('project_id').execute();
      // Keystone keeps associations whose policy, endpoint, service or region is gone (and
      // then answers 404 for them); here they go with what they name.
      await db.schema
        .createTable('policy_association')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('policy_id', ID, (col) => col.notNull().references('policy.id').onDelete('cascade'))
        .addColumn('endpoint_id', ID, (col) => col.references('endpoint.id').onDelete('cascade'))
        .addColumn('service_id', ID, (col) => col.references('service.id').onDelete('cascade'))
        .addColumn('region_id', 'varchar(255)', (col) => col.references('region.id').onDelete('cascade'))
        .execute();
      await db.schema.createIndex('ix_policy_association_policy_id').on('policy_association').column('policy_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('policy_association').execute();
      await db.schema.dropTable('project_endpoint_group').execute();
      await db.schema.dropTable('endpoint_group').execute();
      await db.schema.dropTable('project_endpoint').execute();
    },
  };
}
