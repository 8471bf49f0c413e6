// Keystone's default policies as data (keystone/common/policies/*.py, Debian's Zed build
// with enforce_new_defaults=false, so the deprecated admin_required rules are OR-ed in).
// A rule is a list of alternatives; the action is allowed when any one holds.
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

/** Attributes of the thing acted on, as far as a rule needs them. */
export interface PolicyTarget {
  userId?: string | null;
  projectId?: string | null;
  domainId?: string | null;
  tokenUserId?: string | null;
}

type Check = (c: PolicyCredentials, t: PolicyTarget) => boolean;

const admin: Check = (c) => c.roles.has('admin');
const systemReader: Check = (c) => c.system && c.roles.has('reader');
const domainReader: Check = (c, t) =>
  c.domainId !== null && c.roles.has('reader') && t.domainId === c.domainId;
const projectUser: Check = (c, t) => c.projectId !== null && t.projectId === c.projectId;
const owner: Check = (c, t) => t.userId !== undefined && t.userId === c.userId;
const tokenSubject: Check = (c, t) => t.tokenUserId !== undefined && t.tokenUserId === c.userId;
const service: Check = (c) => c.roles.has('service');
const anyone: Check = () => true;
const ownDomain: Check = (c, t) => t.domainId !== undefined && t.domainId === c.projectDomainId;

const adminOrReaders: Check[] = [admin, systemReader, domainReader];

/** identity:<action> → alternatives. Actions not listed here are refused (deny by default). */
const rules: Record<string, Check[]> = {
  validate_token: [admin, systemReader, service, tokenSubject],
  check_token: [admin, systemReader, tokenSubject],
  revoke_token: [admin, tokenSubject],
  get_auth_catalog: [anyone],
  get_auth_projects: [anyone],
  get_auth_domains: [anyone],
  get_auth_system: [anyone],

  get_domain: [admin, systemReader, domainReader, ownDomain],
  list_domains: [admin, systemReader],
  create_domain: [admin],
  update_domain: [admin],
  delete_domain: [admin],

  get_project: [...adminOrReaders, projectUser],
  list_projects: adminOrReaders,
  list_user_projects: [...adminOrReaders, owner],
  create_project: [admin],
  update_project: [admin],
  delete_project: [admin],

  get_user: [...adminOrReaders, owner],
  list_users: adminOrReaders,
  create_user: [admin],
  update_user: [admin],
  delete_user: [admin],
  change_password: [owner],

  get_group: adminOrReaders,
  list_groups: adminOrReaders,
  list_groups_for_user: [...adminOrReaders, owner],
  list_users_in_group: adminOrReaders,
  check_user_in_group: adminOrReaders,
  create_group: [admin],
  update_group: [admin],
  delete_group: [admin],
  add_user_to_group: [admin],
  remove_user_from_group: [admin],

  get_role: [admin, systemReader],
  list_roles: [admin, systemReader],
  create_role: [admin],
  update_role: [admin],
  delete_role: [admin],
  list_implied_roles: [admin, systemReader],
  get_implied_role: [admin, systemReader],
  check_implied_role: [admin, systemReader],
  create_implied_role: [admin],
  delete_implied_role: [admin],
  list_role_inference_rules: [admin, systemReader],

  list_role_assignments: adminOrReaders,
  list_role_assignments_for_tree: adminOrReaders,
  check_grant: adminOrReaders,
  list_grants: adminOrReaders,
  create_grant: [admin],
  revoke_grant: [admin],
  list_system_grants_for_user: [admin, systemReader],
  check_system_grant_for_user: [admin, systemReader],
  create_system_grant_for_user: [admin],
  revoke_system_grant_for_user: [admin],
  list_system_grants_for_group: [admin, systemReader],
  check_system_grant_for_group: [admin, systemReader],
  create_system_grant_for_group: [admin],
  revoke_system_grant_for_group: [admin],

  get_region: [anyone],
  list_regions: [anyone],
  create_region: [admin],
  update_region: [admin],
  delete_region: [admin],
  get_service: [admin, systemReader],
  list_services: [admin, systemReader],
  create_service: [admin],
  update_service: [admin],
  delete_service: [admin],
  get_endpoint: [admin, systemReader],
  list_endpoints: [admin, systemReader],
  create_endpoint: [admin],
  update_endpoint: [admin],
  delete_endpoint: [admin],

  get_application_credential: [admin, systemReader, owner],
  list_application_credentials: [admin, systemReader, owner],
  create_application_credential: [owner],
  delete_application_credential: [admin, owner],
};

/** Throws ForbiddenError (Keystone's message names the action) unless policy allows it. */
export function enforce(action: string, creds: PolicyCredentials, target: PolicyTarget = {}): void {
  const alternatives = rules[action];
  if (alternatives === undefined) throw new TypeError(`no policy rule for identity:${action}`);
  if (!alternatives.some((check) => check(creds, target))) {
    throw ForbiddenError.forAction(`identity:${action}`);
  }
}
