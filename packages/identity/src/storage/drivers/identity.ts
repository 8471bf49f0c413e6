// Users, groups and group membership. Baton keeps one user table holding the current
// password hash (Keystone splits user, local_user and password).
import { fromDbBoolean } from '@baton/storage';
import type { Insertable, Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { GroupTable, UserTable } from '../schema.ts';
import type { Group, IdentityDriver, ListFilter, User } from '../types.ts';
import {
  type DriverContext,
  definedPatch,
  duplicateName,
  parseExtra,
  serializeExtra,
  storing,
} from './shared.ts';

function userFromRow(row: Selectable<UserTable>): User {
  return {
    id: row.id,
    name: row.name,
    domainId: row.domain_id,
    enabled: fromDbBoolean(row.enabled),
    defaultProjectId: row.default_project_id,
    passwordHash: row.password_hash,
    passwordExpiresAt: row.password_expires_at,
    createdAt: row.created_at,
    extra: parseExtra(row.extra),
    failedAuthCount: row.failed_auth_count,
    failedAuthAt: row.failed_auth_at === null ? null : Number(row.failed_auth_at),
    passwordCreatedAt: row.password_created_at === null ? null : Number(row.password_created_at),
    passwordSelfService: fromDbBoolean(row.password_self_service),
    passwordHistory: JSON.parse(row.password_history) as string[],
  };
}

function userRow(user: User): Insertable<UserTable> {
  return {
    id: user.id,
    name: user.name,
    domain_id: user.domainId,
    enabled: user.enabled,
    default_project_id: user.defaultProjectId,
    password_hash: user.passwordHash,
    password_expires_at: user.passwordExpiresAt,
    created_at: user.createdAt,
    extra: serializeExtra(user.extra),
    failed_auth_count: user.failedAuthCount,
    failed_auth_at: user.failedAuthAt,
    password_created_at: user.passwordCreatedAt,
    password_self_service: user.passwordSelfService,
    password_history: JSON.stringify(user.passwordHistory),
  };
}

function groupFromRow(row: Selectable<GroupTable>): Group {
  return {
    id: row.id,
    name: row.name,
    domainId: row.domain_id,
    description: row.description,
    extra: parseExtra(row.extra),
  };
}

function groupRow(group: Group): Insertable<GroupTable> {
  return {
    id: group.id,
    name: group.name,
    domain_id: group.domainId,
    description: group.description,
    extra: serializeExtra(group.extra),
  };
}

export class SqlIdentityDriver implements IdentityDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async createUser(user: User): Promise<User> {
    await storing(this.#ctx, 'user', () => duplicateName(user.name, user.domainId), () =>
      this.#ctx.db.insertInto('user').values(userRow(user)).execute());
    return this.getUser(user.id);
  }

  async getUser(id: string): Promise<User> {
    const row = await this.#ctx.db.selectFrom('user').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('user', id);
    return userFromRow(row);
  }

  async getUserByName(name: string, domainId: string): Promise<User> {
    const row = await this.#ctx.db
      .selectFrom('user')
      .selectAll()
      .where('name', '=', name)
      .where('domain_id', '=', domainId)
      .executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('user', name);
    return userFromRow(row);
  }

  async listUsers(filter: ListFilter = {}): Promise<User[]> {
    let query = this.#ctx.db.selectFrom('user').selectAll().orderBy('name').orderBy('id');
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    if (filter.domainId !== undefined) query = query.where('domain_id', '=', filter.domainId);
    if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled);
    return (await query.execute()).map(userFromRow);
  }

  async updateUser(id: string, patch: Partial<Omit<User, 'id'>>): Promise<User> {
    const merged: User = { ...(await this.getUser(id)), ...definedPatch(patch), id };
    const { id: _id, ...columns } = userRow(merged);
    await storing(this.#ctx, 'user', () => duplicateName(merged.name, merged.domainId), () =>
      this.#ctx.db.updateTable('user').set(columns).where('id', '=', id).execute());
    return this.getUser(id);
  }

  /** Group memberships go with the user (foreign key cascade). */
  async deleteUser(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('user').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw NotFoundError.entity('user', id);
  }

  async createGroup(group: Group): Promise<Group> {
    await storing(this.#ctx, 'group', () => duplicateName(group.name, group.domainId), () =>
      this.#ctx.db.insertInto('group').values(groupRow(group)).execute());
    return this.getGroup(group.id);
  }

  async getGroup(id: string): Promise<Group> {
    const row = await this.#ctx.db.selectFrom('group').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('group', id);
    return groupFromRow(row);
  }

  async getGroupByName(name: string, domainId: string): Promise<Group> {
    const row = await this.#ctx.db
      .selectFrom('group')
      .selectAll()
      .where('name', '=', name)
      .where('domain_id', '=', domainId)
      .executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('group', name);
    return groupFromRow(row);
  }

  /** Groups have no enabled flag; `filter.enabled` is ignored. */
  async listGroups(filter: ListFilter = {}): Promise<Group[]> {
    let query = this.#ctx.db.selectFrom('group').selectAll().orderBy('name').orderBy('id');
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    if (filter.domainId !== undefined) query = query.where('domain_id', '=', filter.domainId);
    return (await query.execute()).map(groupFromRow);
  }

  async updateGroup(id: string, patch: Partial<Omit<Group, 'id'>>): Promise<Group> {
    const merged: Group = { ...(await this.getGroup(id)), ...definedPatch(patch), id };
    const { id: _id, ...columns } = groupRow(merged);
    await storing(this.#ctx, 'group', () => duplicateName(merged.name, merged.domainId), () =>
      this.#ctx.db.updateTable('group').set(columns).where('id', '=', id).execute());
    return this.getGroup(id);
  }

  /** Memberships go with the group (foreign key cascade). */
  async deleteGroup(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('group').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw NotFoundError.entity('group', id);
  }

  /** Idempotent, as Keystone's is; a missing user or group is NotFound. */
  async addUserToGroup(userId: string, groupId: string): Promise<void> {
    await this.getGroup(groupId);
    await this.getUser(userId);
    await this.#ctx.db
      .insertInto('user_group_membership')
      .values({ user_id: userId, group_id: groupId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async removeUserFromGroup(userId: string, groupId: string): Promise<void> {
    const result = await this.#ctx.db
      .deleteFrom('user_group_membership')
      .where('user_id', '=', userId)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    if (result.numDeletedRows > 0n) return;
    // Say which side is missing when one is, as Keystone does.
    await this.getGroup(groupId);
    await this.getUser(userId);
    throw new NotFoundError(`User '${userId}' not found in group '${groupId}'`);
  }

  async isUserInGroup(userId: string, groupId: string): Promise<boolean> {
    const row = await this.#ctx.db
      .selectFrom('user_group_membership')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async listGroupsForUser(userId: string): Promise<Group[]> {
    const rows = await this.#ctx.db
      .selectFrom('group')
      .innerJoin('user_group_membership as m', 'm.group_id', 'group.id')
      .selectAll('group')
      .where('m.user_id', '=', userId)
      .orderBy('group.name')
      .orderBy('group.id')
      .execute();
    return rows.map(groupFromRow);
  }

  async listUsersInGroup(groupId: string): Promise<User[]> {
    const rows = await this.#ctx.db
      .selectFrom('user')
      .innerJoin('user_group_membership as m', 'm.user_id', 'user.id')
      .selectAll('user')
      .where('m.group_id', '=', groupId)
      .orderBy('user.name')
      .orderBy('user.id')
      .execute();
    return rows.map(userFromRow);
  }
}
