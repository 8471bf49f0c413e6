// The storage contract of the identity service: what managers may ask of a driver.
// Shapes follow Keystone's SQL models (keystone/*/backends/sql*.py); ids are strings
// (32-char hex UUIDs for everything Baton creates, 'default' for the default domain).
// Every method that looks a single row up by id throws NotFoundError when there is none;
// every insert or rename that collides with a unique constraint throws ConflictError.

export interface Domain {
  id: string;
  name: string;
  description: string | null;
  enabled: boolean;
  /** Free-form extra attributes the API accepted (Keystone keeps them in `extra`). */
  extra: Record<string, unknown>;
}

export interface Project {
  id: string;
  name: string;
  domainId: string;
  description: string | null;
  enabled: boolean;
  /** The parent project; for a top-level project, its domain id (as Keystone stores it). */
  parentId: string | null;
  isDomain: boolean;
  tags: string[];
  extra: Record<string, unknown>;
}

export interface User {
  id: string;
  name: string;
  domainId: string;
  enabled: boolean;
  defaultProjectId: string | null;
  /** bcrypt hash of the current password; null for a user with no password. */
  passwordHash: string | null;
  /** Epoch seconds, or null when the password never expires. */
  passwordExpiresAt: number | null;
  /** Epoch seconds of creation. */
  createdAt: number;
  extra: Record<string, unknown>;
  /** Wrong passwords since the last success ([security_compliance] lockout). */
  failedAuthCount: number;
  /** Epoch seconds of the last wrong password, or null. */
  failedAuthAt: number | null;
  /** Epoch seconds the current password was set, or null (no password, or set before Baton kept it). */
  passwordCreatedAt: number | null;
  /** Whether the user set the current password themselves (not an administrator). */
  passwordSelfService: boolean;
  /** Hashes of earlier passwords, newest last ([security_compliance] unique_last_password_count). */
  passwordHistory: string[];
}

export interface Group {
  id: string;
  name: string;
  domainId: string;
  description: string | null;
  extra: Record<string, unknown>;
}

export interface Role {
  id: string;
  name: string;
  /** Domain-specific roles carry their domain; global roles have null. */
  domainId: string | null;
  /** Null when none was given, as Keystone answers. */
  description: string | null;
  /** Keystone's role resource options: only `immutable` exists (true blocks updates and deletion). */
  options: RoleOptions;
  extra: Record<string, unknown>;
}

/** A role's resource options; an option set to null in a request is removed, so none holds null. */
export interface RoleOptions {
  immutable?: boolean;
}

export interface ImpliedRole {
  priorRoleId: string;
  impliedRoleId: string;
}

/** Who holds a role where. `system` assignments use targetId 'all'. */
export type AssignmentType =
  | 'UserProject'
  | 'GroupProject'
  | 'UserDomain'
  | 'GroupDomain'
  | 'UserSystem'
  | 'GroupSystem';

export interface Assignment {
  type: AssignmentType;
  actorId: string;
  targetId: string;
  roleId: string;
  inherited: boolean;
}

export interface AssignmentFilter {
  type?: AssignmentType | AssignmentType[];
  actorId?: string | string[];
  targetId?: string | string[];
  roleId?: string | string[];
  inherited?: boolean;
}

export interface Region {
  id: string;
  description: string;
  parentRegionId: string | null;
  extra: Record<string, unknown>;
}

export interface Service {
  id: string;
  type: string;
  name: string;
  enabled: boolean;
  extra: Record<string, unknown>;
}

export type EndpointInterface = 'public' | 'internal' | 'admin';

export interface Endpoint {
  id: string;
  serviceId: string;
  interface: EndpointInterface;
  url: string;
  regionId: string | null;
  enabled: boolean;
  extra: Record<string, unknown>;
}

export interface ApplicationCredential {
  id: string;
  name: string;
  userId: string;
  projectId: string;
  /** Null when none was given, as Keystone answers. */
  description: string | null;
  /** bcrypt hash of the secret. */
  secretHash: string;
  /** Epoch seconds, or null when it never expires. */
  expiresAt: number | null;
  /** Null when the request gave none, as Keystone keeps it; it counts as false. */
  unrestricted: boolean | null;
  /** Role ids delegated by the credential (a subset of the user's roles on the project). */
  roleIds: string[];
  /** The requests it may make (absent: any); each rule is its user's and may be shared by several credentials. */
  accessRules?: AccessRule[];
}

