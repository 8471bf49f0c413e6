// Keystone 22 (Zed) default policies as data (keystone/common/policies/*.py): for each
// identity:<action>, the token scopes it accepts (scope_types), the new scope-aware rule
// and the deprecated rule oslo.policy OR-s in while [oslo_policy] enforce_new_defaults
// is false. A rule is a list of alternatives; the action is allowed when any one holds.
// `compilePolicy` resolves both options once at start-up, so a check is one array walk.
import { ForbiddenError } from './errors.ts';

/** What the caller's token says about them (oslo.policy's "credentials"). */
export interface PolicyCredentials {
  userId: string;
  /** Lower-cased role names of the caller's token (RoleCheck is case-insensitive). */
  roles: ReadonlySet<string>;
  projectId: string | null;
  projectDomainId: string | null;
  domainId: string | null;
  system: boolean;
}

/**
 * Attributes of the thing acted on, as far as a rule needs them. `domainId` is the domain
 * the target lives in (a user's, group's or project's domain, or the domain itself); for
 * grants `actorDomainId` is the user's or group's domain and `roleDomainId` the role's.
 */
export interface PolicyTarget {
  userId?: string | null;
  projectId?: string | null;
  domainId?: string | null;
  actorDomainId?: string | null;
  roleDomainId?: string | null;
  tokenUserId?: string | null;
  /** target.credential.user_id: the owner of the credential acted on (or to be created). */
  credentialUserId?: string | null;
  trustorUserId?: string | null;
  trusteeUserId?: string | null;
}

export type TokenScope = 'system' | 'domain' | 'project';

export interface PolicyOptions {
  /** [oslo_policy] enforce_scope: refuse a token whose scope the rule does not list. */
  enforceScope: boolean;
  /** [oslo_policy] enforce_new_defaults: drop the deprecated rules. */
  enforceNewDefaults: boolean;
}

type Check = (c: PolicyCredentials, t: PolicyTarget) => boolean;

const has = (c: PolicyCredentials, role: string): boolean => c.roles.has(role);
const known = (value: string | null | undefined): value is string => value !== undefined && value !== null;

/** rule:admin_required in the deprecated rules: `admin` on any scope is the cloud admin. */
const anyAdmin: Check = (c) => has(c, 'admin');
/**
 * rule:admin_required in the new rules. Zed's defaults still treat `admin` on a domain as
 * cloud-wide, which lets a domain admin act on every domain; Baton's new defaults give a
 * domain-scoped admin only the domain-admin rules Keystone keeps in its policy modules
 * (SYSTEM_ADMIN_OR_DOMAIN_ADMIN and the grant rules). See docs/decisions.md.
 */
const cloudAdmin: Check = (c) => has(c, 'admin') && c.domainId === null;
const systemReader: Check = (c) => c.system && has(c, 'reader');
/** base.SYSTEM_ADMIN: `admin` on the system scope only. */
const systemAdmin: Check = (c) => c.system && has(c, 'admin');
const inDomain = (c: PolicyCredentials, domainId: string | null | undefined): boolean =>
  c.domainId !== null && known(domainId) && domainId === c.domainId;
const domainReader: Check = (c, t) => has(c, 'reader') && inDomain(c, t.domainId);
const domainAdmin: Check = (c, t) => has(c, 'admin') && inDomain(c, t.domainId);
/** Grants: the actor, the place (project's domain or the domain) and a domain role all in the caller's domain. */
const grantInDomain = (role: string): Check => (c, t) =>
  has(c, role) && inDomain(c, t.actorDomainId) && inDomain(c, t.domainId) && (t.roleDomainId === null || t.roleDomainId === undefined || inDomain(c, t.roleDomainId));
