// Users, groups and passwords (keystone/identity/core.py). Passwords are bcrypt-hashed
// here and nowhere else; disabling a user or changing a password revokes their tokens.
import bcrypt from 'bcrypt';
import type { Group, IdentityDriver, ListFilter, User } from '../storage/types.ts';
import { UnauthorizedError, ValidationError, findOrNull } from '../errors.ts';
import { newId } from '../ids.ts';
import type { RevocationManager } from '../token/revocation-manager.ts';

export interface PasswordOptions {
  /** bcrypt cost ([identity] password_hash_rounds; Keystone's default is 12). */
  rounds: number;
  /** [identity] max_password_length. */
  maxLength: number;
  /** [security_compliance] lockout_failure_attempts (null: never lock) and lockout_duration in seconds. */
  lockoutAttempts?: number | null;
  lockoutDuration?: number;
  /** [security_compliance] password_expires_days (null: never expire). */
  expiresDays?: number | null;
  /** [security_compliance] change_password_upon_first_use. */
  changeUponFirstUse?: boolean;
  /** [security_compliance] password_regex, compiled (sticky: anchored at the start like re.match), and its description. */
  regex?: RegExp | null;
  regexDescription?: string | null;
  /** [security_compliance] unique_last_password_count (0: any password may be reused). */
  uniqueLastCount?: number;
  /** [security_compliance] minimum_password_age, days (0: change at any time). */
  minimumAgeDays?: number;
}

/** Compiles [security_compliance] password_regex once; a bad pattern is a start-up error. */
export function compilePasswordRegex(pattern: string | null): RegExp | null {
  if (pattern === null || pattern === '') return null;
  try {
    return new RegExp(pattern, 'uy');
  } catch (error) {
    throw new TypeError(`[security_compliance] password_regex is not a valid regular expression: ${(error as Error).message}`, { cause: error });
  }
}

const now = (): number => Math.floor(Date.now() / 1000);

export interface UserInput {
  id?: string;
  name: string;
  domainId: string;
  password?: string | null;
  enabled?: boolean;
  defaultProjectId?: string | null;
  extra?: Record<string, unknown>;
  /**
   * The password is the operator's own (bootstrap), so change_password_upon_first_use does
   * not expire it; Keystone's operators set ignore_change_password_upon_first_use for that.
   */
  exemptFromFirstUse?: boolean;
}

export interface UserPatch {
  name?: string;
  password?: string | null;
  enabled?: boolean;
  defaultProjectId?: string | null;
  extra?: Record<string, unknown>;
  exemptFromFirstUse?: boolean;
}

export interface GroupInput {
  id?: string;
  name: string;
  domainId: string;
  /** Left out: ''; null is kept (Keystone's setdefault). */
  description?: string | null;
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
    const { regex } = this.#passwords;
    if (regex !== undefined && regex !== null) {
      regex.lastIndex = 0;
      if (!regex.test(password)) {
        throw new ValidationError(`The password does not match the requirements: ${this.#passwords.regexDescription ?? 'None'}.`);
      }
    }
    return bcrypt.hash(password, this.#passwords.rounds);
  }

  /** When a password set now expires: at once when an administrator set it and first use must change it. */
  #expiry(byAdministrator: boolean): number | null {
    if (byAdministrator && this.#passwords.changeUponFirstUse === true) return now();
    const days = this.#passwords.expiresDays;
    return days === undefined || days === null ? null : now() + days * 86400;
  }