/** A service's default limit on one resource, optionally per region (Keystone's registered_limit). */
export interface RegisteredLimit {
  id: string;
  serviceId: string;
  regionId: string | null;
  resourceName: string;
  defaultLimit: number;
  description: string | null;
}

/**
 * A project's or a domain's own limit on a registered resource. Service, region and resource
 * name are the registered limit's (Keystone joins them in); exactly one of projectId and
 * domainId is set.
 */
export interface Limit {
  id: string;
  projectId: string | null;
  domainId: string | null;
  registeredLimitId: string;
  serviceId: string;
  regionId: string | null;
  resourceName: string;
  resourceLimit: number;
  description: string | null;
}

/** A policy document stored for services to fetch (Keystone's deprecated /v3/policies). */
export interface PolicyBlob {
  id: string;
  type: string;
  blob: string;
  extra: Record<string, unknown>;
}

/** One option of a domain's configuration; a sensitive one (the LDAP password) is never answered. */
export interface DomainConfigOption {
  group: string;
  option: string;
  value: unknown;
  sensitive: boolean;
}

/** An application credential access rule: one service, path and method its credentials may call. */
export interface AccessRule {
  id: string;
  userId: string;
  service: string | null;
  path: string | null;
  method: string | null;
}

/** Equality filters of the limit lists; `regionId: null` matches limits without a region. */
export interface LimitFilter {
  serviceId?: string;
  regionId?: string | null;
  resourceName?: string;
  projectId?: string;
  domainId?: string;
}

export interface RevocationEvent {
  userId: string | null;
  projectId: string | null;
  domainId: string | null;
  roleId: string | null;
  trustId: string | null;
  auditId: string | null;
  auditChainId: string | null;
  /** Epoch seconds (token expiry the event targets), or null. */
  expiresAt: number | null;
  /** Epoch seconds, whole seconds (Keystone drops microseconds). */
  revokedAt: number;
  /** Tokens issued at or before this epoch second match. */
  issuedBefore: number;
}

export interface ListFilter {
  name?: string;
  domainId?: string;
  enabled?: boolean;
}

export interface ResourceDriver {
  createDomain(domain: Domain): Promise<Domain>;
  getDomain(id: string): Promise<Domain>;
  getDomainByName(name: string): Promise<Domain>;
  listDomains(filter?: ListFilter): Promise<Domain[]>;
  updateDomain(id: string, patch: Partial<Omit<Domain, 'id'>>): Promise<Domain>;
  deleteDomain(id: string): Promise<void>;

  createProject(project: Project): Promise<Project>;
  getProject(id: string): Promise<Project>;
  getProjectByName(name: string, domainId: string): Promise<Project>;
  listProjects(filter?: ListFilter & { parentId?: string; ids?: string[] }): Promise<Project[]>;
  updateProject(id: string, patch: Partial<Omit<Project, 'id'>>): Promise<Project>;
  deleteProject(id: string): Promise<void>;
}

export interface IdentityDriver {
  createUser(user: User): Promise<User>;
  getUser(id: string): Promise<User>;
  getUserByName(name: string, domainId: string): Promise<User>;
  listUsers(filter?: ListFilter): Promise<User[]>;
  updateUser(id: string, patch: Partial<Omit<User, 'id'>>): Promise<User>;
  deleteUser(id: string): Promise<void>;

  createGroup(group: Group): Promise<Group>;
  getGroup(id: string): Promise<Group>;
  getGroupByName(name: string, domainId: string): Promise<Group>;
  listGroups(filter?: ListFilter): Promise<Group[]>;
  updateGroup(id: string, patch: Partial<Omit<Group, 'id'>>): Promise<Group>;
  deleteGroup(id: string): Promise<void>;

  addUserToGroup(userId: string, groupId: string): Promise<void>;
  removeUserFromGroup(userId: string, groupId: string): Promise<void>;
  isUserInGroup(userId: string, groupId: string): Promise<boolean>;
  listGroupsForUser(userId: string): Promise<Group[]>;
  listUsersInGroup(groupId: string): Promise<User[]>;
}

export interface AssignmentDriver {
  createRole(role: Role): Promise<Role>;
  getRole(id: string): Promise<Role>;
  getRoleByName(name: string, domainId: string | null): Promise<Role>;
  listRoles(filter?: { name?: string; domainId?: string | null }): Promise<Role[]>;
  updateRole(id: string, patch: Partial<Omit<Role, 'id'>>): Promise<Role>;
  deleteRole(id: string): Promise<void>;

