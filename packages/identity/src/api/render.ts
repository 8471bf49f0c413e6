// JSON shapes of Identity API v3 responses (keystone/common/render_token.py and each
// resource's wrap_member/wrap_collection).
import { formatKeystoneTime } from '@baton/tokens';
import type {
  AccessRule,
  ApplicationCredential,
  Domain,
  Endpoint,
  EndpointGroup,
  Group,
  Limit,
  PolicyBlob,
  Project,
  RegisteredLimit,
  Region,
  Role,
  Service,
  User,
} from '../storage/types.ts';
import type { CatalogEntry } from '../catalog/catalog-manager.ts';
import type { ServiceProviderRef } from '../federation/federation-manager.ts';
import type { ValidatedToken } from '../token/token-provider.ts';

type Json = Record<string, unknown>;

/** A role as its API shows it, without links (Keystone's RoleTable.to_dict). */
function renderRoleWhole(role: Role): Json {
  return { id: role.id, name: role.name, domain_id: role.domainId, description: role.description, options: role.options, ...role.extra };
}

export function renderRoleRef(role: Role): Json {
  return role.domainId === null ? { id: role.id, name: role.name } : { id: role.id, name: role.name, domain_id: role.domainId };
}

/** The body of POST and GET /v3/auth/tokens. */
/** [resource] admin_project_name and admin_project_domain_name, when both are set. */
export interface AdminProject {
  name: string;
  domainName: string;
}

/** The admin project [resource] names, or null when either option is unset (Keystone needs both). */
export function adminProjectOf(resource: { admin_project_name: string | null; admin_project_domain_name: string | null }): AdminProject | null {
  const { admin_project_name: name, admin_project_domain_name: domainName } = resource;
  return name && domainName ? { name, domainName } : null;
}

function tokenUser(user: User, domain: Domain): Json {
  return {
    domain: { id: domain.id, name: domain.name },
    id: user.id,
    name: user.name,
    password_expires_at: user.passwordExpiresAt === null ? null : formatKeystoneTime(user.passwordExpiresAt).slice(0, -1),
  };
}

export function renderToken(
  token: ValidatedToken,
  catalog: CatalogEntry[] | undefined,
  adminProject: AdminProject | null = null,
  serviceProviders: readonly ServiceProviderRef[] = [],
): Json {
  const { trust } = token;
  const body: Json = {
    methods: token.methods,
    // An impersonating trust's token speaks for the trustor.
    user: trust?.trust.impersonation === true ? tokenUser(trust.trustor, trust.trustorDomain) : tokenUser(token.user, token.userDomain),
    audit_ids: token.auditIds,
    expires_at: formatKeystoneTime(token.expiresAt),
    issued_at: formatKeystoneTime(token.issuedAt),
  };
  const { scope } = token;
  if (trust !== null) {
    body['OS-TRUST:trust'] = {
      id: trust.trust.id,
      trustor_user: { id: trust.trustor.id },
      trustee_user: { id: token.user.id },
      impersonation: trust.trust.impersonation,
    };
  }
  // A trust-scoped token names its project but says nothing of is_domain or the admin project.
  if (scope.kind === 'project') {
    body.project = { domain: { id: scope.domain.id, name: scope.domain.name }, id: scope.project.id, name: scope.project.name };
    if (trust === null) body.is_domain = scope.project.isDomain;
  } else if (scope.kind === 'domain') {
    body.domain = { id: scope.domain.id, name: scope.domain.name };
  } else if (scope.kind === 'system') {
    body.system = { all: true };
  }
  // Keystone puts a trust's roles in the token whole, as its role API has them (without links).
  if (scope.kind !== 'unscoped') body.roles = token.roles.map(trust === null ? renderRoleRef : renderRoleWhole);
  // Keystone compares names, and says nothing at all unless an admin project is configured
  // (the middleware then treats every project as the admin project).
  if (scope.kind === 'project' && adminProject !== null && trust === null) {
    body.is_admin_project = scope.project.name === adminProject.name && scope.domain.name === adminProject.domainName;
  }
  const credential = token.applicationCredential;
  if (credential !== null) {
    body.application_credential = {
      id: credential.id,
      name: credential.name,
      restricted: !credential.unrestricted,
      ...(credential.accessRules === undefined ? {} : { access_rules: credential.accessRules.map(accessRuleFields) }),
    };
  }
  if (token.accessToken !== null) {
    body['OS-OAUTH1'] = { access_token_id: token.accessToken.id, consumer_id: token.accessToken.consumerId };
  }
  if (catalog !== undefined && scope.kind !== 'unscoped') body.catalog = catalog;
  // Every token, scoped or not, with or without its catalog, lists the enabled service providers.
  if (serviceProviders.length > 0) body.service_providers = serviceProviders;
  return { token: body };
}