const bothInDomain = (role: string): Check => (c, t) => has(c, role) && inDomain(c, t.domainId) && inDomain(c, t.actorDomainId);
const projectUser: Check = (c, t) => c.projectId !== null && t.projectId === c.projectId;
const owner: Check = (c, t) => t.userId !== undefined && t.userId === c.userId;
const tokenSubject: Check = (c, t) => t.tokenUserId !== undefined && t.tokenUserId === c.userId;
const service: Check = (c) => has(c, 'service');
const trustor: Check = (c, t) => known(t.trustorUserId) && t.trustorUserId === c.userId;
const trustee: Check = (c, t) => known(t.trusteeUserId) && t.trusteeUserId === c.userId;
/** Reads of one trust: Keystone's ADMIN_OR_SYSTEM_READER_OR_TRUSTOR_OR_TRUSTEE (deprecated: trustor or trustee). */
const trustRead: RuleDefault = { scopes: ['system', 'project'], rule: [cloudAdmin, systemReader, trustor, trustee], deprecated: [anyAdmin, trustor, trustee] };
const anyone: Check = () => true;
const tokenDomain: Check = (c, t) => known(t.domainId) && (t.domainId === c.domainId || t.domainId === c.projectDomainId);
const projectDomain: Check = (c, t) => known(t.domainId) && t.domainId === c.projectDomainId;

/** user_id:%(target.credential.user_id)s */
const credentialOwner: Check = (c, t) => known(t.credentialUserId) && t.credentialUserId === c.userId;
/** The deprecated EC2 rule:owner is the user in the URL; get and delete also want the credential's. */
const memberCredentialOwner: Check = (c, t) => has(c, 'member') && credentialOwner(c, t);
const urlAndCredentialOwner: Check = (c, t) => owner(c, t) && credentialOwner(c, t);

interface RuleDefault {
  /** scope_types; null when the rule has none (oslo.policy checks no scope then). */
  scopes: readonly TokenScope[] | null;
  rule: readonly Check[];
  /** The deprecated rule, OR-ed in while enforce_new_defaults is false. */
  deprecated?: readonly Check[];
}

const SDP: readonly TokenScope[] = ['system', 'domain', 'project'];
const SP: readonly TokenScope[] = ['system', 'project'];

const adminOnly = (scopes: readonly TokenScope[]): RuleDefault => ({ scopes, rule: [cloudAdmin], deprecated: [anyAdmin] });
const adminOrSystemReader = (scopes: readonly TokenScope[] = SP): RuleDefault => ({
  scopes,
  rule: [cloudAdmin, systemReader],
  deprecated: [anyAdmin],
});
/** Reads inside a domain: system readers, readers of the target's domain (Keystone's DOMAIN_READER). */
const domainRead = (...more: Check[]): RuleDefault => ({
  scopes: SDP,
  rule: [cloudAdmin, systemReader, domainReader, ...more],
  deprecated: more.includes(owner) ? [anyAdmin, owner] : [anyAdmin],
});
/** Writes inside a domain: the cloud admin or the admin of the target's domain. */
const domainWrite = (check: Check = domainAdmin): RuleDefault => ({ scopes: SDP, rule: [cloudAdmin, check], deprecated: [anyAdmin] });