  createImpliedRole(rule: ImpliedRole): Promise<ImpliedRole>;
  deleteImpliedRole(rule: ImpliedRole): Promise<void>;
  listImpliedRoles(priorRoleId?: string): Promise<ImpliedRole[]>;

  /** Idempotent: granting an existing assignment is not an error. */
  createAssignment(assignment: Assignment): Promise<void>;
  deleteAssignment(assignment: Assignment): Promise<void>;
  listAssignments(filter?: AssignmentFilter): Promise<Assignment[]>;
  /** Removes every assignment naming the actor, target or role (on delete of that entity). */
  deleteAssignmentsFor(ids: { actorId?: string; targetId?: string; roleId?: string }): Promise<void>;
}

export interface CatalogDriver {
  createRegion(region: Region): Promise<Region>;
  getRegion(id: string): Promise<Region>;
  listRegions(filter?: { parentRegionId?: string }): Promise<Region[]>;
  updateRegion(id: string, patch: Partial<Omit<Region, 'id'>>): Promise<Region>;
  deleteRegion(id: string): Promise<void>;

  createService(service: Service): Promise<Service>;
  getService(id: string): Promise<Service>;
  listServices(filter?: { type?: string; name?: string }): Promise<Service[]>;
  updateService(id: string, patch: Partial<Omit<Service, 'id'>>): Promise<Service>;
  deleteService(id: string): Promise<void>;

  createEndpoint(endpoint: Endpoint): Promise<Endpoint>;
  getEndpoint(id: string): Promise<Endpoint>;
  listEndpoints(filter?: { serviceId?: string; interface?: EndpointInterface; regionId?: string }): Promise<Endpoint[]>;
  updateEndpoint(id: string, patch: Partial<Omit<Endpoint, 'id'>>): Promise<Endpoint>;
  deleteEndpoint(id: string): Promise<void>;
}

export interface ApplicationCredentialDriver {
  /**
   * Each of `accessRules` is the user's rule with that id, else their rule with the same
   * service, path and method, else a new rule of theirs with that id; naming another user's
   * rule id is a ValidationError.
   */
  createApplicationCredential(credential: ApplicationCredential): Promise<ApplicationCredential>;
  getApplicationCredential(id: string): Promise<ApplicationCredential>;
  getApplicationCredentialByName(name: string, userId: string): Promise<ApplicationCredential>;
  listApplicationCredentials(userId: string, filter?: { name?: string }): Promise<ApplicationCredential[]>;
  deleteApplicationCredential(id: string): Promise<void>;
  deleteApplicationCredentialsForUser(userId: string): Promise<void>;
}

export interface UnifiedLimitDriver {
  /**
   * Stores all or none. A second registered limit for the same service, region and resource
   * (in the store or earlier in `limits`) is a ConflictError.
   */
  createRegisteredLimits(limits: RegisteredLimit[]): Promise<RegisteredLimit[]>;
  getRegisteredLimit(id: string): Promise<RegisteredLimit>;
  listRegisteredLimits(filter?: Omit<LimitFilter, 'projectId' | 'domainId'>): Promise<RegisteredLimit[]>;
  /** ForbiddenError while limits refer to it; ConflictError when it would duplicate another. */
  updateRegisteredLimit(id: string, patch: Partial<Omit<RegisteredLimit, 'id'>>): Promise<RegisteredLimit>;
  /** ForbiddenError while limits refer to it. */
  deleteRegisteredLimit(id: string): Promise<void>;

  /**
   * Stores all or none, each attached to the registered limit with its service, region and
   * resource (ForbiddenError when there is none). A second limit of the same project or
   * domain on the same registered limit is a ConflictError.
   */
  createLimits(limits: Omit<Limit, 'registeredLimitId'>[]): Promise<Limit[]>;
  getLimit(id: string): Promise<Limit>;
  listLimits(filter?: LimitFilter): Promise<Limit[]>;
  updateLimit(id: string, patch: { resourceLimit?: number; description?: string | null }): Promise<Limit>;
  deleteLimit(id: string): Promise<void>;
  deleteLimitsForProject(projectId: string): Promise<void>;
}