/** An access rule as Keystone shows it, without its user. */
function accessRuleFields(r: AccessRule): Json {
  return { id: r.id, service: r.service, path: r.path, method: r.method };
}

/** Renders entities with their `links.self`, given the API's base URL (…/v3). */
export class Renderer {
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  link(path: string): { self: string } {
    return { self: `${this.base}/${path}` };
  }

  collection(name: string, path: string, items: Json[]): Json {
    return { [name]: items, links: { next: null, self: `${this.base}/${path}`, previous: null } };
  }

  domain(d: Domain): Json {
    return { id: d.id, name: d.name, description: d.description, enabled: d.enabled, tags: [], options: {}, ...d.extra, links: this.link(`domains/${d.id}`) };
  }

  project(p: Project): Json {
    return {
      id: p.id,
      name: p.name,
      domain_id: p.isDomain ? null : p.domainId,
      description: p.description,
      enabled: p.enabled,
      parent_id: p.parentId,
      is_domain: p.isDomain,
      tags: p.tags,
      options: {},
      ...p.extra,
      links: this.link(`projects/${p.id}`),
    };
  }

  user(u: User): Json {
    const out: Json = {
      id: u.id,
      name: u.name,
      domain_id: u.domainId,
      enabled: u.enabled,
      password_expires_at: u.passwordExpiresAt === null ? null : formatKeystoneTime(u.passwordExpiresAt).slice(0, -1),
      options: {},
      ...u.extra,
      links: this.link(`users/${u.id}`),
    };
    if (u.defaultProjectId !== null) out.default_project_id = u.defaultProjectId;
    return out;
  }

  group(g: Group): Json {
    return { id: g.id, name: g.name, domain_id: g.domainId, description: g.description, ...g.extra, links: this.link(`groups/${g.id}`) };
  }

  role(r: Role): Json {
    return { ...renderRoleWhole(r), links: this.link(`roles/${r.id}`) };
  }

  registeredLimit(l: RegisteredLimit): Json {
    return {
      id: l.id,
      service_id: l.serviceId,
      region_id: l.regionId,
      resource_name: l.resourceName,
      default_limit: l.defaultLimit,
      description: l.description,
      links: this.link(`registered_limits/${l.id}`),
    };
  }

  limit(l: Limit): Json {
    return {
      id: l.id,
      project_id: l.projectId,
      domain_id: l.domainId,
      service_id: l.serviceId,
      region_id: l.regionId,
      resource_name: l.resourceName,
      resource_limit: l.resourceLimit,
      description: l.description,
      links: this.link(`limits/${l.id}`),
    };
  }

  policy(p: PolicyBlob): Json {
    return { id: p.id, type: p.type, blob: p.blob, ...p.extra, links: this.link(`policies/${p.id}`) };
  }

  region(r: Region): Json {
    return { id: r.id, description: r.description, parent_region_id: r.parentRegionId, ...r.extra, links: this.link(`regions/${r.id}`) };
  }

  service(s: Service): Json {
    return { id: s.id, type: s.type, name: s.name, enabled: s.enabled, ...s.extra, links: this.link(`services/${s.id}`) };
  }

  endpoint(e: Endpoint): Json {
    return {
      id: e.id,
      interface: e.interface,
      region_id: e.regionId,
      region: e.regionId,
      service_id: e.serviceId,
      url: e.url,
      enabled: e.enabled,
      ...e.extra,
      links: this.link(`endpoints/${e.id}`),
    };
  }

  applicationCredential(c: ApplicationCredential, roles: Role[]): Json {
    return {
      id: c.id,
      name: c.name,
      user_id: c.userId,
      project_id: c.projectId,
      description: c.description,
      expires_at: c.expiresAt === null ? null : formatKeystoneTime(c.expiresAt).slice(0, -1),
      unrestricted: c.unrestricted,
      // Whole roles, as Keystone's application credential manager reads them (get_role).
      roles: roles.map(renderRoleWhole),
      system: null,
      ...(c.accessRules === undefined ? {} : { access_rules: c.accessRules.map(accessRuleFields) }),
      links: this.link(`application_credentials/${c.id}`),
    };
  }

  endpointGroup(g: EndpointGroup): Json {
    return { id: g.id, name: g.name, description: g.description, filters: g.filters, links: this.link(`OS-EP-FILTER/endpoint_groups/${g.id}`) };
  }

  accessRule(r: AccessRule): Json {
    return { ...accessRuleFields(r), links: this.link(`access_rules/${r.id}`) };
  }
}
