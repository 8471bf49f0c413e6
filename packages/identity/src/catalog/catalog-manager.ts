// Regions, services and endpoints (keystone/catalog/core.py), and the v3 catalog that
// tokens carry. The catalog is read on most validations and changes rarely, so it is
// cached ([catalog] caching, see cache.ts for when another node's write is seen).
import type { CatalogDriver, Endpoint, EndpointInterface, Region, Service } from '../storage/types.ts';
import { ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { CacheRegion } from '../cache.ts';

export interface CatalogEndpoint {
  id: string;
  interface: EndpointInterface;
  region_id: string | null;
  url: string;
  region: string | null;
}

export interface CatalogEntry {
  endpoints: CatalogEndpoint[];
  id: string;
  type: string;
  name: string;
}

/** OS-EP-FILTER's part in the catalog a token carries. */
export interface CatalogFilter {
  /** The endpoints a project's catalog is narrowed to; empty when nothing is associated with it. */
  projectEndpointIds(projectId: string): Promise<ReadonlySet<string>>;
  /** [endpoint_filter] return_all_endpoints_if_no_filter: the whole catalog, else none, when there is no filter. */
  returnAllIfNoFilter: boolean;
}

export class CatalogManager {
  readonly #driver: CatalogDriver;
  readonly #cached: CacheRegion<CatalogEntry[]>;

  readonly #filter: CatalogFilter;

  constructor(driver: CatalogDriver, cached: CacheRegion<CatalogEntry[]>, filter: CatalogFilter) {
    this.#driver = driver;
    this.#cached = cached;
    this.#filter = filter;
  }

  createRegion(input: { id?: string; description?: string; parentRegionId?: string | null; extra?: Record<string, unknown> }): Promise<Region> {
    return this.#driver.createRegion({
      id: input.id ?? newId(),
      description: input.description ?? '',
      parentRegionId: input.parentRegionId ?? null,
      extra: input.extra ?? {},
    });
  }

  getRegion(id: string): Promise<Region> {
    return this.#driver.getRegion(id);
  }

  listRegions(filter?: { parentRegionId?: string }): Promise<Region[]> {
    return this.#driver.listRegions(filter);
  }

  updateRegion(id: string, patch: Partial<Omit<Region, 'id'>>): Promise<Region> {
    return this.#driver.updateRegion(id, patch);
  }

  deleteRegion(id: string): Promise<void> {
    return this.#driver.deleteRegion(id);
  }

  createService(input: { id?: string; type: string; name?: string; enabled?: boolean; extra?: Record<string, unknown> }): Promise<Service> {
    return this.#driver.createService({
      id: input.id ?? newId(),
      type: input.type,
      name: input.name ?? '',
      enabled: input.enabled ?? true,
      extra: input.extra ?? {},
    });
  }

  getService(id: string): Promise<Service> {
    return this.#driver.getService(id);
  }

  listServices(filter?: { type?: string; name?: string }): Promise<Service[]> {
    return this.#driver.listServices(filter);
  }

  updateService(id: string, patch: Partial<Omit<Service, 'id'>>): Promise<Service> {
    return this.#driver.updateService(id, patch);
  }

  async deleteService(id: string): Promise<void> {
    for (const endpoint of await this.#driver.listEndpoints({ serviceId: id })) {
      await this.#driver.deleteEndpoint(endpoint.id);
    }
    return this.#driver.deleteService(id);
  }

  async createEndpoint(input: {
    id?: string;
    serviceId: string;
    interface: EndpointInterface;
    url: string;
    regionId?: string | null;
    enabled?: boolean;
    extra?: Record<string, unknown>;
  }): Promise<Endpoint> {
    await this.#driver.getService(input.serviceId);
    if (input.regionId != null) await this.#driver.getRegion(input.regionId);
    return this.#driver.createEndpoint({
      id: input.id ?? newId(),
      serviceId: input.serviceId,
      interface: input.interface,
      url: input.url,
      regionId: input.regionId ?? null,
      enabled: input.enabled ?? true,
      extra: input.extra ?? {},
    });
  }

  getEndpoint(id: string): Promise<Endpoint> {
    return this.#driver.getEndpoint(id);
  }

  listEndpoints(filter?: { serviceId?: string; interface?: EndpointInterface; regionId?: string }): Promise<Endpoint[]> {
    return this.#driver.listEndpoints(filter);
  }

  async updateEndpoint(id: string, patch: Partial<Omit<Endpoint, 'id'>>): Promise<Endpoint> {
    if (patch.serviceId !== undefined) await this.#driver.getService(patch.serviceId);
    if (patch.regionId != null) await this.#driver.getRegion(patch.regionId);
    if (patch.url !== undefined && patch.url === '') throw new ValidationError("Invalid input for field 'url'.");
    return this.#driver.updateEndpoint(id, patch);
  }

  deleteEndpoint(id: string): Promise<void> {
    return this.#driver.deleteEndpoint(id);
  }

  /** The v3 catalog: every enabled service with its enabled endpoints. */
  catalog(): Promise<CatalogEntry[]> {
    return this.#cached.get('catalog', () => this.#build());
  }

  /**
   * The catalog a token carries: `$(project_id)s`/`%(project_id)s` (and tenant_id, user_id) in
   * endpoint URLs filled in, as Keystone's format_url does; an endpoint that needs a project is
   * left out of an unscoped or domain-scoped token's catalog. One object per scope for as long
   * as the catalog is current, so rendered tokens stay cached.
   */
  async catalogFor(scope: { projectId: string | null; userId: string }): Promise<CatalogEntry[]> {
    const whole = await this.catalog();
    // Awaited one after the other, not with Promise.all: both are usually cached, and this runs on every validation.
    const catalog =
      scope.projectId === null
        ? this.#unfiltered(whole)
        : this.#narrowed(whole, scope.projectId, await this.#filter.projectEndpointIds(scope.projectId));
    if (!catalog.some((entry) => entry.endpoints.some((e) => SUBSTITUTION.test(e.url)))) return catalog;
    let forCatalog = this.#scoped.get(catalog);
    if (forCatalog === undefined) this.#scoped.set(catalog, (forCatalog = new Map()));
    const key = `${scope.projectId ?? ''}/${scope.userId}`;
    let scoped = forCatalog.get(key);
    if (scoped === undefined) {
      const values: Record<string, string | null> = { project_id: scope.projectId, tenant_id: scope.projectId, user_id: scope.userId };
      scoped = catalog.map((entry) => ({
        ...entry,
        endpoints: entry.endpoints.flatMap((endpoint) => {
          const url = formatUrl(endpoint.url, values);
          return url === null ? [] : [{ ...endpoint, url }];
        }),
      }));
      forCatalog.set(key, scoped);
    }
    return scoped;
  }

  readonly #scoped = new WeakMap<CatalogEntry[], Map<string, CatalogEntry[]>>();

  /** Without a filter: the whole catalog, or none with return_all_endpoints_if_no_filter = false. */
  #unfiltered(catalog: CatalogEntry[]): CatalogEntry[] {
    return this.#filter.returnAllIfNoFilter ? catalog : NOTHING;
  }

  /**
   * Keystone's get_v3_catalog with OS-EP-FILTER: a project with associated endpoints sees only
   * those, and only services left with an endpoint; without any, #unfiltered. Kept per catalog
   * and project for as long as both stay the same objects.
   */
  #narrowed(catalog: CatalogEntry[], projectId: string, ids: ReadonlySet<string>): CatalogEntry[] {
    if (ids.size === 0) return this.#unfiltered(catalog);
    let forCatalog = this.#byProject.get(catalog);
    if (forCatalog === undefined) this.#byProject.set(catalog, (forCatalog = new Map()));
    const hit = forCatalog.get(projectId);
    if (hit?.ids === ids) return hit.entries;
    const entries = catalog
      .map((entry) => ({ ...entry, endpoints: entry.endpoints.filter((e) => ids.has(e.id)) }))
      .filter((entry) => entry.endpoints.length > 0);
    forCatalog.set(projectId, { ids, entries });
    return entries;
  }

  readonly #byProject = new WeakMap<CatalogEntry[], Map<string, { ids: ReadonlySet<string>; entries: CatalogEntry[] }>>();

  async #build(): Promise<CatalogEntry[]> {
    const [services, endpoints] = await Promise.all([this.#driver.listServices(), this.#driver.listEndpoints()]);
    return services
      .filter((s) => s.enabled)
      .map((s) => ({
        endpoints: endpoints
          .filter((e) => e.serviceId === s.id && e.enabled)
          .map((e) => ({ id: e.id, interface: e.interface, region_id: e.regionId, url: e.url, region: e.regionId })),
        id: s.id,
        type: s.type,
        name: s.name,
      }));
  }
}

const SUBSTITUTION = /[$%]\((\w+)\)s/;
const NOTHING: CatalogEntry[] = [];

/** Keystone's format_url; null when the URL needs a value the token does not have (or an unknown key). */
function formatUrl(url: string, values: Record<string, string | null>): string | null {
  let missing = false;
  const formatted = url.replace(new RegExp(SUBSTITUTION.source, 'g'), (_match, key: string) => {
    const value = values[key];
    if (value === undefined || value === null) {
      missing = true;
      return '';
    }
    return value;
  });
  return missing ? null : formatted;
}