export interface PolicyDriver {
  createPolicy(policy: PolicyBlob): Promise<PolicyBlob>;
  getPolicy(id: string): Promise<PolicyBlob>;
  listPolicies(filter?: { type?: string }): Promise<PolicyBlob[]>;
  updatePolicy(id: string, patch: Partial<Omit<PolicyBlob, 'id'>>): Promise<PolicyBlob>;
  deletePolicy(id: string): Promise<void>;
}

/** A trusted identity provider (OS-FEDERATION); its users land in `domainId`. */
export interface IdentityProvider {
  id: string;
  domainId: string;
  enabled: boolean;
  description: string | null;
  /** Minutes a federated user's group memberships last; null for [federation] default_authorization_ttl. */
  authorizationTtl: number | null;
  /** Each names this provider only: unique across all identity providers, kept sorted. */
  remoteIds: string[];
}

/** How an identity provider's assertions arrive (saml2, openid, mapped…) and the mapping read for them. */
export interface FederationProtocol {
  id: string;
  idpId: string;
  mappingId: string;
  remoteIdAttribute: string | null;
}

/** Rules turning an assertion into local users, groups and projects (validated before they are stored). */
export interface Mapping {
  id: string;
  rules: unknown[];
}

/** A remote cloud this one's users may be federated into (listed in every token). */
export interface ServiceProvider {
  id: string;
  enabled: boolean;
  description: string | null;
  authUrl: string;
  spUrl: string;
  relayStatePrefix: string;
}

export interface FederationDriver {
  /** ConflictError for a taken id or a remote id another identity provider has. */
  createIdentityProvider(idp: IdentityProvider): Promise<IdentityProvider>;
  getIdentityProvider(id: string): Promise<IdentityProvider>;
  listIdentityProviders(filter?: { id?: string; enabled?: boolean; domainId?: string }): Promise<IdentityProvider[]>;
  /** ConflictError for a remote id another identity provider has. */
  updateIdentityProvider(id: string, patch: Partial<Omit<IdentityProvider, 'id' | 'domainId'>>): Promise<IdentityProvider>;
  /** Takes its protocols and remote ids along. */
  deleteIdentityProvider(id: string): Promise<void>;

  /** NotFoundError for a missing identity provider; ConflictError for a taken id. */
  createProtocol(protocol: FederationProtocol): Promise<FederationProtocol>;
  getProtocol(idpId: string, id: string): Promise<FederationProtocol>;
  listProtocols(idpId: string): Promise<FederationProtocol[]>;
  updateProtocol(idpId: string, id: string, patch: Partial<Pick<FederationProtocol, 'mappingId' | 'remoteIdAttribute'>>): Promise<FederationProtocol>;
  deleteProtocol(idpId: string, id: string): Promise<void>;

  createMapping(mapping: Mapping): Promise<Mapping>;
  getMapping(id: string): Promise<Mapping>;
  listMappings(): Promise<Mapping[]>;
  updateMapping(id: string, rules: unknown[]): Promise<Mapping>;
  deleteMapping(id: string): Promise<void>;

  createServiceProvider(sp: ServiceProvider): Promise<ServiceProvider>;
  getServiceProvider(id: string): Promise<ServiceProvider>;
  listServiceProviders(filter?: { id?: string; enabled?: boolean }): Promise<ServiceProvider[]>;
  updateServiceProvider(id: string, patch: Partial<Omit<ServiceProvider, 'id'>>): Promise<ServiceProvider>;
  deleteServiceProvider(id: string): Promise<void>;
}

/** An OS-EP-FILTER endpoint group: the endpoints whose attributes equal every filter. */
export interface EndpointGroup {
  id: string;
  name: string;
  description: string | null;
  /** Endpoint attribute (service_id, region_id or interface) → the value it must have. */
  filters: Record<string, unknown>;
}

/** OS-EP-FILTER: endpoints and endpoint groups associated with projects. */
export interface EndpointFilterDriver {
  /** ConflictError when already associated. */
  addEndpointToProject(endpointId: string, projectId: string): Promise<void>;
  isEndpointInProject(endpointId: string, projectId: string): Promise<boolean>;
  /** NotFoundError when not associated. */
  removeEndpointFromProject(endpointId: string, projectId: string): Promise<void>;
  listEndpointIdsForProject(projectId: string): Promise<string[]>;
  listProjectIdsForEndpoint(endpointId: string): Promise<string[]>;

