// OS-FEDERATION (Keystone's identity_provider, idp_remote_ids, federation_protocol, mapping
// and service_provider tables).
import type { Kysely, Migration } from 'kysely';

const ID = 'varchar(64)';

export function federationMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // domain_id has no foreign key: deleting a domain deletes its identity providers first.
      await db.schema
        .createTable('identity_provider')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('domain_id', ID, (col) => col.notNull())
        .addColumn('enabled', 'boolean', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('authorization_ttl', 'integer')
        .execute();
      // A remote id names one identity provider across all of them (its primary key).
      await db.schema
        .createTable('idp_remote_ids')
        .addColumn('remote_id', 'varchar(255)', (col) => col.primaryKey())
        .addColumn('idp_id', ID, (col) => col.notNull().references('identity_provider.id').onDelete('cascade'))
        .execute();
      await db.schema.createIndex('ix_idp_remote_ids_idp_id').on('idp_remote_ids').column('idp_id').execute();
      // mapping_id has no foreign key either, as in Keystone: a mapping in use can be deleted.
      await db.schema
        .createTable('federation_protocol')
        .addColumn('id', ID, (col) => col.notNull())
        .addColumn('idp_id', ID, (col) => col.notNull().references('identity_provider.id').onDelete('cascade'))
        .addColumn('mapping_id', ID, (col) => col.notNull())
        .addColumn('remote_id_attribute', 'varchar(64)')
        .addPrimaryKeyConstraint('federation_protocol_pk', ['id', 'idp_id'])
        .execute();
      await db.schema
        .createTable('mapping')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('rules', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('service_provider')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('enabled', 'boolean', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('auth_url', 'varchar(256)', (col) => col.notNull())
        .addColumn('sp_url', 'varchar(256)', (col) => col.notNull())
        .addColumn('relay_state_prefix', 'varchar(256)', (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('service_provider').execute();
      await db.schema.dropTable('mapping').execute();
      await db.schema.dropTable('federation_protocol').execute();
      await db.schema.dropTable('idp_remote_ids').execute();
      await db.schema.dropTable('identity_provider').execute();
    },
  };
}
