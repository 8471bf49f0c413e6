// The typed request context the adapters hand to route code.
import type { TokenData } from './token-data.ts';

export type IdentityStatus = 'Confirmed' | 'Invalid';

/** Who a confirmed token names: the token's data without the catalog and access rules, expiry as a Date. */
export interface TokenIdentity extends Omit<TokenData, 'expiresAt' | 'catalog' | 'accessRules'> {
  readonly expiresAt: Date;
}

/**
 * Frozen, and shared by every request that carries the same tokens with the same verdict (the
 * middleware builds it once per cached token): read it, never mutate it, Dates included.
 */
export interface AuthContext {
  /** X-Identity-Status: Confirmed only for a valid user token the request may use. */
  readonly identityStatus: IdentityStatus;
  /** X-Service-Identity-Status, or null when no X-Service-Token was sent. */
  readonly serviceIdentityStatus: IdentityStatus | null;
  readonly user: TokenIdentity | null;
  readonly service: TokenIdentity | null;
  /** A confirmed service token carrying one of service_token_roles came with the request. */
  readonly isService: boolean;
  /** The user token's expiry (null without a confirmed user). */
  readonly expiresAt: Date | null;
  /** The user token is past its expiry and was accepted through allow_expired. */
  readonly userTokenExpired: boolean;
  /** The configured service_token_roles, for the service-only check. */
  readonly serviceTokenRoles: readonly string[];
}

export function toIdentity(data: TokenData): TokenIdentity {
  const { catalog: _catalog, accessRules: _accessRules, expiresAt, roles, ...identity } = data;
  return Object.freeze({ ...identity, roles: Object.freeze([...roles]), expiresAt: new Date(expiresAt) });
}
