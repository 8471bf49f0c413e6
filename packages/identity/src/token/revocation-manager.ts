// Revocation events (keystone/revoke/core.py, keystone/models/revoke_model.py): a token
// is revoked when an event issued at or after the token names its user, project,
// domain or audit id.
import type { RevocationEvent, RevokeDriver } from '../storage/types.ts';

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

  constructor(driver: RevokeDriver, options: RevocationOptions) {
    this.#driver = driver;
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

  async isRevoked(token: RevocableToken): Promise<boolean> {
    const events = await this.#driver.listEventsSince(Math.floor(token.issuedAt));
    return events.some((event) => matches(event, token));
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
