// Roles, implied roles and role assignments (keystone/assignment/core.py). Effective
// roles are computed here at every token validation, as Keystone does, so a removed
// grant takes effect at once.
import type {
  Assignment,
  AssignmentDriver,
  AssignmentFilter,
  AssignmentType,
  ImpliedRole,
  Project,
  Role,
  RoleOptions,
} from '../storage/types.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { IdentityManager } from '../identity/identity-manager.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';

export interface RoleInput {
  id?: string;
  name: string;
  domainId?: string | null;
  description?: string | null;
  options?: RoleOptionsInput;
  extra?: Record<string, unknown>;
}

/** Resource options as a request gives them: null removes an option. */
export interface RoleOptionsInput {
  immutable?: boolean | null;
}

/** The attributes a role update gave; only those present change. */
export interface RoleUpdate {
  name?: string;
  description?: string;
  options?: RoleOptionsInput;
  /** The request's domain_id, any JSON: only the role's own is accepted. */
  domainId?: unknown;
  /** Attributes beyond the modelled ones, merged into the role's. */
  extra?: Record<string, unknown>;
}

/** `current` with the options `given` applied, as Keystone's resource_options_ref_to_mapper. */
function withOptions(current: RoleOptions, given: RoleOptionsInput | undefined): RoleOptions {
  if (given?.immutable === undefined) return current;
  const { immutable: _dropped, ...rest } = current;
  return given.immutable === null ? rest : { ...rest, immutable: given.immutable };
}

/**
 * Keystone's check_immutable_update: an immutable role takes one update only, the one that
 * sets `immutable` to false or null and changes nothing else.
 */
function assertMutable(role: Role, update: RoleUpdate): void {
  if (role.options.immutable !== true) return;
  const given = Object.keys(update).filter((key) => update[key as keyof RoleUpdate] !== undefined);
  const clearing = update.options?.immutable === false || update.options?.immutable === null;
  if (given.length > 1 || !clearing) {
    throw new ForbiddenError(`Unable to update immutable role resource: \`${role.id}. Set resource option "immutable" to false first.`);
  }
}

/** Where a role is granted: a project, a domain, or the whole system. */
export type GrantTarget =
  | { kind: 'project'; id: string }
  | { kind: 'domain'; id: string }
  | { kind: 'system' };

export type GrantActor = { kind: 'user'; id: string } | { kind: 'group'; id: string };

/** An assignment as GET /v3/role_assignments reports it. */
export interface EffectiveAssignment extends Assignment {
  /** Set when the assignment reaches the user through a group (effective mode). */
  viaGroupId?: string;
  /** Set when the role comes from an implication rule (effective mode). */
  priorRoleId?: string;
  /** Set when the assignment was inherited from a domain or parent project. */
  inheritedFromId?: string;
}

export const SYSTEM_TARGET = 'all';

function assignmentType(actor: GrantActor, target: GrantTarget): AssignmentType {
  const who = actor.kind === 'user' ? 'User' : 'Group';
  const where = target.kind === 'project' ? 'Project' : target.kind === 'domain' ? 'Domain' : 'System';
  return `${who}${where}` as AssignmentType;
}

export class AssignmentManager {
  readonly #driver: AssignmentDriver;
  readonly #identity: IdentityManager;
  readonly #resource: ResourceManager;

  constructor(driver: AssignmentDriver, identity: IdentityManager, resource: ResourceManager) {
    this.#driver = driver;
    this.#identity = identity;
    this.#resource = resource;
  }

