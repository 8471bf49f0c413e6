// The parts of a validated token (GET /v3/auth/tokens body) the middleware uses, parsed once
// and small enough to cache as JSON.
import type { AccessRule } from './access-rules.ts';

export interface TokenData {
  readonly userId: string;
  readonly userName: string | null;
  readonly userDomainId: string | null;
  readonly userDomainName: string | null;
  readonly projectId: string | null;
  readonly projectName: string | null;
  readonly projectDomainId: string | null;
  readonly projectDomainName: string | null;
  readonly domainId: string | null;
  readonly domainName: string | null;
  /** 'all' for a system-scoped token, else null. */
  readonly systemScope: 'all' | null;
  readonly roles: readonly string[];
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** Keystone omits is_admin_project unless an admin project is configured; absent means true. */
  readonly isAdminProject: boolean;
  /** X-Service-Catalog value: the catalog in the v2 shape keystonemiddleware sends, or null. */
  readonly catalog: string | null;
  /**
   * The application credential's access_rules, or null when the token is not restricted by
   * any. Cached with the rest, so a cache hit is checked against them like a fresh answer.
   */
  readonly accessRules: readonly AccessRule[] | null;
}

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Parses a validate body; undefined when it is not a usable v3 token (treated as invalid). */
export function parseTokenBody(body: unknown): TokenData | undefined {
  const token = object(object(body)?.token);
  const user = object(token?.user);
  const userId = text(user?.id);
  const expiresAt = Date.parse(text(token?.expires_at) ?? '');
  if (token === undefined || user === undefined || userId === null || Number.isNaN(expiresAt)) return undefined;
  const project = object(token.project);
  const domain = object(token.domain);
  const roles = Array.isArray(token.roles) ? token.roles.map((r) => text(object(r)?.name)).filter((r) => r !== null) : [];
  return {
    userId,
    userName: text(user.name),
    userDomainId: text(object(user.domain)?.id),
    userDomainName: text(object(user.domain)?.name),
    projectId: text(project?.id),
    projectName: text(project?.name),
    projectDomainId: text(object(project?.domain)?.id),
    projectDomainName: text(object(project?.domain)?.name),
    domainId: text(domain?.id),
    domainName: text(domain?.name),
    systemScope: object(token.system)?.all === true ? 'all' : null,
    roles,
    expiresAt,
    isAdminProject: token.is_admin_project !== false,
    catalog: Array.isArray(token.catalog) ? JSON.stringify(v2Catalog(token.catalog)) : null,
    accessRules: accessRulesOf(object(token.application_credential)?.access_rules),
  };
}

/**
 * A credential's access_rules: absent (null) leaves it unrestricted; any value restricts it
 * (even none, or unreadable ones), and a rule missing a field can allow nothing, so it is left
 * out. Also what a shared cache's entry is read back through.
 */
export function accessRulesOf(value: unknown): AccessRule[] | null {
  if (value === undefined || value === null) return null;
  const rules = Array.isArray(value) ? value : [];
  return rules.flatMap((entry) => {
    const rule = object(entry);
    const [service, path, method] = [text(rule?.service), text(rule?.path), text(rule?.method)];
    return service === null || path === null || method === null ? [] : [{ service, path, method }];
  });
}

// keystonemiddleware hands services the catalog in the v2 shape: one dict per region holding
// publicURL/internalURL/adminURL, because older services only read that shape.
function v2Catalog(catalog: readonly unknown[]): Json[] {
  return catalog.map((entry) => {
    const service = object(entry) ?? {};
    const out: Json = { type: service.type };
    if (service.name !== undefined) out.name = service.name;
    const regions = new Map<string, Json>();
    for (const item of Array.isArray(service.endpoints) ? service.endpoints : []) {
      const endpoint = object(item) ?? {};
      const region = text(endpoint.region) ?? '';
      let group = regions.get(region);
      if (group === undefined) {
        group = region === '' ? {} : { region };
        regions.set(region, group);
      }
      group[`${String(endpoint.interface).toLowerCase()}URL`] = endpoint.url;
    }
    out.endpoints = [...regions.values()];
    return out;
  });
}
