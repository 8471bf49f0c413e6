// Trusts (keystone/trust/core.py): a trustor delegates roles they hold on a project to a
// trustee, optionally letting the trustee act as them (impersonation), for a limited number
// of tokens or time, and optionally letting the trustee delegate further (redelegation).
import type { Trust, TrustDriver } from '../storage/types.ts';
import { ForbiddenError, NotFoundError, ValidationError, findOrNull } from '../errors.ts';
import type { AssignmentManager } from '../assignment/assignment-manager.ts';
import type { IdentityManager } from '../identity/identity-manager.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';
import { newId } from '../ids.ts';

/** A trust as asked for: the manager decides its id, parent and remaining redelegation depth. */
export type TrustInput = Omit<Trust, 'id' | 'redelegatedTrustId' | 'redelegationCount'> & {
  allowRedelegation: boolean;
  /** As asked for; null to take the default ([trust] max_redelegation_count, or the parent's less one). */
  redelegationCount: number | null;
};

export interface TrustManagerDeps {
  identity: IdentityManager;
  resource: ResourceManager;
  assignment: AssignmentManager;
}

export interface TrustOptions {
  /** [trust] max_redelegation_count. */
  maxRedelegationCount: number;
}

export class TrustManager {
  readonly #driver: TrustDriver;
  readonly #deps: TrustManagerDeps;
  readonly #options: TrustOptions;

  constructor(driver: TrustDriver, deps: TrustManagerDeps, options: TrustOptions) {
    this.#driver = driver;
    this.#deps = deps;
    this.#options = options;
  }