  createRole(input: RoleInput): Promise<Role> {
    return this.#driver.createRole({
      id: input.id ?? newId(),
      name: input.name,
      domainId: input.domainId ?? null,
      description: input.description ?? null,
      options: withOptions({}, input.options),
      extra: input.extra ?? {},
    });
  }

  getRole(id: string): Promise<Role> {
    return this.#driver.getRole(id);
  }

  getRoleByName(name: string, domainId: string | null = null): Promise<Role> {
    return this.#driver.getRoleByName(name, domainId);
  }

  listRoles(filter?: { name?: string; domainId?: string | null }): Promise<Role[]> {
    return this.#driver.listRoles(filter);
  }

  /** Keystone's order: an immutable role refuses (403) before a changed domain_id does (400). */
  async updateRole(id: string, update: RoleUpdate): Promise<Role> {
    const before = await this.#driver.getRole(id);
    assertMutable(before, update);
    if (update.domainId !== undefined && update.domainId !== before.domainId) {
      throw new ValidationError('Update of `domain_id` is not allowed.');
    }
    return this.#driver.updateRole(id, {
      ...(update.name === undefined ? {} : { name: update.name }),
      ...(update.description === undefined ? {} : { description: update.description }),
      ...(update.extra === undefined ? {} : { extra: { ...before.extra, ...update.extra } }),
      options: withOptions(before.options, update.options),
    });
  }

  async deleteRole(id: string): Promise<void> {
    const role = await this.#driver.getRole(id);
    if (role.options.immutable === true) {
      throw new ForbiddenError(`Unable to delete immutable role resource: \`${id}. Set resource option "immutable" to false first.`);
    }
    await this.#driver.deleteAssignmentsFor({ roleId: id });
    for (const rule of await this.#driver.listImpliedRoles()) {
      if (rule.priorRoleId === id || rule.impliedRoleId === id) await this.#driver.deleteImpliedRole(rule);
    }
    await this.#driver.deleteRole(id);
  }

  async createImpliedRole(priorRoleId: string, impliedRoleId: string): Promise<ImpliedRole> {
    const prior = await this.#driver.getRole(priorRoleId);
    const implied = await this.#driver.getRole(impliedRoleId);
    if (priorRoleId === impliedRoleId) {
      throw new ValidationError('A role cannot imply itself.');
    }
    // Keystone's InvalidImpliedRole, its grammar included.
    if (implied.name === 'admin') {
      throw new ForbiddenError(`${impliedRoleId} cannot be an implied roles.`);
    }
    // A domain-specific role only stands for global ones; a global role may not lead into a domain's.
    if (prior.domainId === null && implied.domainId !== null) {
      throw new ForbiddenError('Global role cannot imply a domain-specific role');
    }
    return this.#driver.createImpliedRole({ priorRoleId, impliedRoleId });
  }

  deleteImpliedRole(priorRoleId: string, impliedRoleId: string): Promise<void> {
    return this.#driver.deleteImpliedRole({ priorRoleId, impliedRoleId });
  }

  listImpliedRoles(priorRoleId?: string): Promise<ImpliedRole[]> {
    return this.#driver.listImpliedRoles(priorRoleId);
  }

  /** Role, actor and target must exist; answers the role and the project granted on, if one is. */
  async #checkGrant(actor: GrantActor, target: GrantTarget, roleId: string): Promise<{ role: Role; project: Project | null }> {
    const role = await this.#driver.getRole(roleId);
    if (actor.kind === 'user') await this.#identity.getUser(actor.id);
    else await this.#identity.getGroup(actor.id);
    const project = target.kind === 'project' ? await this.#resource.getProject(target.id) : null;
    if (target.kind === 'domain') await this.#resource.getDomain(target.id);
    return { role, project };
  }

  #assignment(actor: GrantActor, target: GrantTarget, roleId: string, inherited: boolean): Assignment {
    return {
      type: assignmentType(actor, target),
      actorId: actor.id,
      targetId: target.kind === 'system' ? SYSTEM_TARGET : target.id,
      roleId,
      inherited,
    };
  }

  async grant(actor: GrantActor, target: GrantTarget, roleId: string, inherited = false): Promise<void> {
    const { role, project } = await this.#checkGrant(actor, target, roleId);
    // A domain-specific role is granted only on its own domain's projects.
    if (project !== null && role.domainId !== null && project.domainId !== role.domainId) {
      throw new ForbiddenError(`Project ${project.id} must be in the same domain as the role ${roleId} being assigned.`);
    }
    await this.#driver.createAssignment(this.#assignment(actor, target, roleId, inherited));
  }

  async revokeGrant(actor: GrantActor, target: GrantTarget, roleId: string, inherited = false): Promise<void> {
    await this.#checkGrant(actor, target, roleId);
    await this.#driver.deleteAssignment(this.#assignment(actor, target, roleId, inherited));
  }

  /** Whether exactly this grant exists (HEAD/GET …/roles/{role_id}). */
  async hasGrant(actor: GrantActor, target: GrantTarget, roleId: string, inherited = false): Promise<boolean> {
    const a = this.#assignment(actor, target, roleId, inherited);
    const rows = await this.#driver.listAssignments({ ...a, type: a.type });
    return rows.length > 0;
  }

  async listGrants(actor: GrantActor, target: GrantTarget, inherited = false): Promise<Role[]> {
    const rows = await this.#driver.listAssignments({
      type: assignmentType(actor, target),
      actorId: actor.id,
      targetId: target.kind === 'system' ? SYSTEM_TARGET : target.id,
      inherited,
    });
    return Promise.all(rows.map((row) => this.#driver.getRole(row.roleId)));
  }

  listAssignments(filter?: AssignmentFilter): Promise<Assignment[]> {
    return this.#driver.listAssignments(filter);
  }

  deleteAssignmentsFor(ids: { actorId?: string; targetId?: string; roleId?: string }): Promise<void> {
    return this.#driver.deleteAssignmentsFor(ids);
  }

  /** The role ids plus everything they imply, transitively; prior roles first. */
  async expandImplied(roleIds: readonly string[]): Promise<string[]> {
    const rules = await this.#driver.listImpliedRoles();
    const seen = new Set<string>();
    const queue = [...roleIds];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const rule of rules) if (rule.priorRoleId === id) queue.push(rule.impliedRoleId);
    }
    return [...seen];
  }

  /**
   * The roles of `rows` and all they imply, less the domain-specific ones: those only stand
   * for the global roles they imply (Keystone's strip_domain_roles).
   */
  async #effectiveRoleIds(rows: readonly Assignment[]): Promise<string[]> {
    const ids = await this.expandImplied(unique(rows.map((a) => a.roleId)));
    if (ids.length === 0) return ids;
    const global = await this.#globalRoleIds();
    return ids.filter((id) => global.has(id));
  }

  async #globalRoleIds(): Promise<Set<string>> {
    return new Set((await this.#driver.listRoles({ domainId: null })).map((r) => r.id));
  }

  /**
   * Roles the role implies, transitively, each with the role that implies it directly
   * (what Keystone reports as the prior role of an effective assignment).
   */
  async impliedBy(roleId: string): Promise<{ roleId: string; priorRoleId: string }[]> {
    const rules = await this.#driver.listImpliedRoles();
    const out: { roleId: string; priorRoleId: string }[] = [];
    const seen = new Set([roleId]);
    const queue = [roleId];
    while (queue.length > 0) {
      const prior = queue.shift() as string;
      for (const rule of rules) {
        if (rule.priorRoleId !== prior || seen.has(rule.impliedRoleId)) continue;
        seen.add(rule.impliedRoleId);
        out.push({ roleId: rule.impliedRoleId, priorRoleId: prior });
        queue.push(rule.impliedRoleId);
      }
    }
    return out;
  }

  async #actorIds(userId: string): Promise<string[]> {
    const groups = await this.#identity.listGroupsForUser(userId);
    return [userId, ...groups.map((g) => g.id)];
  }

  /** Role ids a user holds on a project, directly, through groups or by inheritance. */
  async roleIdsOnProject(userId: string, project: Project): Promise<string[]> {
    const actors = await this.#actorIds(userId);
    const direct = await this.#driver.listAssignments({
      type: ['UserProject', 'GroupProject'],
      actorId: actors,
      targetId: project.id,
      inherited: false,
    });
    const ancestors = await this.#resource.ancestorIds(project);
    const inherited = await this.#driver.listAssignments({
      type: ['UserProject', 'GroupProject', 'UserDomain', 'GroupDomain'],
      actorId: actors,
      targetId: [...ancestors, project.domainId],
      inherited: true,
    });
    return this.#effectiveRoleIds([...direct, ...inherited]);
  }

  async roleIdsOnDomain(userId: string, domainId: string): Promise<string[]> {
    const rows = await this.#driver.listAssignments({
      type: ['UserDomain', 'GroupDomain'],
      actorId: await this.#actorIds(userId),
      targetId: domainId,
      inherited: false,
    });
    return this.#effectiveRoleIds(rows);
  }

  async roleIdsOnSystem(userId: string): Promise<string[]> {
    const rows = await this.#driver.listAssignments({
      type: ['UserSystem', 'GroupSystem'],
      actorId: await this.#actorIds(userId),
      targetId: SYSTEM_TARGET,
    });
    return this.#effectiveRoleIds(rows);
  }

  /** Projects where the user holds any role (GET /v3/auth/projects, /v3/users/{id}/projects). */
  async projectsForUser(userId: string): Promise<Project[]> {
    const rows = await this.#driver.listAssignments({
      type: ['UserProject', 'GroupProject', 'UserDomain', 'GroupDomain'],
      actorId: await this.#actorIds(userId),
    });
    const projectIds = new Set<string>();
    for (const row of rows) {
      if (row.type.endsWith('Project')) projectIds.add(row.targetId);
      else if (row.inherited) {
        for (const p of await this.#resource.listProjects({ domainId: row.targetId })) projectIds.add(p.id);
      }
    }
    if (projectIds.size === 0) return [];
    return this.#resource.listProjects({ ids: [...projectIds] });
  }

  /** Domain ids where the user holds a (non-inherited) role. */
  async domainIdsForUser(userId: string): Promise<string[]> {
    const rows = await this.#driver.listAssignments({
      type: ['UserDomain', 'GroupDomain'],
      actorId: await this.#actorIds(userId),
      inherited: false,
    });
    return unique(rows.map((r) => r.targetId));
  }

  /**
   * GET /v3/role_assignments?effective: group grants become per-user rows, inherited
   * grants land on every project below them, implied roles are added.
   */
  async effectiveAssignments(rows: readonly Assignment[]): Promise<EffectiveAssignment[]> {
    const out: EffectiveAssignment[] = [];
    for (const row of rows) {
      const userRows: EffectiveAssignment[] = [];
      if (row.type.startsWith('Group')) {
        for (const user of await this.#identity.listUsersInGroup(row.actorId)) {
          userRows.push({ ...row, type: row.type.replace('Group', 'User') as AssignmentType, actorId: user.id, viaGroupId: row.actorId });
        }
      } else {
        userRows.push({ ...row });
      }
      for (const userRow of userRows) {
        const placed = row.inherited ? await this.#inheritedTargets(userRow) : [userRow];
        for (const a of placed) {
          out.push(a);
          for (const implied of await this.impliedBy(a.roleId)) out.push({ ...a, ...implied });
        }
      }
    }
    if (out.length === 0) return out;
    const global = await this.#globalRoleIds();
    return out.filter((a) => global.has(a.roleId));
  }

  async #inheritedTargets(row: EffectiveAssignment): Promise<EffectiveAssignment[]> {
    const projects = row.type.endsWith('Domain')
      ? await this.#resource.listProjects({ domainId: row.targetId })
      : await this.#descendants(row.targetId);
    const type = row.type.replace('Domain', 'Project') as AssignmentType;
    return projects.map((p) => ({ ...row, type, targetId: p.id, inherited: false, inheritedFromId: row.targetId }));
  }

  async #descendants(projectId: string): Promise<Project[]> {
    const out: Project[] = [];
    const queue = [projectId];
    while (queue.length > 0) {
      const children = await this.#resource.listProjects({ parentId: queue.shift() as string });
      out.push(...children);
      queue.push(...children.map((c) => c.id));
    }
    return out;
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
