// Domain-specific configuration (Keystone's whitelisted_config and sensitive_config, kept as
// one table with a `sensitive` flag) and application credential access rules (access_rule,
// application_credential_access_rule).
import type { Kysely, Migration } from 'kysely';

const ID = 'varchar(64)';

export function domainConfigsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // The domain's deletion takes its options along.
      await db.schema
        .createTable('domain_config')
        .addColumn('domain_id', ID, (col) => col.notNull().references('domain.id').onDelete('cascade'))
        .addColumn('group', 'varchar(255)', (col) => col.notNull())
        .addColumn('option', 'varchar(255)', (col) => col.notNull())
        // JSON: Keystone accepts any JSON value for an option.
        .addColumn('value', 'text', (col) => col.notNull())
        .addColumn('sensitive', 'boolean', (col) => col.notNull())
        .addPrimaryKeyConstraint('pk_domain_config', ['domain_id', 'group', 'option'])
        .execute();
      // No foreign key on user_id: the identity manager removes a deleted user's rules.
      await db.schema
        .createTable('access_rule')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('user_id', ID, (col) => col.notNull())
        .addColumn('service', ID)
        .addColumn('path', 'varchar(225)')
        .addColumn('method', 'varchar(16)')
        .addUniqueConstraint('uq_access_rule_user', ['user_id', 'service', 'path', 'method'])
        .execute();
      await db.schema.createIndex('ix_access_rule_user_id').on('access_rule').column('user_id').execute();
      // A rule in use cannot be deleted (no cascade from access_rule), as in Keystone.
      await db.schema
        .createTable('application_credential_access_rule')
        .addColumn('application_credential_id', ID, (col) =>
          col.notNull().references('application_credential.id').onDelete('cascade'))
        .addColumn('access_rule_id', ID, (col) => col.notNull().references('access_rule.id'))
        .addPrimaryKeyConstraint('pk_application_credential_access_rule', ['application_credential_id', 'access_rule_id'])
        .execute();
      await db.schema
        .createIndex('ix_application_credential_access_rule_rule')
        .on('application_credential_access_rule')
        .column('access_rule_id')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('application_credential_access_rule').execute();
      await db.schema.dropTable('access_rule').execute();
      await db.schema.dropTable('domain_config').execute();
    },
  };
}
