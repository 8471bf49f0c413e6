// Unified limits (keystone/limit/core.py and limit/models/): registered limits name a
// service's default for a resource, limits override it for one project or domain. The
// enforcement model ([unified_limit] enforcement_model) decides which limits are consistent.
import { expecting } from '../auth/auth-body.ts';
import { ForbiddenError, findOrNull } from '../errors.ts';
import { newId } from '../ids.ts';
import type { CatalogManager } from '../catalog/catalog-manager.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';
import type { Limit, LimitFilter, RegisteredLimit, UnifiedLimitDriver } from '../storage/types.ts';

export type EnforcementModelName = 'flat' | 'strict_two_level';

interface EnforcementModel {
  name: EnforcementModelName;
  description: string;
  /** Levels of projects below their domain the model allows; null when it does not care. */
  maxProjectDepth: number | null;
}

const MODELS: Record<EnforcementModelName, EnforcementModel> = {
  flat: {
    name: 'flat',
    description: 'Limit enforcement and validation does not take project hierarchy into consideration.',
    maxProjectDepth: null,
  },
  strict_two_level: {
    name: 'strict_two_level',
    description: 'This model requires project hierarchy never exceeds a depth of two',
    maxProjectDepth: 2,
  },
};

export function enforcementModel(name: EnforcementModelName): EnforcementModel {
  return MODELS[name];
}

export type RegisteredLimitInput = Omit<RegisteredLimit, 'id'> & { id?: string };
export type LimitInput = Omit<Limit, 'id' | 'registeredLimitId'> & { id?: string };

/** Keystone's InvalidLimit (a 403), with the message its strict model logs and answers. */
function invalidLimit(limit: LimitInput | Limit): ForbiddenError {
  const level = limit.projectId !== null ? 'project_id' : 'domain_id';
  const region = limit.regionId ?? 'None';
  return new ForbiddenError(
    `Invalid resource limit: The resource limit (${level}: ${limit.projectId ?? limit.domainId ?? 'None'}, ` +
      `resource_name: ${limit.resourceName}, resource_limit: ${limit.resourceLimit}, service_id: ${limit.serviceId}, ` +
      `region_id: ${region}) doesn't satisfy current hierarchy model..`,
  );
}

export class UnifiedLimitManager {
  readonly #driver: UnifiedLimitDriver;
  readonly #catalog: CatalogManager;
  readonly #resource: ResourceManager;
  readonly model: EnforcementModel;

  constructor(driver: UnifiedLimitDriver, deps: { catalog: CatalogManager; resource: ResourceManager }, model: EnforcementModelName) {
    this.#driver = driver;
    this.#catalog = deps.catalog;
    this.#resource = deps.resource;
    this.model = MODELS[model];
  }

