// The header contract with the service behind the middleware: what is removed from every
// request before anything is set, and what a confirmed user or service token produces.
import type { TokenData } from './token-data.ts';

const IDENTITY_PARTS = [
  'Domain-Id',
  'Domain-Name',
  'Project-Id',
  'Project-Name',
  'Project-Domain-Id',
  'Project-Domain-Name',
  'User-Id',
  'User-Name',
  'User-Domain-Id',
  'User-Domain-Name',
  'Roles',
] as const;

/**
 * Every header a client could use to impersonate the middleware's verdict, lower-cased. It is
 * keystonemiddleware's list plus OpenStack-System-Scope, which keystonemiddleware 10.1 leaves
 * in place, so a client could claim system scope to a service running in delay mode.
 */
export const SPOOFABLE_HEADERS: readonly string[] = Object.freeze(
  [
    'X-Service-Catalog',
    'X-Identity-Status',
    'X-Service-Identity-Status',
    'X-Is-Admin-Project',
    'X-Role',
    'X-User',
    'X-Tenant-Id',
    'X-Tenant-Name',
    'X-Tenant',
    'OpenStack-System-Scope',
    ...IDENTITY_PARTS.map((part) => `X-${part}`),
    ...IDENTITY_PARTS.map((part) => `X-Service-${part}`),
  ].map((name) => name.toLowerCase()),
);

export type HeaderMap = Record<string, string>;

function put(out: HeaderMap, name: string, value: string | null): void {
  if (value !== null) out[name] = value;
}

function identityHeaders(out: HeaderMap, prefix: 'X-' | 'X-Service-', token: TokenData): void {
  put(out, `${prefix}Domain-Id`, token.domainId);
  put(out, `${prefix}Domain-Name`, token.domainName);
  put(out, `${prefix}Project-Id`, token.projectId);
  put(out, `${prefix}Project-Name`, token.projectName);
  put(out, `${prefix}Project-Domain-Id`, token.projectDomainId);
  put(out, `${prefix}Project-Domain-Name`, token.projectDomainName);
  put(out, `${prefix}User-Id`, token.userId);
  put(out, `${prefix}User-Name`, token.userName);
  put(out, `${prefix}User-Domain-Id`, token.userDomainId);
  put(out, `${prefix}User-Domain-Name`, token.userDomainName);
  out[`${prefix}Roles`] = token.roles.join(',');
}

/** Headers for a confirmed user token, with keystonemiddleware's deprecated aliases. */
export function userHeaders(out: HeaderMap, token: TokenData, includeCatalog: boolean): void {
  identityHeaders(out, 'X-', token);
  out['X-Is-Admin-Project'] = token.isAdminProject ? 'True' : 'False';
  out['X-Role'] = token.roles.join(',');
  put(out, 'X-User', token.userName);
  put(out, 'X-Tenant-Id', token.projectId);
  put(out, 'X-Tenant-Name', token.projectName);
  // keystonemiddleware fills X-Tenant with the project *name*; copied as it does.
  put(out, 'X-Tenant', token.projectName);
  // Only the user's own scope is exported: a system-scoped service token must not lift a
  // project user to system scope (keystonemiddleware lets the service token's scope win).
  put(out, 'OpenStack-System-Scope', token.systemScope);
  if (includeCatalog) put(out, 'X-Service-Catalog', token.catalog);
}

/** Headers for a confirmed service token. */
export function serviceHeaders(out: HeaderMap, token: TokenData): void {
  identityHeaders(out, 'X-Service-', token);
}