  createEndpointGroup(group: EndpointGroup): Promise<EndpointGroup>;
  getEndpointGroup(id: string): Promise<EndpointGroup>;
  listEndpointGroups(filter?: { name?: string }): Promise<EndpointGroup[]>;
  updateEndpointGroup(id: string, patch: Partial<Omit<EndpointGroup, 'id'>>): Promise<EndpointGroup>;
  /** Its project associations go with it. */
  deleteEndpointGroup(id: string): Promise<void>;
  /** ConflictError when already associated. */
  addEndpointGroupToProject(groupId: string, projectId: string): Promise<void>;
  isEndpointGroupInProject(groupId: string, projectId: string): Promise<boolean>;
  /** NotFoundError when not associated. */
  removeEndpointGroupFromProject(groupId: string, projectId: string): Promise<void>;
  listEndpointGroupIdsForProject(projectId: string): Promise<string[]>;
  listProjectIdsForEndpointGroup(groupId: string): Promise<string[]>;
}

/**
 * An OS-ENDPOINT-POLICY association: a policy for one endpoint, for a service, or for a
 * service in a region (the other ids null).
 */
export interface PolicyAssociation {
  policyId: string;
  endpointId: string | null;
  serviceId: string | null;
  regionId: string | null;
}

export type PolicyAssociationPlace = Omit<PolicyAssociation, 'policyId'>;

export interface EndpointPolicyDriver {
  /** One policy per place: associating another policy with the same place replaces it. */
  setPolicyAssociation(association: PolicyAssociation): Promise<void>;
  isPolicyAssociated(association: PolicyAssociation): Promise<boolean>;
  /** Deletes the association if it exists. */
  deletePolicyAssociation(association: PolicyAssociation): Promise<void>;
  /** The policy id associated with exactly that place, or null. */
  getPolicyIdFor(place: PolicyAssociationPlace): Promise<string | null>;
  listPolicyAssociations(policyId: string): Promise<PolicyAssociation[]>;
}

export interface DomainConfigDriver {
  /** The domain's options, narrowed to a group and an option when given, sensitive or not. */
  listConfigOptions(domainId: string, filter?: { group?: string; option?: string; sensitive?: boolean }): Promise<DomainConfigOption[]>;
  /** Replaces the domain's whole configuration with `options`. */
  replaceConfigOptions(domainId: string, options: DomainConfigOption[]): Promise<void>;
  /** Sets each option, replacing its earlier value. */
  updateConfigOptions(domainId: string, options: DomainConfigOption[]): Promise<void>;
  /** Removes the domain's options, or a group's, or one option. */
  deleteConfigOptions(domainId: string, filter?: { group?: string; option?: string }): Promise<void>;
}

export interface AccessRuleDriver {
  getAccessRule(id: string): Promise<AccessRule>;
  listAccessRules(userId: string, filter?: { service?: string; path?: string; method?: string }): Promise<AccessRule[]>;
  /** ForbiddenError while an application credential uses it. */
  deleteAccessRule(id: string): Promise<void>;
  deleteAccessRulesForUser(userId: string): Promise<void>;
}

export interface RevokeDriver {
  /** Inserts the event, then prunes events with revokedAt < pruneBefore (epoch seconds). */
  addEvent(event: RevocationEvent, pruneBefore: number): Promise<void>;
  /** Events whose issuedBefore >= issuedAt (the only ones that can match a token issued then). */
  listEventsSince(issuedAt: number): Promise<RevocationEvent[]>;
}

/** A stored credential as the driver sees it: the blob still encrypted. */
export interface StoredCredential {
  id: string;
  userId: string;
  projectId: string | null;
  type: string;
  encryptedBlob: string;
  keyHash: string;
  extra: Record<string, unknown>;
}

export interface CredentialFilter {
  userId?: string;
  type?: string;
}

export interface CredentialDriver {
  /** @throws ConflictError when the id exists (an EC2 access key used twice). */
  createCredential(credential: StoredCredential): Promise<StoredCredential>;
  /** @throws NotFoundError */
  getCredential(id: string): Promise<StoredCredential>;
  listCredentials(filter?: CredentialFilter): Promise<StoredCredential[]>;
  /** Replaces the blob (re-encrypted by the caller). @throws NotFoundError */
  updateCredentialBlob(id: string, blob: { encryptedBlob: string; keyHash: string }): Promise<StoredCredential>;
  /** @throws NotFoundError */
  deleteCredential(id: string): Promise<void>;
  deleteCredentialsForUser(userId: string): Promise<void>;
  deleteCredentialsForProject(projectId: string): Promise<void>;
}

