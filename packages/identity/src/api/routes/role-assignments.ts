// GET /v3/role_assignments (keystone/api/role_assignments.py, assignment/core.py
// list_role_assignments): direct rows, or in effective mode the rows that actually put
// roles in a user's tokens (groups expanded, inheritance placed, implied roles added).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ValidationError, findOrNull } from '../../errors.ts';
import { SYSTEM_TARGET, type EffectiveAssignment } from '../../assignment/assignment-manager.ts';
import type { Assignment, AssignmentFilter, AssignmentType } from '../../storage/types.ts';
import type { PolicyTarget } from '../../policy.ts';
import type { ApiContext } from '../context.ts';
import { listQuery } from './crud.ts';
import { queryFlag, selfPath, type Json, type Query } from './request.ts';
import { assignmentNames, type NameLookup } from './role-assignment-names.ts';

const filters = listQuery([
  'user.id',
  'group.id',
  'role.id',
  'scope.project.id',
  'scope.domain.id',
  'scope.system',
  'scope.OS-INHERIT:inherited_to',
  'effective',
  'include_names',
  'include_subtree',
]);

const ACTORS = { user: ['UserProject', 'UserDomain', 'UserSystem'], group: ['GroupProject', 'GroupDomain', 'GroupSystem'] } as const;

function assertFilterCombination(q: Query, effective: boolean, inherited: boolean | undefined): void {
  const both = (a: string, b: string) => Boolean(q[a]) && Boolean(q[b]);
  if (both('scope.domain.id', 'scope.project.id')) throw new ValidationError('Specify a domain or project, not both');
  if (both('scope.domain.id', 'scope.system')) throw new ValidationError('Specify system or domain, not both');
  if (both('scope.project.id', 'scope.system')) throw new ValidationError('Specify system or project, not both');
  if (both('user.id', 'group.id')) throw new ValidationError('Specify a user or group, not both');
  if (effective && q['group.id']) {
    throw new ValidationError('Combining effective and group filter will always result in an empty list.');
  }
  if (effective && inherited === true && q['scope.domain.id']) {
    throw new ValidationError('Combining effective, domain and inherited filters will always result in an empty list.');
  }
}