  /** Referenced service, region, project and domain must exist (a 400 naming the field otherwise). */
  async #assertExists<T extends { serviceId?: string; regionId?: string | null; projectId?: string | null; domainId?: string | null }>(
    limit: T,
    target: 'registered_limit' | 'limit',
  ): Promise<T> {
    const missing = (attribute: string) => expecting(attribute, target);
    if (limit.serviceId !== undefined && (await findOrNull(() => this.#catalog.getService(limit.serviceId as string))) === null) {
      throw missing('service_id');
    }
    if (typeof limit.regionId === 'string' && (await findOrNull(() => this.#catalog.getRegion(limit.regionId as string))) === null) {
      throw missing('region_id');
    }
    let out = limit;
    if (typeof limit.projectId === 'string') {
      const project = await findOrNull(() => this.#resource.getProject(limit.projectId as string));
      if (project === null) throw missing('project_id');
      // A project acting as a domain gets a domain limit.
      if (project.isDomain) out = { ...limit, projectId: null, domainId: project.id };
    }
    if (typeof out.domainId === 'string' && (await findOrNull(() => this.#resource.getDomain(out.domainId as string))) === null) {
      throw missing('domain_id');
    }
    return out;
  }

  async createRegisteredLimits(inputs: RegisteredLimitInput[]): Promise<RegisteredLimit[]> {
    for (const input of inputs) await this.#assertExists(input, 'registered_limit');
    return this.#driver.createRegisteredLimits(inputs.map((input) => ({ ...input, id: input.id ?? newId() })));
  }

  getRegisteredLimit(id: string): Promise<RegisteredLimit> {
    return this.#driver.getRegisteredLimit(id);
  }

  listRegisteredLimits(filter?: Omit<LimitFilter, 'projectId' | 'domainId'>): Promise<RegisteredLimit[]> {
    return this.#driver.listRegisteredLimits(filter);
  }

  async updateRegisteredLimit(id: string, patch: Partial<Omit<RegisteredLimit, 'id'>>): Promise<RegisteredLimit> {
    await this.#assertExists(patch, 'registered_limit');
    return this.#driver.updateRegisteredLimit(id, patch);
  }

  deleteRegisteredLimit(id: string): Promise<void> {
    return this.#driver.deleteRegisteredLimit(id);
  }

  async createLimits(inputs: LimitInput[]): Promise<Limit[]> {
    const limits: (LimitInput & { id: string })[] = [];
    for (const input of inputs) limits.push({ ...(await this.#assertExists(input, 'limit')), id: input.id ?? newId() });
    await this.#check(limits);
    return this.#driver.createLimits(limits);
  }

  getLimit(id: string): Promise<Limit> {
    return this.#driver.getLimit(id);
  }

  listLimits(filter?: LimitFilter): Promise<Limit[]> {
    return this.#driver.listLimits(filter);
  }

  async updateLimit(id: string, patch: { resourceLimit?: number; description?: string | null }): Promise<Limit> {
    const before = await this.#driver.getLimit(id);
    await this.#check([{ ...before, ...(patch.resourceLimit === undefined ? {} : { resourceLimit: patch.resourceLimit }) }]);
    return this.#driver.updateLimit(id, patch);
  }

  deleteLimit(id: string): Promise<void> {
    return this.#driver.deleteLimit(id);
  }

  deleteLimitsForProject(projectId: string): Promise<void> {
    return this.#driver.deleteLimitsForProject(projectId);
  }

  /**
   * strict_two_level (keystone/limit/models/strict_two_level.py): a project's limit may not
   * exceed its parent domain's (from the same request, else stored, else the registered
   * default); a domain's limit may not be below any stored limit of a project under it.
   * Zero counts as "no limit" on either side, as in Keystone.
   */
  async #check(limits: readonly (LimitInput | Limit)[]): Promise<void> {
    if (this.model.name !== 'strict_two_level') return;
    const sameResource = (a: LimitInput | Limit, b: LimitInput | Limit) =>
      a.serviceId === b.serviceId && a.regionId === b.regionId && a.resourceName === b.resourceName;
    for (const limit of limits) {
      if (limit.projectId !== null) {
        const parentId = (await this.#resource.getProject(limit.projectId)).parentId;
        const inRequest = limits.find((other) => other.domainId !== null && other.domainId === parentId && sameResource(other, limit));
        if (inRequest !== undefined) {
          if (limit.resourceLimit > inRequest.resourceLimit) throw invalidLimit(limit);
          continue;
        }
        const parentValue = parentId === null ? null : await this.#specified(limit, { domainId: parentId });
        if (parentValue && limit.resourceLimit > parentValue) throw invalidLimit(limit);
      } else if (limit.domainId !== null) {
        for (const project of await this.#resource.listProjects({ domainId: limit.domainId })) {
          const value = await this.#specified(limit, { projectId: project.id });
          if (value && limit.resourceLimit < value) throw invalidLimit(limit);
        }
      }
    }
  }

  /** The stored limit of the project or domain on this resource; for a domain without one, the registered default. */
  async #specified(limit: LimitInput | Limit, owner: { projectId: string } | { domainId: string }): Promise<number | null> {
    const resource = { serviceId: limit.serviceId, regionId: limit.regionId, resourceName: limit.resourceName };
    const [stored] = await this.#driver.listLimits({ ...resource, ...owner });
    if (stored !== undefined) return stored.resourceLimit;
    if (!('domainId' in owner)) return null;
    const [registered] = await this.#driver.listRegisteredLimits(resource);
    return registered?.defaultLimit ?? null;
  }
}
