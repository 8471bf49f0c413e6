// Application credentials (keystone/application_credential/core.py): a user delegates
// some of their roles on one project to a secret that can authenticate on its own.
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import type { AccessRule, AccessRuleDriver, ApplicationCredential, ApplicationCredentialDriver, User } from '../storage/types.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { newId } from '../ids.ts';

export interface ApplicationCredentialInput {
  name: string;
  userId: string;
  projectId: string;
  description?: string | null;
  secret?: string;
  expiresAt?: number | null;
  unrestricted?: boolean | null;
  roleIds: string[];
  /** Rules by id (an existing rule of the user's) or by service, path and method. */
  accessRules?: { id?: string; service?: string; path?: string; method?: string }[];
}

export class ApplicationCredentialManager {
  readonly #driver: ApplicationCredentialDriver;
  readonly #accessRules: AccessRuleDriver;
  readonly #rounds: number;

  constructor(driver: ApplicationCredentialDriver, accessRules: AccessRuleDriver, rounds: number) {
    this.#driver = driver;
    this.#accessRules = accessRules;
    this.#rounds = rounds;
  }

  /** Creates the credential; the secret is returned once and stored only as a hash. */
  async create(
    input: ApplicationCredentialInput,
    holderRoleIds: readonly string[],
  ): Promise<{ credential: ApplicationCredential; secret: string }> {
    const missing = input.roleIds.filter((id) => !holderRoleIds.includes(id));
    if (missing.length > 0) {
      throw new ForbiddenError(`Cannot delegate roles the user does not have: ${missing.join(', ')}.`);
    }
    const secret = input.secret ?? randomBytes(64).toString('base64url');
    const credential = await this.#driver.createApplicationCredential({
      id: newId(),
      name: input.name,
      userId: input.userId,
      projectId: input.projectId,
      description: input.description ?? null,
      secretHash: await bcrypt.hash(secret, this.#rounds),
      expiresAt: input.expiresAt ?? null,
      unrestricted: input.unrestricted ?? null,
      roleIds: input.roleIds,
      ...(input.accessRules === undefined || input.accessRules.length === 0
        ? {}
        : {
            accessRules: input.accessRules.map((r) => ({
              id: r.id ?? newId(),
              userId: input.userId,
              service: r.service ?? null,
              path: r.path ?? null,
              method: r.method ?? null,
            })),
          }),
    });
    return { credential, secret };
  }

  get(id: string): Promise<ApplicationCredential> {
    return this.#driver.getApplicationCredential(id);
  }

  getByName(name: string, userId: string): Promise<ApplicationCredential> {
    return this.#driver.getApplicationCredentialByName(name, userId);
  }

  list(userId: string, filter?: { name?: string }): Promise<ApplicationCredential[]> {
    return this.#driver.listApplicationCredentials(userId, filter);
  }

  delete(id: string): Promise<void> {
    return this.#driver.deleteApplicationCredential(id);
  }

  /** A deleted user's credentials and access rules go with them. */
  async deleteForUser(userId: string): Promise<void> {
    await this.#driver.deleteApplicationCredentialsForUser(userId);
    await this.#accessRules.deleteAccessRulesForUser(userId);
  }

  getAccessRule(id: string): Promise<AccessRule> {
    return this.#accessRules.getAccessRule(id);
  }

  listAccessRules(userId: string, filter?: { service?: string; path?: string; method?: string }): Promise<AccessRule[]> {
    return this.#accessRules.listAccessRules(userId, filter);
  }

  /** ForbiddenError while a credential uses it. */
  deleteAccessRule(id: string): Promise<void> {
    return this.#accessRules.deleteAccessRule(id);
  }

  /** Checks secret, expiry and the owner's state; failures are all the generic 401. */
  async authenticate(credential: ApplicationCredential, secret: string, owner: User): Promise<void> {
    const ok = await bcrypt.compare(secret, credential.secretHash);
    const expired = credential.expiresAt !== null && credential.expiresAt <= Date.now() / 1000;
    if (!ok || expired || !owner.enabled) throw new UnauthorizedError();
  }
}