  /**
   * A usable trust: not expired, not used up (both 404, as Keystone hides them), and, when
   * redelegated, a valid chain whose trustees are all enabled (403 otherwise).
   */
  async get(id: string, now = Date.now() / 1000): Promise<Trust> {
    const trust = await this.#driver.getTrust(id);
    const expired = trust.expiresAt !== null && now > trust.expiresAt;
    if (expired || (trust.remainingUses !== null && trust.remainingUses <= 0)) throw NotFoundError.entity('trust', id);
    if (trust.redelegatedTrustId !== null) {
      const chain = await this.pedigree(trust);
      for (let i = 1; i < chain.length; i++) {
        const parent = chain[i] as Trust;
        this.#checkRedelegation(parent, chain[i - 1] as Trust);
        const trustee = await findOrNull(() => this.#deps.identity.getUser(parent.trusteeUserId));
        if (trustee === null || !trustee.enabled) throw new ForbiddenError('One of the trust agents is disabled or deleted');
      }
    }
    return trust;
  }

  /** The trust, then the one it was redelegated from, up to the original trust. */
  async pedigree(trust: Trust): Promise<Trust[]> {
    const chain = [trust];
    let current = trust;
    while (current.redelegatedTrustId !== null) {
      current = await this.#driver.getTrust(current.redelegatedTrustId);
      chain.push(current);
    }
    return chain;
  }

  list(filter: { trustorUserId?: string; trusteeUserId?: string } = {}): Promise<Trust[]> {
    return this.#driver.listTrusts(filter);
  }

  /**
   * Creates a trust, from `redelegatedFrom` when the caller holds a trust-scoped token. The
   * roles must be the trustor's (the original trustor's, down a chain) on the project.
   */
  async create(input: TrustInput, redelegatedFrom: Trust | null): Promise<Trust> {
    const { identity, resource, assignment } = this.#deps;
    await identity.getUser(input.trusteeUserId);
    const held = new Set<string>();
    if (input.projectId !== null) {
      const project = await resource.getProject(input.projectId);
      const original = redelegatedFrom === null ? null : (await this.pedigree(redelegatedFrom)).at(-1);
      for (const id of await assignment.roleIdsOnProject(original?.trustorUserId ?? input.trustorUserId, project)) held.add(id);
    }
    const missing = input.roleIds.find((id) => !held.has(id));
    if (missing !== undefined) throw NotFoundError.entity('role', missing);

    const max = this.#options.maxRedelegationCount;
    const redelegatable = input.allowRedelegation && input.redelegationCount !== 0;
    let count = input.redelegationCount;
    if (!redelegatable) {
      count = 0;
    } else {
      if (count !== null && count > max) {
        throw new ForbiddenError(`Requested redelegation depth of ${count} is greater than allowed ${max}`);
      }
      if (input.remainingUses !== null) throw new ValidationError('remaining_uses must not be set if redelegation is allowed');
    }
    const trust: Trust = {
      id: newId(),
      trustorUserId: input.trustorUserId,
      trusteeUserId: input.trusteeUserId,
      projectId: input.projectId,
      impersonation: input.impersonation,
      expiresAt: input.expiresAt,
      remainingUses: input.remainingUses,
      redelegatedTrustId: null,
      redelegationCount: count ?? max,
      roleIds: input.roleIds,
      extra: input.extra,
    };
    if (redelegatedFrom !== null) {
      const remaining = redelegatedFrom.redelegationCount - 1;
      if (redelegatable && input.redelegationCount !== null && input.redelegationCount !== remaining) {
        throw new ForbiddenError('Modifying "redelegation_count" upon redelegation is forbidden. Omitting this parameter is advised.');
      }
      trust.redelegatedTrustId = redelegatedFrom.id;
      trust.redelegationCount = count ?? remaining;
      // A redelegated trust without an expiry takes its parent's.
      if (trust.expiresAt === null) trust.expiresAt = redelegatedFrom.expiresAt;
      for (const ancestor of await this.pedigree(redelegatedFrom)) this.#checkRedelegation(ancestor, trust);
    }
    return this.#driver.createTrust(trust);
  }

  /** Keystone's _validate_redelegation: what `child` may take from `parent`. */
  #checkRedelegation(parent: Trust, child: Trust): void {
    const max = this.#options.maxRedelegationCount;
    const depth = parent.redelegationCount;
    if (!(depth > 0 && depth <= max)) {
      throw new ForbiddenError(`Remaining redelegation depth of ${depth} out of allowed range of [0..${max}]`);
    }
    if (child.remainingUses !== null) {
      throw new ForbiddenError(`Field "remaining_uses" is set to ${child.remainingUses} while it must not be set in order to redelegate a trust`);
    }
    if (child.expiresAt !== null && parent.expiresAt !== null && parent.expiresAt < child.expiresAt) {
      throw new ForbiddenError('Requested expiration time is more than redelegated trust can provide');
    }
    const parentRoles = new Set(parent.roleIds);
    if (!child.roleIds.every((id) => parentRoles.has(id))) throw new ForbiddenError('Some of requested roles are not in redelegated trust');
    if (!parent.impersonation && child.impersonation) {
      throw new ForbiddenError(
        `Impersonation is not allowed because redelegated trust does not specify impersonation. Redelegated trust id: ${parent.id}`,
      );
    }
  }

  /**
   * Deletes the trust and, first, every trust redelegated from it (Keystone looks for those
   * among the trustor's own trusts, so it misses them; they become unusable there instead).
   */
  async delete(id: string): Promise<void> {
    await this.#driver.getTrust(id);
    for (const child of await this.#driver.listTrusts({ redelegatedTrustId: id })) {
      await this.delete(child.id).catch((error: unknown) => {
        // Deleted meanwhile by another request: nothing left to do for it.
        if (!(error instanceof NotFoundError)) throw error;
      });
    }
    await this.#driver.deleteTrust(id);
  }

  /** Takes one use when a token is issued from the trust (403 when another request took the last). */
  async consumeUse(id: string): Promise<void> {
    if (!(await this.#driver.consumeTrustUse(id))) throw new ForbiddenError(`No remaining uses for trust: ${id}.`);
  }

  deleteForUser(userId: string): Promise<void> {
    return this.#driver.deleteTrustsForUser(userId);
  }

  deleteForProject(projectId: string): Promise<void> {
    return this.#driver.deleteTrustsForProject(projectId);
  }
}
