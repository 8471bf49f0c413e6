// OS-EP-FILTER (keystone/catalog/core.py): endpoints and endpoint groups associated with
// projects, and the set of endpoints a project's catalog is narrowed to.
import type { CatalogDriver, Endpoint, EndpointFilterDriver, EndpointGroup, Project } from '../storage/types.ts';
import type { CacheRegion } from '../cache.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';
import { NotFoundError } from '../errors.ts';
import { newId } from '../ids.ts';

/** The endpoint attributes a group may filter on. */
export const ENDPOINT_GROUP_FILTERS = ['service_id', 'region_id', 'interface'] as const;

/** An endpoint's value for a filter key (the group's filters are checked against these names). */
function attribute(endpoint: Endpoint, key: string): unknown {
  if (key === 'service_id') return endpoint.serviceId;
  if (key === 'region_id') return endpoint.regionId;
  if (key === 'interface') return endpoint.interface;
  return undefined;
}

function matchesGroup(endpoint: Endpoint, group: EndpointGroup): boolean {
  return Object.entries(group.filters).every(([key, value]) => attribute(endpoint, key) === value);
}

export class EndpointFilterManager {
  readonly #driver: EndpointFilterDriver;
  readonly #catalog: CatalogDriver;
  readonly #resource: ResourceManager;
  readonly #projectEndpoints: CacheRegion<ReadonlySet<string>>;

  constructor(
    driver: EndpointFilterDriver,
    deps: { catalog: CatalogDriver; resource: ResourceManager },
    projectEndpoints: CacheRegion<ReadonlySet<string>>,
  ) {
    this.#driver = driver;
    this.#catalog = deps.catalog;
    this.#resource = deps.resource;
    this.#projectEndpoints = projectEndpoints;
  }

  async addEndpointToProject(endpointId: string, projectId: string): Promise<void> {
    await this.#catalog.getEndpoint(endpointId);
    await this.#resource.getProject(projectId);
    await this.#driver.addEndpointToProject(endpointId, projectId);
  }

  async checkEndpointInProject(endpointId: string, projectId: string): Promise<void> {
    await this.#catalog.getEndpoint(endpointId);
    await this.#resource.getProject(projectId);
    if (!(await this.#driver.isEndpointInProject(endpointId, projectId))) {
      throw new NotFoundError(`Endpoint ${endpointId} not found in project ${projectId}`);
    }
  }

  /** Keystone checks neither the endpoint nor the project here: only the association. */
  removeEndpointFromProject(endpointId: string, projectId: string): Promise<void> {
    return this.#driver.removeEndpointFromProject(endpointId, projectId);
  }

  async listProjectsForEndpoint(endpointId: string): Promise<Project[]> {
    await this.#catalog.getEndpoint(endpointId);
    return this.#projects(await this.#driver.listProjectIdsForEndpoint(endpointId));
  }

  /** Keystone's list_endpoints_for_project: associated endpoints, then every endpoint of its groups. */
  async listEndpointsForProject(projectId: string): Promise<Endpoint[]> {
    await this.#resource.getProject(projectId);
    return this.#endpointsForProject(projectId);
  }

  /** The ids of the endpoints a project's catalog is narrowed to (empty: no filter). */
  projectEndpointIds(projectId: string): Promise<ReadonlySet<string>> {
    return this.#projectEndpoints.get(projectId, async () => new Set((await this.#endpointsForProject(projectId)).map((e) => e.id)));
  }

  createEndpointGroup(input: Omit<EndpointGroup, 'id'>): Promise<EndpointGroup> {
    return this.#driver.createEndpointGroup({ ...input, id: newId() });
  }

  getEndpointGroup(id: string): Promise<EndpointGroup> {
    return this.#driver.getEndpointGroup(id);
  }

  listEndpointGroups(filter?: { name?: string }): Promise<EndpointGroup[]> {
    return this.#driver.listEndpointGroups(filter);
  }

  updateEndpointGroup(id: string, patch: Partial<Omit<EndpointGroup, 'id'>>): Promise<EndpointGroup> {
    return this.#driver.updateEndpointGroup(id, patch);
  }

  deleteEndpointGroup(id: string): Promise<void> {
    return this.#driver.deleteEndpointGroup(id);
  }

  async addEndpointGroupToProject(groupId: string, projectId: string): Promise<void> {
    await this.#resource.getProject(projectId);
    await this.#driver.getEndpointGroup(groupId);
    await this.#driver.addEndpointGroupToProject(groupId, projectId);
  }

  async checkEndpointGroupInProject(groupId: string, projectId: string): Promise<void> {
    await this.#resource.getProject(projectId);
    await this.#driver.getEndpointGroup(groupId);
    if (!(await this.#driver.isEndpointGroupInProject(groupId, projectId))) {
      throw new NotFoundError('Endpoint Group Project Association not found');
    }
  }

  async removeEndpointGroupFromProject(groupId: string, projectId: string): Promise<void> {
    await this.#resource.getProject(projectId);
    await this.#driver.getEndpointGroup(groupId);
    await this.#driver.removeEndpointGroupFromProject(groupId, projectId);
  }

  async listEndpointGroupsForProject(projectId: string): Promise<EndpointGroup[]> {
    await this.#resource.getProject(projectId);
    const ids = await this.#driver.listEndpointGroupIdsForProject(projectId);
    return Promise.all(ids.map((id) => this.#driver.getEndpointGroup(id)));
  }

  /** Keystone does not check that the group exists: an unknown one has no projects. */
  async listProjectsForEndpointGroup(groupId: string): Promise<Project[]> {
    return this.#projects(await this.#driver.listProjectIdsForEndpointGroup(groupId));
  }

  async listEndpointsInGroup(groupId: string): Promise<Endpoint[]> {
    const group = await this.#driver.getEndpointGroup(groupId);
    return (await this.#catalog.listEndpoints()).filter((e) => matchesGroup(e, group));
  }

  async #endpointsForProject(projectId: string): Promise<Endpoint[]> {
    const [endpointIds, groupIds, all] = await Promise.all([
      this.#driver.listEndpointIdsForProject(projectId),
      this.#driver.listEndpointGroupIdsForProject(projectId),
      this.#catalog.listEndpoints(),
    ]);
    const direct = new Set(endpointIds);
    const groups = await Promise.all(groupIds.map((id) => this.#driver.getEndpointGroup(id)));
    return all.filter((e) => direct.has(e.id) || groups.some((g) => matchesGroup(e, g)));
  }

  #projects(ids: string[]): Promise<Project[]> {
    return Promise.all(ids.map((id) => this.#resource.getProject(id)));
  }
}