  async createUser(input: UserInput): Promise<User> {
    const passwordHash = input.password == null ? null : await this.#hash(input.password);
    return this.#driver.createUser({
      failedAuthCount: 0,
      failedAuthAt: null,
      id: input.id ?? newId(),
      name: input.name,
      domainId: input.domainId,
      enabled: input.enabled ?? true,
      defaultProjectId: input.defaultProjectId ?? null,
      passwordHash,
      passwordExpiresAt: passwordHash === null ? null : this.#expiry(input.exemptFromFirstUse !== true),
      passwordCreatedAt: passwordHash === null ? null : now(),
      passwordSelfService: false,
      passwordHistory: [],
      createdAt: now(),
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

  /** An administrator's update; a password set here counts as set by an administrator. */
  updateUser(id: string, patch: UserPatch): Promise<User> {
    return this.#update(id, patch, true);
  }

  async #update(id: string, patch: UserPatch, byAdministrator: boolean, known?: { user: User; hash: string }): Promise<User> {
    const before = known?.user ?? (await this.#driver.getUser(id));
    const changes: Partial<Omit<User, 'id'>> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.defaultProjectId !== undefined) changes.defaultProjectId = patch.defaultProjectId;
    if (patch.extra !== undefined) changes.extra = { ...before.extra, ...patch.extra };
    if (patch.password !== undefined) {
      changes.passwordHash = patch.password === null ? null : (known?.hash ?? (await this.#hash(patch.password)));
      changes.passwordExpiresAt = patch.password === null ? null : this.#expiry(byAdministrator && patch.exemptFromFirstUse !== true);
      changes.passwordCreatedAt = patch.password === null ? null : now();
      changes.passwordSelfService = !byAdministrator;
      changes.passwordHistory = this.#history(before);
      changes.failedAuthCount = 0;
      changes.failedAuthAt = null;
    }
    const after = await this.#driver.updateUser(id, changes);
    if ((before.enabled && !after.enabled) || patch.password !== undefined) {
      await this.#revocations.revoke({ userId: id });
    }
    return after;
  }

  /**
   * A user's own password change: the original password must be right (an expired one is
   * accepted, so it can be replaced). Unknown users and users without a password cost the
   * same hash work as known ones, so the answer's timing does not tell them apart.
   */
  async changePassword(id: string, originalPassword: string, password: string): Promise<void> {
    const user = await this.authenticate(await findOrNull(() => this.#driver.getUser(id)), originalPassword, { allowExpired: true });
    // Keystone's order: the password's requirements, then its minimum age, then its history.
    const hash = await this.#hash(password);
    this.#checkMinimumAge(user);
    await this.#checkHistory(user, password);
    await this.#update(id, { password }, false, { user, hash });
  }

  /** The hashes to keep when the current password is replaced: unique_last_password_count of them (at least one), as Keystone keeps. */
  #history(user: User): string[] {
    const hashes = user.passwordHash === null ? user.passwordHistory : [...user.passwordHistory, user.passwordHash];
    return hashes.slice(-Math.max(this.#passwords.uniqueLastCount ?? 0, 1));
  }

  /** minimum_password_age applies only to a password its user set (an administrator's reset can be changed at once). */
  #checkMinimumAge(user: User): void {
    const days = this.#passwords.minimumAgeDays ?? 0;
    if (days === 0 || !user.passwordSelfService || user.passwordCreatedAt === null) return;
    // Milliseconds, so a password set this second has less than `days` left, as Keystone's microseconds give.
    const left = (user.passwordCreatedAt + days * 86400) * 1000 - Date.now();
    if (left <= 0) return;
    throw new ValidationError(
      'You cannot change your password at this time due to the minimum password age. Once you change your ' +
        `password, it must be used for ${days} day(s) before it can be changed. Please try again in ` +
        `${Math.floor(left / 86_400_000)} day(s) or contact your administrator to reset your password.`,
    );
  }

  /** The new password must differ from the current one and the ones before it, unique_last_password_count in all. */
  async #checkHistory(user: User, password: string): Promise<void> {
    const count = this.#passwords.uniqueLastCount ?? 0;
    if (count === 0) return;
    const recent = [...user.passwordHistory, ...(user.passwordHash === null ? [] : [user.passwordHash])].slice(-count);
    const reused = await Promise.all(recent.map((hash) => bcrypt.compare(password, hash)));
    if (reused.includes(true)) {
      throw new ValidationError(
        'The new password cannot be identical to a previous password. The total number which includes the ' +
          `new password must be unique is ${count}.`,
      );
    }
  }

  async deleteUser(id: string): Promise<void> {
    await this.#driver.deleteUser(id);
    await this.#revocations.revoke({ userId: id });
  }

  /**
   * The user whose password this is, or UnauthorizedError. An unknown user, a wrong password
   * and a disabled user get Keystone's generic message; a locked account and an expired
   * password get Keystone's own messages (AccountLocked, PasswordExpired), in its order:
   * lock, password, enabled, expiry.
   */
  async authenticate(user: User | null, password: string, options: { allowExpired?: boolean } = {}): Promise<User> {
    if (user !== null && (await this.#locked(user))) throw new UnauthorizedError(`The account is locked for user: ${user.id}.`);
    const ok = await this.#matches(user, password);
    const invalid = { debugMessage: 'Invalid username or password' };
    if (user === null) throw new UnauthorizedError(undefined, invalid);
    if (!ok) {
      await this.#recordFailure(user);
      throw new UnauthorizedError(undefined, invalid);
    }
    if (!user.enabled) throw new UnauthorizedError(undefined, { debugMessage: `The account is disabled for user: ${user.id}` });
    if (options.allowExpired !== true && user.passwordExpiresAt !== null && user.passwordExpiresAt <= now()) {
      throw new UnauthorizedError(`The password is expired and needs to be changed for user: ${user.id}.`);
    }
    if (user.failedAuthCount > 0) await this.#driver.updateUser(user.id, { failedAuthCount: 0, failedAuthAt: null });
    return user;
  }

  /** Keystone's _is_account_locked: locked while the failures reach the limit and the duration has not passed. */
  async #locked(user: User): Promise<boolean> {
    const attempts = this.#passwords.lockoutAttempts;
    if (attempts === undefined || attempts === null || user.failedAuthCount < attempts) return false;
    if ((user.failedAuthAt ?? 0) + (this.#passwords.lockoutDuration ?? 1800) > now()) return true;
    await this.#driver.updateUser(user.id, { failedAuthCount: 0, failedAuthAt: null });
    user.failedAuthCount = 0;
    return false;
  }

  /** Counted only while lockout is configured: each count is a write, which drops this node's memos. */
  async #recordFailure(user: User): Promise<void> {
    if (this.#passwords.lockoutAttempts === undefined || this.#passwords.lockoutAttempts === null) return;
    await this.#driver.updateUser(user.id, { failedAuthCount: user.failedAuthCount + 1, failedAuthAt: now() });
  }

  /**
   * bcrypt at the configured cost at least once, whatever the user: an unknown user, one
   * without a password, or one whose hash has a lower cost also hash against a dummy.
   */
  async #matches(user: User | null, password: string): Promise<boolean> {
    const hash = user?.passwordHash ?? null;
    if (hash === null) {
      await bcrypt.compare(password, await this.#dummy());
      return false;
    }
    const [ok] = await Promise.all([
      bcrypt.compare(password, hash),
      bcrypt.getRounds(hash) < this.#passwords.rounds ? bcrypt.compare(password, await this.#dummy()) : Promise.resolve(false),
    ]);
    return ok;
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
      description: input.description === undefined ? '' : input.description,
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
