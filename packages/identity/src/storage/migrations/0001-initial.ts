// The first schema. Column sizes follow Keystone's models; timestamps are epoch seconds
// (bigint), `extra` is JSON text, booleans are SQL booleans (0/1 on SQLite).
import type { Kysely, Migration } from 'kysely';
import type { StorageDialect } from '@baton/storage';

const ID = 'varchar(64)';

export function initialMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await createResourceTables(db);
      await createIdentityTables(db);
      await createAssignmentTables(db);
      await createCatalogTables(db);
      await createCredentialTables(db);
      await db.schema
        .createTable('revocation_event')
        .addColumn('id', 'integer', (col) => dialect.autoIncrementPrimaryKey(col))
        .addColumn('user_id', ID)
        .addColumn('project_id', ID)
        .addColumn('domain_id', ID)
        .addColumn('role_id', ID)
        .addColumn('trust_id', ID)
        .addColumn('audit_id', 'varchar(32)')
        .addColumn('audit_chain_id', 'varchar(32)')
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint', (col) => col.notNull())
        .addColumn('issued_before', 'bigint', (col) => col.notNull())
        .execute();
      // Token validation reads every event with issued_before >= the token's issue time.
      await db.schema.createIndex('ix_revocation_event_issued_before').on('revocation_event').column('issued_before').execute();
      await db.schema.createIndex('ix_revocation_event_revoked_at').on('revocation_event').column('revoked_at').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'revocation_event', 'application_credential_role', 'application_credential', 'endpoint', 'service',
        'region', 'assignment', 'implied_role', 'role', 'user_group_membership', 'group', 'user',
        'project_tag', 'project', 'domain',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