/** identity:<action> → Keystone 22's default. Actions not listed here are refused (deny by default). */
const defaults: Record<string, RuleDefault> = {
  validate_token: { scopes: SDP, rule: [cloudAdmin, systemReader, service, tokenSubject], deprecated: [anyAdmin, service, tokenSubject] },
  check_token: { scopes: SDP, rule: [cloudAdmin, systemReader, tokenSubject], deprecated: [anyAdmin, tokenSubject] },
  revoke_token: { scopes: SDP, rule: [cloudAdmin, tokenSubject], deprecated: [anyAdmin, tokenSubject] },
  get_auth_catalog: { scopes: null, rule: [anyone] },
  get_auth_projects: { scopes: null, rule: [anyone] },
  get_auth_domains: { scopes: null, rule: [anyone] },
  get_auth_system: { scopes: null, rule: [anyone] },

  get_domain: { scopes: SDP, rule: [cloudAdmin, systemReader, tokenDomain], deprecated: [anyAdmin, projectDomain] },
  list_domains: adminOrSystemReader(),
  create_domain: adminOnly(SP),
  update_domain: adminOnly(SP),
  delete_domain: adminOnly(SP),

  // Zed's new get_project has no admin clause: a project admin reads other projects as a reader would.
  get_project: { scopes: SDP, rule: [systemReader, domainReader, projectUser], deprecated: [anyAdmin, projectUser] },
  list_projects: domainRead(),
  list_user_projects: domainRead(owner),
  create_project: domainWrite(),
  update_project: domainWrite(),
  delete_project: domainWrite(),

  list_project_tags: { scopes: SDP, rule: [cloudAdmin, systemReader, domainReader, projectUser], deprecated: [anyAdmin, projectUser] },
  get_project_tag: { scopes: SDP, rule: [cloudAdmin, systemReader, domainReader, projectUser], deprecated: [anyAdmin, projectUser] },
  update_project_tags: domainWrite(),
  create_project_tag: domainWrite(),
  delete_project_tags: domainWrite(),
  delete_project_tag: domainWrite(),

  get_user: domainRead(owner),
  list_users: domainRead(),
  create_user: domainWrite(),
  update_user: domainWrite(),
  delete_user: domainWrite(),

  get_group: domainRead(),
  list_groups: domainRead(),
  list_groups_for_user: domainRead(owner),
  list_users_in_group: domainRead(),
  check_user_in_group: { scopes: SDP, rule: [cloudAdmin, systemReader, bothInDomain('reader')], deprecated: [anyAdmin] },
  create_group: domainWrite(),
  update_group: domainWrite(),
  delete_group: domainWrite(),
  add_user_to_group: domainWrite(bothInDomain('admin')),
  remove_user_from_group: domainWrite(bothInDomain('admin')),

  get_role: adminOrSystemReader(),
  list_roles: adminOrSystemReader(),
  create_role: adminOnly(SP),
  update_role: adminOnly(SP),
  delete_role: adminOnly(SP),
  list_implied_roles: adminOrSystemReader(),
  get_implied_role: adminOrSystemReader(),
  check_implied_role: adminOrSystemReader(),
  create_implied_role: adminOnly(SP),
  delete_implied_role: adminOnly(SP),
  list_role_inference_rules: adminOrSystemReader(),

  list_role_assignments: domainRead(),
  list_role_assignments_for_tree: domainRead(),
  check_grant: { scopes: SDP, rule: [cloudAdmin, systemReader, grantInDomain('reader')], deprecated: [anyAdmin] },
  list_grants: { scopes: SDP, rule: [cloudAdmin, systemReader, grantInDomain('reader')], deprecated: [anyAdmin] },
  create_grant: { scopes: SDP, rule: [cloudAdmin, grantInDomain('admin')], deprecated: [anyAdmin] },
  revoke_grant: { scopes: SDP, rule: [cloudAdmin, grantInDomain('admin')], deprecated: [anyAdmin] },
  list_system_grants_for_user: adminOrSystemReader(),
  check_system_grant_for_user: adminOrSystemReader(),
  create_system_grant_for_user: adminOnly(SP),
  revoke_system_grant_for_user: adminOnly(SP),
  list_system_grants_for_group: adminOrSystemReader(),
  check_system_grant_for_group: adminOrSystemReader(),
  create_system_grant_for_group: adminOnly(SP),
  revoke_system_grant_for_group: adminOnly(SP),

  get_region: { scopes: SDP, rule: [anyone] },
  list_regions: { scopes: SDP, rule: [anyone] },
  create_region: adminOnly(SP),
  update_region: adminOnly(SP),
  delete_region: adminOnly(SP),
  get_service: adminOrSystemReader(),
  list_services: adminOrSystemReader(),
  create_service: adminOnly(SP),
  update_service: adminOnly(SP),
  delete_service: adminOnly(SP),
  get_endpoint: adminOrSystemReader(),
  list_endpoints: adminOrSystemReader(),
  create_endpoint: adminOnly(SP),
  update_endpoint: adminOnly(SP),
  delete_endpoint: adminOnly(SP),

  get_application_credential: { scopes: SP, rule: [cloudAdmin, systemReader, owner], deprecated: [anyAdmin, owner] },
  list_application_credentials: { scopes: SP, rule: [cloudAdmin, systemReader, owner], deprecated: [anyAdmin, owner] },
  create_application_credential: { scopes: ['project'], rule: [owner] },
  delete_application_credential: { scopes: SP, rule: [anyAdmin, owner], deprecated: [anyAdmin, owner] },

  get_policy: adminOrSystemReader(),
  list_policies: adminOrSystemReader(),
  create_policy: adminOnly(SP),
  update_policy: adminOnly(SP),
  delete_policy: adminOnly(SP),

  get_registered_limit: { scopes: SDP, rule: [anyone] },
  list_registered_limits: { scopes: SDP, rule: [anyone] },
  create_registered_limits: adminOnly(SP),
  update_registered_limit: adminOnly(SP),
  delete_registered_limit: adminOnly(SP),
  get_limit_model: { scopes: SDP, rule: [anyone] },
  // Any role on the limit's domain (or its project's domain) or on its project reads it.
  get_limit: { scopes: SDP, rule: [cloudAdmin, systemReader, (c, t) => inDomain(c, t.domainId), projectUser], deprecated: [anyAdmin] },
  list_limits: { scopes: SDP, rule: [anyone] },
  create_limits: adminOnly(SP),
  update_limit: adminOnly(SP),
  delete_limit: adminOnly(SP),

  get_identity_provider: adminOrSystemReader(),
  list_identity_providers: adminOrSystemReader(),
  create_identity_provider: adminOnly(SP),
  update_identity_provider: adminOnly(SP),
  delete_identity_provider: adminOnly(SP),
  get_protocol: adminOrSystemReader(),
  list_protocols: adminOrSystemReader(),
  create_protocol: adminOnly(SP),
  update_protocol: adminOnly(SP),
  delete_protocol: adminOnly(SP),
  get_mapping: adminOrSystemReader(),
  list_mappings: adminOrSystemReader(),
  create_mapping: adminOnly(SP),
  update_mapping: adminOnly(SP),
  delete_mapping: adminOnly(SP),
  get_service_provider: adminOrSystemReader(),
  list_service_providers: adminOrSystemReader(),
  create_service_provider: adminOnly(SP),
  update_service_provider: adminOnly(SP),
  delete_service_provider: adminOnly(SP),
  get_credential: { scopes: SP, rule: [cloudAdmin, systemReader, credentialOwner], deprecated: [anyAdmin] },
  list_credentials: { scopes: SP, rule: [cloudAdmin, systemReader, credentialOwner], deprecated: [anyAdmin] },
  create_credential: { scopes: SP, rule: [cloudAdmin, credentialOwner], deprecated: [anyAdmin] },
  update_credential: { scopes: SP, rule: [cloudAdmin, credentialOwner], deprecated: [anyAdmin] },
  delete_credential: { scopes: SP, rule: [cloudAdmin, credentialOwner], deprecated: [anyAdmin] },
  ec2_get_credential: { scopes: SP, rule: [cloudAdmin, systemReader, credentialOwner], deprecated: [anyAdmin, urlAndCredentialOwner] },
  ec2_list_credentials: { scopes: SP, rule: [cloudAdmin, memberCredentialOwner], deprecated: [anyAdmin, owner] },
  ec2_create_credential: { scopes: SP, rule: [cloudAdmin, memberCredentialOwner], deprecated: [anyAdmin, owner] },
  ec2_delete_credential: { scopes: SP, rule: [cloudAdmin, credentialOwner], deprecated: [anyAdmin, urlAndCredentialOwner] },
  // rule:service_or_admin; Keystone declares no deprecated rule, Baton's admin is the cloud admin's.
  ec2tokens_validate: { scopes: SDP, rule: [cloudAdmin, service], deprecated: [anyAdmin] },
  get_consumer: adminOrSystemReader(),
  list_consumers: adminOrSystemReader(),
  create_consumer: adminOnly(SP),
  update_consumer: adminOnly(SP),
  delete_consumer: adminOnly(SP),
  // Access tokens hang off a request token's project: project-scoped admins only.
  authorize_request_token: adminOnly(['project']),
  get_access_token: adminOnly(['project']),
  get_access_token_role: adminOnly(['project']),
  list_access_tokens: adminOnly(['project']),
  list_access_token_roles: adminOnly(['project']),
  // Keystone enforces identity:ec2_delete_credential here: an admin, or the user in the path.
  delete_access_token: { scopes: SP, rule: [cloudAdmin, owner], deprecated: [anyAdmin, owner] },
  // OS-EP-FILTER (endpoint_group.py, project_endpoint.py)
  create_endpoint_group: adminOnly(SP),
  list_endpoint_groups: adminOrSystemReader(),
  get_endpoint_group: adminOrSystemReader(),
  update_endpoint_group: adminOnly(SP),
  delete_endpoint_group: adminOnly(SP),
  list_projects_associated_with_endpoint_group: adminOrSystemReader(),
  list_endpoints_associated_with_endpoint_group: adminOrSystemReader(),
  get_endpoint_group_in_project: adminOrSystemReader(),
  list_endpoint_groups_for_project: adminOrSystemReader(),
  add_endpoint_group_to_project: adminOnly(SP),
  remove_endpoint_group_from_project: adminOnly(SP),
  list_projects_for_endpoint: adminOrSystemReader(),
  add_endpoint_to_project: adminOnly(SP),
  check_endpoint_in_project: adminOrSystemReader(),
  list_endpoints_for_project: adminOrSystemReader(),
  remove_endpoint_from_project: adminOnly(SP),

  // OS-ENDPOINT-POLICY (policy_association.py)
  create_policy_association_for_endpoint: adminOnly(SP),
  check_policy_association_for_endpoint: adminOrSystemReader(),
  delete_policy_association_for_endpoint: adminOnly(SP),
  create_policy_association_for_service: adminOnly(SP),
  check_policy_association_for_service: adminOrSystemReader(),
  delete_policy_association_for_service: adminOnly(SP),
  create_policy_association_for_region_and_service: adminOnly(SP),
  check_policy_association_for_region_and_service: adminOrSystemReader(),
  delete_policy_association_for_region_and_service: adminOnly(SP),
  get_policy_for_endpoint: adminOrSystemReader(),
  list_endpoints_for_policy: adminOrSystemReader(),
  create_trust: { scopes: ['project'], rule: [trustor] },
  list_trusts: adminOrSystemReader(),
  list_trusts_for_trustor: { scopes: SP, rule: [cloudAdmin, systemReader, trustor], deprecated: [anyAdmin] },
  list_trusts_for_trustee: { scopes: SP, rule: [cloudAdmin, systemReader, trustee], deprecated: [anyAdmin] },
  get_trust: trustRead,
  list_roles_for_trust: trustRead,
  get_role_for_trust: trustRead,
  delete_trust: { scopes: SP, rule: [cloudAdmin, trustor], deprecated: [anyAdmin, trustor] },
  get_domain_config: adminOrSystemReader(),
  get_domain_config_default: adminOrSystemReader(),
  create_domain_config: adminOnly(SP),
  update_domain_config: adminOnly(SP),
  delete_domain_config: adminOnly(SP),
  // The default domain's password_regex and its description, for clients to show.
  get_security_compliance_domain_config: { scopes: SDP, rule: [anyone] },
  // No deprecated rules: a project admin does not reach other users' access rules.
  get_access_rule: { scopes: SP, rule: [systemReader, owner] },
  list_access_rules: { scopes: SP, rule: [systemReader, owner] },
  delete_access_rule: { scopes: SP, rule: [systemAdmin, owner] },
};

