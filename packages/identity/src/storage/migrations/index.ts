// Every migration, in order, as a static map (no files read at runtime): the names are
// what Kysely records in kysely_migration, so they must never change once released.
import type { Migration } from 'kysely';
import type { StorageDialect } from '@baton/storage';
import { initialMigration } from './0001-initial.ts';
import { lockoutMigration } from './0002-lockout.ts';
import { passwordHistoryMigration } from './0003-password-history.ts';
import { limitsPoliciesConfigsMigration } from './0004-limits-policies-configs.ts';
import { federationMigration } from './0008-federation.ts';
import { credentialsMigration } from './0006-credentials.ts';
import { oauth1Migration } from './0010-oauth1.ts';
import { endpointFilterMigration } from './0007-endpoint-filter.ts';
import { trustsMigration } from './0005-trusts.ts';
import { domainConfigsMigration } from './0009-domain-configs.ts';
import { roleOptionsMigration } from './0011-role-options.ts';
import { nullDescriptionsMigration } from './0012-null-descriptions.ts';

export function identityMigrations(dialect: StorageDialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-lockout': lockoutMigration(),
    '0003-password-history': passwordHistoryMigration(),
    '0004-limits-policies-configs': limitsPoliciesConfigsMigration(),
    '0008-federation': federationMigration(),
    '0006-credentials': credentialsMigration(),
    '0010-oauth1': oauth1Migration(),
    '0007-endpoint-filter': endpointFilterMigration(),
    '0005-trusts': trustsMigration(),
    '0009-domain-configs': domainConfigsMigration(),
    '0011-role-options': roleOptionsMigration(dialect),
    '0012-null-descriptions': nullDescriptionsMigration(dialect),
  };
}
