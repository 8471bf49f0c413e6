// Roles, implied-role rules and role assignments. Global roles store Keystone's
// '<<null>>' sentinel as domain_id so (name, domain_id) is unique on every database.
import { fromDbBoolean } from '@baton/storage';
import type { Insertable, Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import { NULL_DOMAIN_ID, type AssignmentTable, type RoleTable } from '../schema.ts';
import type {
  Assignment,
  AssignmentDriver,
  AssignmentFilter,
  AssignmentType,
  ImpliedRole,
  Role,
  RoleOptions,
} from '../types.ts';
import {
  type DriverContext,
  definedPatch,
  duplicateName,
  oneOrMany,
  parseExtra,
  serializeExtra,
  storing,
} from './shared.ts';

function roleFromRow(row: Selectable<RoleTable>): Role {
  return {
    id: row.id,
    name: row.name,
    domainId: row.domain_id === NULL_DOMAIN_ID ? null : row.domain_id,
    description: row.description,
    options: JSON.parse(row.options) as RoleOptions,
    extra: parseExtra(row.extra),
  };
}

function roleRow(role: Role): Insertable<RoleTable> {
  return {
    id: role.id,
    name: role.name,
    domain_id: role.domainId ?? NULL_DOMAIN_ID,
    description: role.description,
    options: JSON.stringify(role.options),
    extra: serializeExtra(role.extra),
  };
}

function assignmentFromRow(row: Selectable<AssignmentTable>): Assignment {
  return {
    type: row.type as AssignmentType,
    actorId: row.actor_id,
    targetId: row.target_id,
    roleId: row.role_id,
    inherited: fromDbBoolean(row.inherited),
  };
}

function impliedRoleMissing(rule: ImpliedRole): NotFoundError {
  return new NotFoundError(`${rule.priorRoleId} does not imply ${rule.impliedRoleId}.`);
}

export class SqlAssignmentDriver implements AssignmentDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async createRole(role: Role): Promise<Role> {
    await storing(this.#ctx, 'role', () => duplicateName(role.name, role.domainId), () =>
      this.#ctx.db.insertInto('role').values(roleRow(role)).execute());
    return this.getRole(role.id);
  }

  async getRole(id: string): Promise<Role> {
    const row = await this.#ctx.db.selectFrom('role').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('role', id);
    return roleFromRow(row);
  }

  async getRoleByName(name: string, domainId: string | null): Promise<Role> {
    const row = await this.#ctx.db
      .selectFrom('role')
      .selectAll()
      .where('name', '=', name)
      .where('domain_id', '=', domainId ?? NULL_DOMAIN_ID)
      .executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('role', name);
    return roleFromRow(row);
  }

  /** `domainId: null` lists global roles only; leaving it out lists every role. */
  async listRoles(filter: { name?: string; domainId?: string | null } = {}): Promise<Role[]> {
    let query = this.#ctx.db.selectFrom('role').selectAll().orderBy('name').orderBy('id');
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    if (filter.domainId !== undefined) query = query.where('domain_id', '=', filter.domainId ?? NULL_DOMAIN_ID);
    return (await query.execute()).map(roleFromRow);
  }

  async updateRole(id: string, patch: Partial<Omit<Role, 'id'>>): Promise<Role> {
    const merged: Role = { ...(await this.getRole(id)), ...definedPatch(patch), id };
    const { id: _id, ...columns } = roleRow(merged);
    await storing(this.#ctx, 'role', () => duplicateName(merged.name, merged.domainId), () =>
      this.#ctx.db.updateTable('role').set(columns).where('id', '=', id).execute());
    return this.getRole(id);
  }

  /** Implied-role rules naming the role go with it (foreign key cascade). */
  async deleteRole(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('role').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw NotFoundError.entity('role', id);
  }

  async createImpliedRole(rule: ImpliedRole): Promise<ImpliedRole> {
    // Keystone reports a missing role on either side as RoleNotFound.
    await this.getRole(rule.priorRoleId);
    await this.getRole(rule.impliedRoleId);
    await storing(this.#ctx, 'implied_role', () => 'Duplicate entry', () =>
      this.#ctx.db
        .insertInto('implied_role')
        .values({ prior_role_id: rule.priorRoleId, implied_role_id: rule.impliedRoleId })
        .execute());
    return { priorRoleId: rule.priorRoleId, impliedRoleId: rule.impliedRoleId };
  }

  async deleteImpliedRole(rule: ImpliedRole): Promise<void> {
    const result = await this.#ctx.db
      .deleteFrom('implied_role')
      .where('prior_role_id', '=', rule.priorRoleId)
      .where('implied_role_id', '=', rule.impliedRoleId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw impliedRoleMissing(rule);
  }

  async listImpliedRoles(priorRoleId?: string): Promise<ImpliedRole[]> {
    let query = this.#ctx.db
      .selectFrom('implied_role')
      .selectAll()
      .orderBy('prior_role_id')
      .orderBy('implied_role_id');
    if (priorRoleId !== undefined) query = query.where('prior_role_id', '=', priorRoleId);
    const rows = await query.execute();
    return rows.map((row) => ({ priorRoleId: row.prior_role_id, impliedRoleId: row.implied_role_id }));
  }

  async createAssignment(assignment: Assignment): Promise<void> {
    await this.#ctx.db
      .insertInto('assignment')
      .values({
        type: assignment.type,
        actor_id: assignment.actorId,
        target_id: assignment.targetId,
        role_id: assignment.roleId,
        inherited: assignment.inherited,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async deleteAssignment(assignment: Assignment): Promise<void> {
    const result = await this.#ctx.db
      .deleteFrom('assignment')
      .where('type', '=', assignment.type)
      .where('actor_id', '=', assignment.actorId)
      .where('target_id', '=', assignment.targetId)
      .where('role_id', '=', assignment.roleId)
      .where('inherited', '=', assignment.inherited)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) {
      throw new NotFoundError(
        `Could not find role assignment with role: ${assignment.roleId}, user or group: ${assignment.actorId}, `
          + `project, domain, or system: ${assignment.targetId}.`,
      );
    }
  }

  async listAssignments(filter: AssignmentFilter = {}): Promise<Assignment[]> {
    const lists = [filter.type, filter.actorId, filter.targetId, filter.roleId];
    if (lists.some((value) => Array.isArray(value) && value.length === 0)) return [];
    let query = this.#ctx.db
      .selectFrom('assignment')
      .selectAll()
      .orderBy('actor_id')
      .orderBy('target_id')
      .orderBy('role_id')
      .orderBy('type')
      .orderBy('inherited');
    if (filter.type !== undefined) query = query.where('type', 'in', oneOrMany<string>(filter.type));
    if (filter.actorId !== undefined) query = query.where('actor_id', 'in', oneOrMany(filter.actorId));
    if (filter.targetId !== undefined) query = query.where('target_id', 'in', oneOrMany(filter.targetId));
    if (filter.roleId !== undefined) query = query.where('role_id', 'in', oneOrMany(filter.roleId));
    if (filter.inherited !== undefined) query = query.where('inherited', '=', filter.inherited);
    return (await query.execute()).map(assignmentFromRow);
  }

  async deleteAssignmentsFor(ids: { actorId?: string; targetId?: string; roleId?: string }): Promise<void> {
    if (ids.actorId === undefined && ids.targetId === undefined && ids.roleId === undefined) {
      throw new TypeError('deleteAssignmentsFor needs at least one of actorId, targetId, roleId');
    }
    await this.#ctx.db
      .deleteFrom('assignment')
      .where((eb) => {
        const clauses = [];
        if (ids.actorId !== undefined) clauses.push(eb('actor_id', '=', ids.actorId));
        if (ids.targetId !== undefined) clauses.push(eb('target_id', '=', ids.targetId));
        if (ids.roleId !== undefined) clauses.push(eb('role_id', '=', ids.roleId));
        return eb.or(clauses);
      })
      .execute();
  }
}