export function roleAssignmentRoutes(context: ApiContext) {
  const { assignment, identity, resource } = context.service;

  /** Project ids the scope.project.id filter covers (with its subtree when asked). */
  async function projectIds(projectId: string, subtree: boolean): Promise<string[]> {
    if (!subtree) return [projectId];
    const ids = [projectId];
    for (let i = 0; i < ids.length; i++) {
      for (const child of await resource.listProjects({ parentId: ids[i] as string })) ids.push(child.id);
    }
    return ids;
  }

  async function direct(q: Query, projects: string[] | null, inherited: boolean | undefined): Promise<Assignment[]> {
    const actorKind = q['user.id'] ? 'user' : q['group.id'] ? 'group' : null;
    const actorTypes: readonly AssignmentType[] = actorKind === null ? [...ACTORS.user, ...ACTORS.group] : ACTORS[actorKind];
    const base: AssignmentFilter = {
      ...(actorKind === null ? {} : { actorId: (q['user.id'] || q['group.id']) as string }),
      ...(q['role.id'] ? { roleId: q['role.id'] } : {}),
    };
    const system = q['scope.system'] === SYSTEM_TARGET;
    const domainId = q['scope.domain.id'] || null;
    const rows: Assignment[] = [];
    if (!system) {
      const kinds = projects !== null ? ['Project'] : domainId !== null ? ['Domain'] : ['Project', 'Domain'];
      const types = actorTypes.filter((t) => kinds.some((k) => t.endsWith(k)));
      rows.push(
        ...(await assignment.listAssignments({
          ...base,
          type: [...types],
          ...(projects !== null ? { targetId: projects } : domainId !== null ? { targetId: domainId } : {}),
          ...(inherited === undefined ? {} : { inherited }),
        })),
      );
    }
    if (system || (projects === null && domainId === null)) {
      rows.push(...(await assignment.listAssignments({ ...base, type: actorTypes.filter((t) => t.endsWith('System')) })));
    }
    return rows;
  }

  async function effective(q: Query, projects: string[] | null, inherited: boolean | undefined): Promise<EffectiveAssignment[]> {
    const userId = q['user.id'] || null;
    const actorIds = userId === null ? undefined : [userId, ...(await identity.listGroupsForUser(userId)).map((g) => g.id)];
    const sources = await assignment.listAssignments({
      type: ['UserProject', 'GroupProject', 'UserDomain', 'GroupDomain'],
      ...(actorIds === undefined ? {} : { actorId: actorIds }),
      ...(inherited === undefined ? {} : { inherited }),
    });
    const domainId = q['scope.domain.id'] || null;
    const roleId = q['role.id'] || null;
    const globalRole = new Map<string, boolean>();
    const out: EffectiveAssignment[] = [];
    for (const row of await assignment.effectiveAssignments(sources)) {
      if (userId !== null && row.actorId !== userId) continue;
      if (projects !== null && !(row.type === 'UserProject' && projects.includes(row.targetId))) continue;
      if (domainId !== null && !(row.type === 'UserDomain' && row.targetId === domainId)) continue;
      if (roleId !== null && row.roleId !== roleId) continue;
      // Domain-specific roles only imply others; they never reach a token.
      if (!globalRole.has(row.roleId)) {
        const role = await findOrNull(() => assignment.getRole(row.roleId));
        globalRole.set(row.roleId, role !== null && role.domainId === null);
      }
      if (globalRole.get(row.roleId) === true) out.push(row);
    }
    return out;
  }

  async function format(row: EffectiveAssignment, base: string, names: NameLookup | null): Promise<Json> {
    const links: Record<string, string> = {};
    let scope: Json;
    let path: string;
    let inherited = row.inherited;
    if (row.type.endsWith('Project')) {
      scope = { project: names === null ? { id: row.targetId } : await names.project(row.targetId) };
      path = `/projects/${row.targetId}`;
      if (row.inheritedFromId !== undefined) {
        inherited = true;
        const project = await findOrNull(() => resource.getProject(row.targetId));
        path = project?.domainId === row.inheritedFromId ? `/domains/${row.inheritedFromId}` : `/projects/${row.inheritedFromId}`;
      }
    } else if (row.type.endsWith('Domain')) {
      scope = { domain: names === null ? { id: row.targetId } : await names.domain(row.targetId) };
      path = `/domains/${row.targetId}`;
    } else {
      scope = { system: { all: true } };
      path = '/system';
    }
    const actor: Json = {};
    if (row.type.startsWith('User')) {
      actor.user = names === null ? { id: row.actorId } : await names.user(row.actorId);
      if (row.viaGroupId !== undefined) {
        links.membership = `${base}/groups/${row.viaGroupId}/users/${row.actorId}`;
        path += `/groups/${row.viaGroupId}`;
      } else {
        path += `/users/${row.actorId}`;
      }
    } else {
      actor.group = names === null ? { id: row.actorId } : await names.group(row.actorId);
      path += `/groups/${row.actorId}`;
    }
    path += `/roles/${row.priorRoleId ?? row.roleId}`;
    if (inherited) {
      scope['OS-INHERIT:inherited_to'] = 'projects';
      path = `/OS-INHERIT${path}/inherited_to_projects`;
    }
    links.assignment = `${base}${path}`;
    // Keystone names the implied role first in this link, its prior role second.
    if (row.priorRoleId !== undefined) links.prior_role = `${base}/prior_role/${row.roleId}/implies/${row.priorRoleId}`;
    const role = names === null ? { id: row.roleId } : await names.role(row.roleId);
    return { links, scope, ...actor, role };
  }

  return async function roleAssignments(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // GET /v3/role_assignments
    app.get('/v3/role_assignments', { schema: { querystring: filters } }, async function listRoleAssignments(request) {
      const q: Query = request.query;
      const subtree = queryFlag(q, 'include_subtree');
      const caller = await context.caller(request);
      if (subtree) {
        const projectId = q['scope.project.id'];
        const project = projectId ? await resource.getProject(projectId) : null;
        const target: PolicyTarget = project === null ? {} : { projectId: project.id, domainId: project.domainId };
        await context.authorize(request, 'list_role_assignments_for_tree', target);
        if (!projectId) throw new ValidationError('scope.project.id must be specified if include_subtree is also specified');
      } else {
        const domainId = caller.scope.kind === 'domain' ? caller.scope.domain.id : undefined;
        await context.authorize(request, 'list_role_assignments', domainId === undefined ? {} : { domainId });
      }
      const isEffective = queryFlag(q, 'effective');
      const inheritedTo = q['scope.OS-INHERIT:inherited_to'];
      const inherited = inheritedTo === undefined ? undefined : inheritedTo === 'projects';
      assertFilterCombination(q, isEffective, inherited);
      const projects = q['scope.project.id'] ? await projectIds(q['scope.project.id'], subtree) : null;
      let rows: EffectiveAssignment[] = isEffective ? await effective(q, projects, inherited) : await direct(q, projects, inherited);
      // A domain-scoped reader sees only what lies in their domain.
      if (caller.scope.kind === 'domain' && !subtree) rows = await inDomain(rows, caller.scope.domain.id);
      const renderer = context.renderer(request);
      const names = queryFlag(q, 'include_names') ? assignmentNames(context.service) : null;
      const items: Json[] = [];
      for (const row of rows) items.push(await format(row, renderer.base, names));
      return renderer.collection('role_assignments', selfPath(request), items);
    });
  };

  async function inDomain(rows: EffectiveAssignment[], domainId: string): Promise<EffectiveAssignment[]> {
    const out: EffectiveAssignment[] = [];
    for (const row of rows) {
      if (row.type.endsWith('Domain') && row.targetId === domainId) out.push(row);
      else if (row.type.endsWith('Project')) {
        const project = await findOrNull(() => resource.getProject(row.targetId));
        if (project?.domainId === domainId) out.push(row);
      }
    }
    return out;
  }
}
