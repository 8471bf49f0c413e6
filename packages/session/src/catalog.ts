// Endpoint selection from a v3 token's catalog, as keystoneauth's ServiceCatalog does it:
// services by type (official name or alias), then endpoints by interface preference and
// region; the first match wins.
import type { CatalogService } from './access.ts';
import { EndpointNotFoundError } from './errors.ts';

export type EndpointInterface = 'public' | 'internal' | 'admin';

export interface EndpointFilter {
  serviceType: string;
  /** One interface, or a list in order of preference. Default `public`. */
  interface?: EndpointInterface | readonly EndpointInterface[];
  regionName?: string;
  serviceName?: string;
}

// A slice of the OpenStack service-types authority: catalogs in the wild still register
// old names (nova asks for block-storage, clouds list volumev3).
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  'block-storage': ['volumev3', 'volumev2', 'volume', 'block-store'],
  'shared-file-system': ['sharev2', 'share'],
};

const FAMILY = new Map<string, string>();
for (const [official, aliases] of Object.entries(ALIASES)) {
  FAMILY.set(official, official);
  for (const alias of aliases) FAMILY.set(alias, official);
}

function sameServiceType(requested: string, found: string): boolean {
  if (requested === found) return true;
  const family = FAMILY.get(requested);
  return family !== undefined && family === FAMILY.get(found);
}

export function interfacesOf(filter: EndpointFilter): readonly EndpointInterface[] {
  const value = filter.interface ?? 'public';
  return typeof value === 'string' ? [value] : value;
}

/** Returns the URL of the first matching endpoint, or throws EndpointNotFoundError. */
export function selectEndpoint(catalog: readonly CatalogService[] | undefined, filter: EndpointFilter): string {
  if (typeof filter?.serviceType !== 'string' || filter.serviceType === '') {
    throw new TypeError('endpoint filter: serviceType is required');
  }
  const interfaces = interfacesOf(filter);
  const services = (catalog ?? []).filter(
    (s) =>
      sameServiceType(filter.serviceType, s.type) && (filter.serviceName === undefined || s.name === filter.serviceName),
  );
  // Interface order is the caller's preference, so it is the outer loop.
  for (const wanted of interfaces) {
    for (const service of services) {
      for (const endpoint of service.endpoints) {
        if (endpoint.interface.replace(/URL$/, '') !== wanted || endpoint.url === '') continue;
        if (filter.regionName !== undefined && regionOf(endpoint) !== filter.regionName) continue;
        return endpoint.url;
      }
    }
  }
  throw new EndpointNotFoundError(describeFilter(filter), describeCatalog(catalog), { service: filter.serviceType });
}

export function describeFilter(filter: EndpointFilter): string {
  const parts = [`service_type=${filter.serviceType}`, `interface=${interfacesOf(filter).join('|')}`];
  if (filter.regionName !== undefined) parts.push(`region_name=${filter.regionName}`);
  if (filter.serviceName !== undefined) parts.push(`service_name=${filter.serviceName}`);
  return parts.join(', ');
}

function describeCatalog(catalog: readonly CatalogService[] | undefined): string {
  if (catalog === undefined) return 'no catalog (token issued without one, or none was supplied)';
  if (catalog.length === 0) return 'no services (empty catalog)';
  return catalog
    .map((s) => {
      const endpoints = s.endpoints.map((e) => `${e.interface}@${regionOf(e) ?? '-'}`).join(',');
      return `${s.type}${s.name ? `(${s.name})` : ''}[${endpoints}]`;
    })
    .join('; ');
}

function regionOf(endpoint: { region_id?: string | null; region?: string | null }): string | null {
  return endpoint.region_id ?? endpoint.region ?? null;
}
