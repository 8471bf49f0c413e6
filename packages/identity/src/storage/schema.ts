// Row types of the tables created by migrations/, as Kysely sees them. Booleans read back
// as 0/1 on SQLite and true/false on PostgreSQL; JSON columns are text.
import type { ColumnType, Generated } from 'kysely';

/** Written as a JS boolean, read as a boolean or 0/1 depending on the database. */
export type BoolColumn = ColumnType<boolean | number, boolean, boolean>;

export interface DomainTable {
  id: string;
  name: string;
  description: string | null;
  enabled: BoolColumn;
  extra: string;
}

export interface ProjectTable {
  id: string;
  name: string;
  domain_id: string;
  description: string | null;
  enabled: BoolColumn;
  parent_id: string | null;
  is_domain: BoolColumn;
  extra: string;
}

export interface ProjectTagTable {
  project_id: string;
  name: string;
  /** Keeps tags in the order they were given. */
  position: number;
}

export interface UserTable {
  id: string;
  name: string;
  domain_id: string;
  enabled: BoolColumn;
  default_project_id: string | null;
  password_hash: string | null;
  password_expires_at: number | null;
  created_at: number;
  extra: string;
  failed_auth_count: Generated<number>;
  failed_auth_at: number | null;
  password_created_at: number | null;
  password_self_service: ColumnType<boolean | number, boolean | undefined, boolean>;
  /** JSON array of earlier password hashes, newest last. */
  password_history: Generated<string>;
}

export interface GroupTable {
  id: string;
  name: string;
  domain_id: string;
  description: string | null;
  extra: string;
}

export interface MembershipTable {
  user_id: string;
  group_id: string;
}

export interface RoleTable {
  id: string;
  name: string;
  /** NULL_DOMAIN_ID for global roles, so (name, domain_id) stays unique on every database. */
  domain_id: string;
  description: string | null;
  extra: string;
  /** JSON: the role's resource options by name (`immutable`), `{}` for none. */
  options: ColumnType<string, string | undefined, string>;
}

export interface ImpliedRoleTable {
  prior_role_id: string;
  implied_role_id: string;
}

export interface AssignmentTable {
  type: string;
  actor_id: string;
  target_id: string;
  role_id: string;
  inherited: BoolColumn;
}

export interface RegionTable {
  id: string;
  description: string;
  parent_region_id: string | null;
  extra: string;
}

export interface ServiceTable {
  id: string;
  type: string;
  name: string;
  enabled: BoolColumn;
  extra: string;
}

export interface EndpointTable {
  id: string;
  service_id: string;
  interface: string;
  url: string;
  region_id: string | null;
  enabled: BoolColumn;
  extra: string;
}

export interface ApplicationCredentialTable {
  id: string;
  name: string;
  user_id: string;
  project_id: string;
  description: string | null;
  secret_hash: string;
  expires_at: number | null;
  unrestricted: ColumnType<boolean | number | null, boolean | null, boolean | null>;
}

export interface ApplicationCredentialRoleTable {
  application_credential_id: string;
  role_id: string;
}

export interface RevocationEventTable {
  id: Generated<number>;
  user_id: string | null;
  project_id: string | null;
  domain_id: string | null;
  role_id: string | null;
  trust_id: string | null;
  audit_id: string | null;
  audit_chain_id: string | null;
  expires_at: number | null;
  revoked_at: number;
  issued_before: number;
}

export interface RegisteredLimitTable {
  id: string;
  service_id: string;
  region_id: string | null;
  resource_name: string;
  default_limit: number;
  description: string | null;
}

export interface LimitTable {
  id: string;
  project_id: string | null;
  domain_id: string | null;
  registered_limit_id: string;
  resource_limit: number;
  description: string | null;
}

export interface PolicyTable {
  id: string;
  type: string;
  blob: string;
  extra: string;
}

export interface IdentityProviderTable {
  id: string;
  domain_id: string;
  enabled: BoolColumn;
  description: string | null;
  authorization_ttl: number | null;
}

export interface IdpRemoteIdTable {
  remote_id: string;
  idp_id: string;
}

export interface FederationProtocolTable {
  id: string;
  idp_id: string;
  mapping_id: string;
  remote_id_attribute: string | null;
}

