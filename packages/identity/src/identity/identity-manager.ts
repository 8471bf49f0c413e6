// Users, groups and passwords (keystone/identity/core.py). Passwords are bcrypt-hashed
// here and nowhere else; disabling a user or changing a password revokes their tokens.
import bcrypt from 'bcrypt';
import type { Group, IdentityDriver, ListFilter, User } from '../storage/types.ts';
import { UnauthorizedError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { RevocationManager } from '../token/revocation-manager.ts';

export interface PasswordOptions {
  /** bcrypt cost ([identity] password_hash_rounds; Keystone's default is 12). */
  rounds: number;
  /** [identity] max_password_length. */
  maxLength: number;
}

export interface UserInput {
  id?: string;
  name: string;
  domainId: string;
  password?: string | null;
  enabled?: boolean;
  defaultProjectId?: string | null;
  extra?: Record<string, unknown>;
}

export interface UserPatch {
  name?: string;
  password?: string | null;
  enabled?: boolean;
  defaultProjectId?: string | null;
  extra?: Record<string, unknown>;
}

export interface GroupInput {
  id?: string;
  name: string;
  domainId: string;
  description?: string;
  extra?: Record<string, unknown>;
}

export class IdentityManager {
  readonly #driver: IdentityDriver;
  readonly #revocations: RevocationManager;
  readonly #passwords: PasswordOptions;
  /** Compared against when the user is unknown, so timing does not reveal which users exist. */
  #dummyHash: Promise<string> | undefined;

  constructor(driver: IdentityDriver, revocations: RevocationManager, passwords: PasswordOptions) {
    this.#driver = driver;
    this.#revocations = revocations;
    this.#passwords = passwords;
  }

  async #hash(password: string): Promise<string> {
    if (password.length > this.#passwords.maxLength) {
      throw new ValidationError(
        `Invalid input for field 'password': the password is longer than ${this.#passwords.maxLength} characters.`,
      );
    }
    return bcrypt.hash(password, this.#passwords.rounds);
  }

  async createUser(input: UserInput): Promise<User> {
    const passwordHash = input.password == null ? null : await this.#hash(input.password);
    return this.#driver.createUser({
      id: input.id ?? newId(),
      name: input.name,
      domainId: input.domainId,
      enabled: input.enabled ?? true,
      defaultProjectId: input.defaultProjectId ?? null,
      passwordHash,
      passwordExpiresAt: null,
      createdAt: Math.floor(Date.now() / 1000),
      extra: input.extra ?? {},
    });
  }

  getUser(id: string): Promise<User> {
    return this.#driver.getUser(id);
  }

  getUserByName(name: string, domainId: string): Promise<User> {
    return this.#driver.getUserByName(name, domainId);
  }

  listUsers(filter?: ListFilter): Promise<User[]> {
    return this.#driver.listUsers(filter);
  }

  async updateUser(id: string, patch: UserPatch): Promise<User> {
    const before = await this.#driver.getUser(id);
    const changes: Partial<Omit<User, 'id'>> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.defaultProjectId !== undefined) changes.defaultProjectId = patch.defaultProjectId;
    if (patch.extra !== undefined) changes.extra = { ...before.extra, ...patch.extra };
    if (patch.password !== undefined) {
      changes.passwordHash = patch.password === null ? null : await this.#hash(patch.password);
    }
    const after = await this.#driver.updateUser(id, changes);
    if ((before.enabled && !after.enabled) || patch.password !== undefined) {
      await this.#revocations.revoke({ userId: id });
    }
    return after;
  }

  /** A user's own password change: the original password must be right. */
  async changePassword(id: string, originalPassword: string, password: string): Promise<void> {
    const user = await this.#driver.getUser(id);
    if (!(await this.#matches(user, originalPassword))) throw new UnauthorizedError();
    await this.updateUser(id, { password });
  }

  async deleteUser(id: string): Promise<void> {
    await this.#driver.deleteUser(id);
    await this.#revocations.revoke({ userId: id });
  }

  /**
   * The user whose password this is, or UnauthorizedError with Keystone's generic
   * message: an unknown user, a wrong password and a disabled user look the same.
   */
  async authenticate(user: User | null, password: string): Promise<User> {
    const ok = user !== null && (await this.#matches(user, password));
    if (user === null) await bcrypt.compare(password, await this.#dummy());
    if (!ok || user === null || !user.enabled) throw new UnauthorizedError();
    return user;
  }

  async #matches(user: User, password: string): Promise<boolean> {
    if (user.passwordHash === null) return false;
    return bcrypt.compare(password, user.passwordHash);
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= bcrypt.hash(newId(), this.#passwords.rounds);
    return this.#dummyHash;
  }

  createGroup(input: GroupInput): Promise<Group> {
    return this.#driver.createGroup({
      id: input.id ?? newId(),
      name: input.name,
      domainId: input.domainId,
      description: input.description ?? '',
      extra: input.extra ?? {},
    });
  }

  getGroup(id: string): Promise<Group> {
    return this.#driver.getGroup(id);
  }

  listGroups(filter?: ListFilter): Promise<Group[]> {
    return this.#driver.listGroups(filter);
  }

  updateGroup(id: string, patch: Partial<Omit<Group, 'id'>>): Promise<Group> {
    return this.#driver.updateGroup(id, patch);
  }

  deleteGroup(id: string): Promise<void> {
    return this.#driver.deleteGroup(id);
  }

  async addUserToGroup(userId: string, groupId: string): Promise<void> {
    await this.#driver.getUser(userId);
    await this.#driver.getGroup(groupId);
    await this.#driver.addUserToGroup(userId, groupId);
  }

  // Roles are recomputed at every validation, so leaving a group needs no revocation.
  removeUserFromGroup(userId: string, groupId: string): Promise<void> {
    return this.#driver.removeUserFromGroup(userId, groupId);
  }

  isUserInGroup(userId: string, groupId: string): Promise<boolean> {
    return this.#driver.isUserInGroup(userId, groupId);
  }

  listGroupsForUser(userId: string): Promise<Group[]> {
    return this.#driver.listGroupsForUser(userId);
  }

  listUsersInGroup(groupId: string): Promise<User[]> {
    return this.#driver.listUsersInGroup(groupId);
  }
}