/** An OAuth1 consumer (OS-OAUTH1); its secret is shown once, when it is created. */
export interface Consumer {
  id: string;
  description: string | null;
  secret: string;
  extra: Record<string, unknown>;
}

/** A request token, authorized (user, roles, verifier set) or not yet. */
export interface RequestToken {
  id: string;
  secret: string;
  verifier: string | null;
  authorizingUserId: string | null;
  projectId: string;
  roleIds: string[] | null;
  consumerId: string;
  /** Epoch seconds, or null when it never expires. */
  expiresAt: number | null;
}

/** An access token: what a consumer signs oauth1 authentications with, on one user's behalf. */
export interface AccessToken {
  id: string;
  secret: string;
  authorizingUserId: string;
  projectId: string;
  roleIds: string[];
  consumerId: string;
  expiresAt: number | null;
}

export interface OAuth1Driver {
  createConsumer(consumer: Consumer): Promise<Consumer>;
  getConsumer(id: string): Promise<Consumer>;
  listConsumers(): Promise<Consumer[]>;
  updateConsumer(id: string, patch: { description?: string | null; extra?: Record<string, unknown> }): Promise<Consumer>;
  /** Deletes the consumer with its request and access tokens. */
  deleteConsumer(id: string): Promise<void>;
  createRequestToken(token: RequestToken): Promise<RequestToken>;
  getRequestToken(id: string): Promise<RequestToken>;
  authorizeRequestToken(id: string, userId: string, roleIds: string[], verifier: string): Promise<RequestToken>;
  /** Creates the access token and deletes the request token it was exchanged for, atomically. */
  exchangeRequestToken(requestTokenId: string, token: AccessToken): Promise<AccessToken>;
  getAccessToken(id: string): Promise<AccessToken>;
  listAccessTokens(userId: string): Promise<AccessToken[]>;
  deleteAccessToken(id: string): Promise<void>;
}

/** One user (trustor) delegating roles on a project to another (trustee); Keystone's trust. */
export interface Trust {
  id: string;
  trustorUserId: string;
  trusteeUserId: string;
  projectId: string | null;
  /** The trustee's tokens name the trustor as their user. */
  impersonation: boolean;
  /** Epoch seconds (with microseconds), or null when it never expires. */
  expiresAt: number | null;
  /** Tokens it can still issue, or null for no limit. */
  remainingUses: number | null;
  /** The trust this one was redelegated from. */
  redelegatedTrustId: string | null;
  /** How many more times it may be redelegated (0: never). */
  redelegationCount: number;
  roleIds: string[];
  extra: Record<string, unknown>;
}

export interface TrustDriver {
  /** ConflictError when the same trustor, trustee, project, impersonation and expiry exist. */
  createTrust(trust: Trust): Promise<Trust>;
  /** The stored trust, used up or expired or not (NotFoundError when absent). */
  getTrust(id: string): Promise<Trust>;
  listTrusts(filter?: { trustorUserId?: string; trusteeUserId?: string; redelegatedTrustId?: string }): Promise<Trust[]>;
  /**
   * Takes one use of a trust with limited uses (nothing for an unlimited one); false when
   * none is left or another node took the last one first.
   */
  consumeTrustUse(id: string): Promise<boolean>;
  deleteTrust(id: string): Promise<void>;
  deleteTrustsForUser(userId: string): Promise<void>;
  deleteTrustsForProject(projectId: string): Promise<void>;
}

/** One storage backend (SQLite or PostgreSQL), all drivers sharing its connection. */
export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  readonly resource: ResourceDriver;
  readonly identity: IdentityDriver;
  readonly assignment: AssignmentDriver;
  readonly catalog: CatalogDriver;
  readonly applicationCredential: ApplicationCredentialDriver;
  readonly revoke: RevokeDriver;
  readonly unifiedLimit: UnifiedLimitDriver;
  readonly policy: PolicyDriver;
  readonly federation: FederationDriver;
  readonly credential: CredentialDriver;
  readonly oauth1: OAuth1Driver;
  readonly endpointFilter: EndpointFilterDriver;
  readonly endpointPolicy: EndpointPolicyDriver;
  readonly trust: TrustDriver;
  readonly domainConfig: DomainConfigDriver;
  readonly accessRule: AccessRuleDriver;
  /** Applies pending migrations (keystone-manage db_sync). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