/** oslo.policy's reading of a token's scope: neither system nor domain counts as project. */
function scopeOf(c: PolicyCredentials): TokenScope {
  if (c.system) return 'system';
  return c.domainId !== null ? 'domain' : 'project';
}

interface CompiledRule {
  scopes: ReadonlySet<TokenScope> | null;
  alternatives: readonly Check[];
}

/** The policy in force for one service: Keystone's defaults resolved against [oslo_policy]. */
export class Policy {
  readonly #rules: ReadonlyMap<string, CompiledRule>;

  constructor(rules: ReadonlyMap<string, CompiledRule>) {
    this.#rules = rules;
  }

  /** Throws ForbiddenError (Keystone's message names the action) unless policy allows it. */
  enforce(action: string, creds: PolicyCredentials, target: PolicyTarget = {}): void {
    const rule = this.#rules.get(action);
    if (rule === undefined) throw new TypeError(`no policy rule for identity:${action}`);
    // oslo.policy raises InvalidScope, which Keystone answers as the same 403.
    if (rule.scopes !== null && !rule.scopes.has(scopeOf(creds))) throw ForbiddenError.forAction(`identity:${action}`);
    if (!rule.alternatives.some((check) => check(creds, target))) throw ForbiddenError.forAction(`identity:${action}`);
  }
}

export function compilePolicy(options: PolicyOptions): Policy {
  const rules = new Map<string, CompiledRule>();
  for (const [action, rule] of Object.entries(defaults)) {
    const alternatives = options.enforceNewDefaults || rule.deprecated === undefined ? rule.rule : [...rule.rule, ...rule.deprecated];
    rules.set(action, { scopes: options.enforceScope && rule.scopes !== null ? new Set(rule.scopes) : null, alternatives });
  }
  return new Policy(rules);
}
