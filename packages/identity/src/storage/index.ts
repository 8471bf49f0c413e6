// The identity service's storage: one Kysely connection (SQLite or PostgreSQL) shared by
// every driver. `connection` is oslo.db's `[database] connection` URL.
import { migrateToLatest, openDatabase } from '@baton/storage';
import { SqlApplicationCredentialDriver } from './drivers/application-credential.ts';
import { SqlAssignmentDriver } from './drivers/assignment.ts';
import { SqlCatalogDriver } from './drivers/catalog.ts';
import { SqlIdentityDriver } from './drivers/identity.ts';
import { SqlResourceDriver } from './drivers/resource.ts';
import { SqlPolicyDriver } from './drivers/policy.ts';
import { SqlOAuth1Driver } from './drivers/oauth1.ts';
import { SqlRevokeDriver } from './drivers/revoke.ts';
import { SqlUnifiedLimitDriver } from './drivers/unified-limit.ts';
import { SqlFederationDriver } from './drivers/federation.ts';
import { SqlCredentialDriver } from './drivers/credential.ts';
import { SqlEndpointFilterDriver } from './drivers/endpoint-filter.ts';
import { SqlEndpointPolicyDriver } from './drivers/endpoint-policy.ts';
import { SqlTrustDriver } from './drivers/trust.ts';
import type { DriverContext } from './drivers/shared.ts';
import { SqlDomainConfigDriver } from './drivers/domain-config.ts';
import { SqlAccessRuleDriver } from './drivers/access-rule.ts';
import { identityMigrations } from './migrations/index.ts';
import type { Database } from './schema.ts';
import type { Storage } from './types.ts';

export type * from './types.ts';

export interface StorageOptions {
  /** Receives one line per applied migration and per ignored connection parameter. */
  log?: (msg: string) => void;
}

/**
 * Opens the database named by `connection` (no migration is run; call `migrate()`).
 * @throws TypeError for a connection URL Baton cannot use.
 */
export async function createStorage(connection: string, opts: StorageOptions = {}): Promise<Storage> {
  const log = opts.log ?? ((): void => {});
  const opened = await openDatabase<Database>(connection, log);
  const ctx: DriverContext = { db: opened.db, dialect: opened.dialect };
  return {
    dialect: opened.dialect.name,
    resource: new SqlResourceDriver(ctx),
    identity: new SqlIdentityDriver(ctx),
    assignment: new SqlAssignmentDriver(ctx),
    catalog: new SqlCatalogDriver(ctx),
    applicationCredential: new SqlApplicationCredentialDriver(ctx),
    revoke: new SqlRevokeDriver(ctx),
    unifiedLimit: new SqlUnifiedLimitDriver(ctx),
    policy: new SqlPolicyDriver(ctx),
    federation: new SqlFederationDriver(ctx),
    credential: new SqlCredentialDriver(ctx),
    oauth1: new SqlOAuth1Driver(ctx),
    endpointFilter: new SqlEndpointFilterDriver(ctx),
    endpointPolicy: new SqlEndpointPolicyDriver(ctx),
    trust: new SqlTrustDriver(ctx),
    domainConfig: new SqlDomainConfigDriver(ctx),
    accessRule: new SqlAccessRuleDriver(ctx),
    migrate: () => migrateToLatest(opened, identityMigrations(opened.dialect), log),
    close: () => opened.close(),
  };
}