async function createResourceTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('domain')
    .addColumn('id', ID, (col) => col.primaryKey())
    .addColumn('name', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('enabled', 'boolean', (col) => col.notNull())
    .addColumn('extra', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('project')
    .addColumn('id', ID, (col) => col.primaryKey())
    .addColumn('name', 'varchar(64)', (col) => col.notNull())
    .addColumn('domain_id', ID, (col) => col.notNull().references('domain.id').onDelete('cascade'))
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('enabled', 'boolean', (col) => col.notNull())
    // No foreign key: a top-level project's parent is its domain, which is not a project row.
    .addColumn('parent_id', ID)
    .addColumn('is_domain', 'boolean', (col) => col.notNull())
    .addColumn('extra', 'text', (col) => col.notNull())
    .addUniqueConstraint('uq_project_domain_name', ['domain_id', 'name'])
    .execute();
  await db.schema.createIndex('ix_project_parent_id').on('project').column('parent_id').execute();
  await db.schema
    .createTable('project_tag')
    .addColumn('project_id', ID, (col) => col.notNull().references('project.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('position', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('pk_project_tag', ['project_id', 'name'])
    .execute();
}

async function createIdentityTables(db: Kysely<unknown>): Promise<void> {
  // One user table (Keystone splits user/local_user/password); Baton has only local users
  // and keeps just the current password hash.
  await db.schema
    .createTable('user')
    .addColumn('id', ID, (col) => col.primaryKey())
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('domain_id', ID, (col) => col.notNull().references('domain.id').onDelete('cascade'))
    .addColumn('enabled', 'boolean', (col) => col.notNull())
    .addColumn('default_project_id', ID)
    .addColumn('password_hash', 'varchar(255)')
    .addColumn('password_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('extra', 'text', (col) => col.notNull())
    .addUniqueConstraint('uq_user_domain_name', ['domain_id', 'name'])
    .execute();
  await db.schema
    .createTable('group')
    .addColumn('id', ID, (col) => col.primaryKey())
    .addColumn('name', 'varchar(64)', (col) => col.notNull())
    .addColumn('domain_id', ID, (col) => col.notNull().references('domain.id').onDelete('cascade'))
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('extra', 'text', (col) => col.notNull())
    .addUniqueConstraint('uq_group_domain_name', ['domain_id', 'name'])
    .execute();
  await db.schema
    .createTable('user_group_membership')
    .addColumn('user_id', ID, (col) => col.notNull().references('user.id').onDelete('cascade'))
    .addColumn('group_id', ID, (col) => col.notNull().references('group.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('pk_user_group_membership', ['user_id', 'group_id'])
    .execute();
  await db.schema.createIndex('ix_membership_group_id').on('user_group_membership').column('group_id').execute();
}

async function createAssignmentTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('role')
    .addColumn('id', ID, (col) => col.primaryKey())
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('domain_id', ID, (col) => col.notNull())
    .addColumn('description', 'varchar(255)', (col) => col.notNull())
    .addColumn('extra', 'text', (col) => col.notNull())
    .addUniqueConstraint('uq_role_name_domain', ['name', 'domain_id'])
    .execute();
  await db.schema
    .createTable('implied_role')
    .addColumn('prior_role_id', ID, (col) => col.notNull().references('role.id').onDelete('cascade'))
    .addColumn('implied_role_id', ID, (col) => col.notNull().references('role.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('pk_implied_role', ['prior_role_id', 'implied_role_id'])
    .execute();
  // Actor, target and role ids have no foreign keys: each may name one of several tables
  // (user or group; project, domain or 'all'). Managers clean up with deleteAssignmentsFor.
  await db.schema
    .createTable('assignment')
    .addColumn('type', 'varchar(16)', (col) => col.notNull())
    .addColumn('actor_id', ID, (col) => col.notNull())
    .addColumn('target_id', ID, (col) => col.notNull())
    .addColumn('role_id', ID, (col) => col.notNull())
    .addColumn('inherited', 'boolean', (col) => col.notNull())
    .addPrimaryKeyConstraint('pk_assignment', ['type', 'actor_id', 'target_id', 'role_id', 'inherited'])
    .execute();
  await db.schema.createIndex('ix_assignment_actor_id').on('assignment').column('actor_id').execute();
  await db.schema.createIndex('ix_assignment_target_id').on('assignment').column('target_id').execute();
  await db.schema.createIndex('ix_assignment_role_id').on('assignment').column('role_id').execute();
}

async function createCatalogTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('region')
    .addColumn('id', 'varchar(255)', (col) => col.primaryKey())
    .addColumn('description', 'varchar(255)', (col) => col.notNull())
    .addColumn('parent_region_id', 'varchar(255)')
    .addColumn('extra', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('service')
    .addColumn('id', ID, (col) => col.primaryKey())
    .addColumn('type', 'varchar(255)', (col) => col.notNull())
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('enabled', 'boolean', (col) => col.notNull())
    .addColumn('extra', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('endpoint')
    .addColumn('id', ID, (col) => col.primaryKey())
    .addColumn('service_id', ID, (col) => col.notNull().references('service.id').onDelete('cascade'))
    .addColumn('interface', 'varchar(8)', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('region_id', 'varchar(255)', (col) => col.references('region.id').onDelete('restrict'))
    .addColumn('enabled', 'boolean', (col) => col.notNull())
    .addColumn('extra', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('ix_endpoint_service_id').on('endpoint').column('service_id').execute();
  await db.schema.createIndex('ix_endpoint_region_id').on('endpoint').column('region_id').execute();
}

async function createCredentialTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('application_credential')
    .addColumn('id', ID, (col) => col.primaryKey())
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('user_id', ID, (col) => col.notNull())
    .addColumn('project_id', ID, (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('secret_hash', 'varchar(255)', (col) => col.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('unrestricted', 'boolean', (col) => col.notNull())
    .addUniqueConstraint('uq_application_credential_user_name', ['user_id', 'name'])
    .execute();
  await db.schema
    .createTable('application_credential_role')
    .addColumn('application_credential_id', ID, (col) =>
      col.notNull().references('application_credential.id').onDelete('cascade'))
    .addColumn('role_id', ID, (col) => col.notNull())
    .addPrimaryKeyConstraint('pk_application_credential_role', ['application_credential_id', 'role_id'])
    .execute();
  await db.schema.createIndex('ix_application_credential_role_role_id').on('application_credential_role').column('role_id').execute();
}