export interface MappingTable {
  id: string;
  /** The rules as JSON text. */
  rules: string;
}

export interface ServiceProviderTable {
  id: string;
  enabled: BoolColumn;
  description: string | null;
  auth_url: string;
  sp_url: string;
  relay_state_prefix: string;
}

/** Keystone's credential table: the blob only ever stored encrypted (credential/backends/sql.py). */
export interface CredentialTable {
  id: string;
  user_id: string;
  project_id: string | null;
  type: string;
  encrypted_blob: string;
  /** SHA-1 of the primary key that encrypted the blob, as Keystone records it. */
  key_hash: string;
  extra: string;
}

export interface ConsumerTable {
  id: string;
  description: string | null;
  secret: string;
  extra: string;
}

export interface RequestTokenTable {
  id: string;
  request_secret: string;
  verifier: string | null;
  authorizing_user_id: string | null;
  requested_project_id: string;
  /** JSON array of role ids, once authorized. */
  role_ids: string | null;
  consumer_id: string;
  /** Epoch seconds; null for tokens that never expire ([oauth1] request_token_duration = 0). */
  expires_at: number | null;
}

export interface AccessTokenTable {
  id: string;
  access_secret: string;
  authorizing_user_id: string;
  project_id: string;
  role_ids: string;
  consumer_id: string;
  expires_at: number | null;
}

export interface ProjectEndpointTable {
  endpoint_id: string;
  project_id: string;
}

export interface EndpointGroupTable {
  id: string;
  name: string;
  description: string | null;
  /** JSON object: endpoint attribute → value. */
  filters: string;
}

export interface ProjectEndpointGroupTable {
  endpoint_group_id: string;
  project_id: string;
}

export interface PolicyAssociationTable {
  id: string;
  policy_id: string;
  endpoint_id: string | null;
  service_id: string | null;
  region_id: string | null;
}

export interface TrustTable {
  id: string;
  trustor_user_id: string;
  trustee_user_id: string;
  project_id: string | null;
  impersonation: BoolColumn;
  expires_at: number | null;
  remaining_uses: number | null;
  redelegated_trust_id: string | null;
  redelegation_count: number | null;
  extra: string;
}

export interface TrustRoleTable {
  trust_id: string;
  role_id: string;
}

export interface DomainConfigTable {
  domain_id: string;
  group: string;
  option: string;
  /** JSON text. */
  value: string;
  sensitive: BoolColumn;
}

export interface AccessRuleTable {
  id: string;
  user_id: string;
  service: string | null;
  path: string | null;
  method: string | null;
}

export interface ApplicationCredentialAccessRuleTable {
  application_credential_id: string;
  access_rule_id: string;
}

export interface Database {
  domain: DomainTable;
  project: ProjectTable;
  project_tag: ProjectTagTable;
  user: UserTable;
  group: GroupTable;
  user_group_membership: MembershipTable;
  role: RoleTable;
  implied_role: ImpliedRoleTable;
  assignment: AssignmentTable;
  region: RegionTable;
  service: ServiceTable;
  endpoint: EndpointTable;
  application_credential: ApplicationCredentialTable;
  application_credential_role: ApplicationCredentialRoleTable;
  revocation_event: RevocationEventTable;
  registered_limit: RegisteredLimitTable;
  limit: LimitTable;
  policy: PolicyTable;
  identity_provider: IdentityProviderTable;
  idp_remote_ids: IdpRemoteIdTable;
  federation_protocol: FederationProtocolTable;
  mapping: MappingTable;
  service_provider: ServiceProviderTable;
  credential: CredentialTable;
  consumer: ConsumerTable;
  request_token: RequestTokenTable;
  access_token: AccessTokenTable;
  project_endpoint: ProjectEndpointTable;
  endpoint_group: EndpointGroupTable;
  project_endpoint_group: ProjectEndpointGroupTable;
  policy_association: PolicyAssociationTable;
  trust: TrustTable;
  trust_role: TrustRoleTable;
  domain_config: DomainConfigTable;
  access_rule: AccessRuleTable;
  application_credential_access_rule: ApplicationCredentialAccessRuleTable;
}

/** Keystone's stand-in for a NULL domain in unique keys (resource/backends/base.py). */
export const NULL_DOMAIN_ID = '<<null>>';
