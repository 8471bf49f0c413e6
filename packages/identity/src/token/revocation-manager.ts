// Revocation events (keystone/revoke/core.py, keystone/models/revoke_model.py): a token
// is revoked when an event issued at or after the token names its user, project,
// domain or audit id.
import type { RevocationEvent, RevokeDriver } from '../storage/types.ts';
import type { CacheRegion } from '../cache.ts';

export interface RevocationTarget {
  userId?: string;
  projectId?: string;
  domainId?: string;
  auditId?: string;
  auditChainId?: string;
}

/** The fields of a token that events are matched against. */
export interface RevocableToken {
  userId: string;
  userDomainId: string;
  projectId: string | null;
  /** The project's domain for project scope, the domain itself for domain scope. */
  scopeDomainId: string | null;
  auditIds: readonly string[];
  issuedAt: number;
}

export interface RevocationOptions {
  expiration: number;
  allowExpiredWindow: number;
  expirationBuffer: number;
}

export class RevocationManager {
  readonly #driver: RevokeDriver;
  readonly #retention: number;
  /** [revoke] caching: used only with a shared backend, so a revoke elsewhere is still seen at once. */
  readonly #cached: CacheRegion<RevocationEvents>;

  constructor(driver: RevokeDriver, cached: CacheRegion<RevocationEvents>, options: RevocationOptions) {
    this.#driver = driver;
    this.#cached = cached;
    // Keystone prunes after expiration + expiration_buffer, which lets a revoked token
    // validate again under allow_expired once its event is gone (spec G.7). Keeping
    // events for the whole allow_expired window closes that hole.
    this.#retention = options.expiration + options.allowExpiredWindow + options.expirationBuffer;
  }

  async revoke(target: RevocationTarget): Promise<void> {
    // Second precision, as Keystone stores it: a token minted in the same second as
    // the event is revoked too (issued_before >= issued_at).
    const now = Math.floor(Date.now() / 1000);
    const event: RevocationEvent = {
      userId: target.userId ?? null,
      projectId: target.projectId ?? null,
      domainId: target.domainId ?? null,
      roleId: null,
      trustId: null,
      auditId: target.auditId ?? null,
      auditChainId: target.auditChainId ?? null,
      expiresAt: null,
      revokedAt: now,
      issuedBefore: now,
    };
    await this.#driver.addEvent(event, now - this.#retention);
  }

  /**
   * The events that can revoke a token issued at or after `issuedAt`, read now: one read
   * serves every token of a request (caller and subject) without being stale for either.
   */
  eventsSince(issuedAt: number): Promise<RevocationEvents> {
    const since = Math.floor(issuedAt);
    return this.#cached.get(String(since), async () => new RevocationEvents(since, await this.#driver.listEventsSince(since)));
  }
}

export class RevocationEvents {
  /** Every event with issuedBefore >= since is in `#events`. */
  readonly since: number;
  readonly #events: readonly RevocationEvent[];

  constructor(since: number, events: readonly RevocationEvent[]) {
    this.since = since;
    this.#events = events;
  }

  /** Whether these events are all that can revoke the token. */
  covers(token: RevocableToken): boolean {
    return Math.floor(token.issuedAt) >= this.since;
  }

  isRevoked(token: RevocableToken): boolean {
    if (!this.covers(token)) throw new RangeError(`revocation events since ${this.since} do not cover a token issued at ${token.issuedAt}`);
    const issuedAt = Math.floor(token.issuedAt);
    return this.#events.some((event) => event.issuedBefore >= issuedAt && matches(event, token));
  }
}

function matches(event: RevocationEvent, token: RevocableToken): boolean {
  if (event.userId !== null && event.userId !== token.userId) return false;
  if (event.projectId !== null && event.projectId !== token.projectId) return false;
  if (
    event.domainId !== null &&
    event.domainId !== token.userDomainId &&
    event.domainId !== token.scopeDomainId
  ) {
    return false;
  }
  if (event.auditId !== null && event.auditId !== token.auditIds[0]) return false;
  if (event.auditChainId !== null && event.auditChainId !== token.auditIds.at(-1)) return false;
  return true;
}
