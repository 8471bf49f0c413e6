// Domains and projects (keystone/resource/core.py): the checks Keystone makes above
// the driver — enabled state, hierarchy, and the revocation a project delete implies.
import type { Domain, Project, ResourceDriver, ListFilter } from '../storage/types.ts';
import { ForbiddenError, NotFoundError, ValidationError, findOrNull } from '../errors.ts';
import { newId } from '../ids.ts';
import type { RevocationManager } from '../token/revocation-manager.ts';

export interface DomainInput {
  id?: string;
  name: string;
  /** Left out: ''; null is kept (Keystone's setdefault). */
  description?: string | null;
  enabled?: boolean;
  extra?: Record<string, unknown>;
}

export interface ProjectInput {
  id?: string;
  name: string;
  domainId: string;
  parentId?: string | null;
  /** Left out: ''; null is kept (Keystone's setdefault). */
  description?: string | null;
  enabled?: boolean;
  isDomain?: boolean;
  tags?: string[];
  extra?: Record<string, unknown>;
}

/**
 * A domain seen as the project acting as it: its own domain (Keystone says none, and
 * renders domain_id and parent_id as null), no parent, no tags.
 */
export function domainAsProject(domain: Domain): Project {
  return { id: domain.id, name: domain.name, domainId: domain.id, parentId: null, description: domain.description, enabled: domain.enabled, isDomain: true, tags: [], extra: domain.extra };
}

export class ResourceManager {
  readonly #driver: ResourceDriver;
  readonly #revocations: RevocationManager;
  /** Levels of projects allowed below a domain ([unified_limit] enforcement_model), or null. */
  readonly #maxDepth: number | null;

  constructor(driver: ResourceDriver, revocations: RevocationManager, options: { maxProjectDepth: number | null } = { maxProjectDepth: null }) {
    this.#driver = driver;
    this.#revocations = revocations;
    this.#maxDepth = options.maxProjectDepth;
  }

  createDomain(input: DomainInput): Promise<Domain> {
    return this.#driver.createDomain({
      id: input.id ?? newId(),
      name: input.name,
      description: input.description === undefined ? '' : input.description,
      enabled: input.enabled ?? true,
      extra: input.extra ?? {},
    });
  }

  getDomain(id: string): Promise<Domain> {
    return this.#driver.getDomain(id);
  }

  getDomainByName(name: string): Promise<Domain> {
    return this.#driver.getDomainByName(name);
  }

  listDomains(filter?: ListFilter): Promise<Domain[]> {
    return this.#driver.listDomains(filter);
  }

  updateDomain(id: string, patch: Partial<Omit<Domain, 'id'>>): Promise<Domain> {
    return this.#driver.updateDomain(id, patch);
  }

  async deleteDomain(id: string): Promise<void> {
    const domain = await this.#driver.getDomain(id);
    if (domain.enabled) {
      throw new ForbiddenError('Cannot delete a domain that is enabled, please disable it first.');
    }
    await this.#driver.deleteDomain(id);
    await this.#revocations.revoke({ domainId: id });
  }

  async createProject(input: ProjectInput): Promise<Project> {
    await this.#driver.getDomain(input.domainId);
    let parentId = input.parentId ?? null;
    const id = input.id ?? newId();
    if (parentId !== null && parentId !== input.domainId) {
      const parent = await this.#driver.getProject(parentId);
      if (parent.domainId !== input.domainId) {
        throw new ValidationError('Cannot create project, the parent is in a different domain.');
      }
      if (this.#maxDepth !== null && (await this.ancestorIds(parent)).length + 2 > this.#maxDepth) {
        throw new ForbiddenError(`Max hierarchy depth reached for ${id} branch.`);
      }
    }
    parentId ??= input.domainId;
    return this.#driver.createProject({
      id,
      name: input.name,
      domainId: input.domainId,
      parentId,
      description: input.description === undefined ? '' : input.description,
      enabled: input.enabled ?? true,
      isDomain: input.isDomain ?? false,
      tags: input.tags ?? [],
      extra: input.extra ?? {},
    });
  }

  getProject(id: string): Promise<Project> {
    return this.#driver.getProject(id);
  }

  /** The project, else the domain with that id as the project acting as it (Keystone stores both as projects). */
  async getProjectOrDomain(id: string): Promise<Project> {
    const project = await findOrNull(() => this.#driver.getProject(id));
    if (project !== null) return project;
    const domain = await findOrNull(() => this.#driver.getDomain(id));
    if (domain === null) throw NotFoundError.entity('project', id);
    return domainAsProject(domain);
  }

  getProjectByName(name: string, domainId: string): Promise<Project> {
    return this.#driver.getProjectByName(name, domainId);
  }

  listProjects(filter?: ListFilter & { parentId?: string; ids?: string[] }): Promise<Project[]> {
    return this.#driver.listProjects(filter);
  }

  updateProject(id: string, patch: Partial<Omit<Project, 'id'>>): Promise<Project> {
    return this.#driver.updateProject(id, patch);
  }

  /** Ids of the project's ancestors up to (not including) its domain, nearest first. */
  async ancestorIds(project: Project): Promise<string[]> {
    const ids: string[] = [];
    let parentId = project.parentId;
    while (parentId !== null && parentId !== project.domainId && !ids.includes(parentId)) {
      ids.push(parentId);
      parentId = (await this.#driver.getProject(parentId)).parentId;
    }
    return ids;
  }

  /**
   * Ids of projects more than `maxDepth` levels below their domain (Keystone's
   * check_project_depth, run at start-up under a hierarchical limit model).
   */
  async projectsDeeperThan(maxDepth: number): Promise<string[]> {
    const deeper: string[] = [];
    for (const project of await this.#driver.listProjects()) {
      if ((await this.ancestorIds(project)).length + 1 > maxDepth) deeper.push(project.id);
    }
    return deeper;
  }

  async deleteProject(id: string): Promise<void> {
    await this.#driver.getProject(id);
    const children = await this.#driver.listProjects({ parentId: id });
    if (children.length > 0) {
      throw new ForbiddenError(
        `Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`,
      );
    }
    await this.#driver.deleteProject(id);
    await this.#revocations.revoke({ projectId: id });
  }
}
