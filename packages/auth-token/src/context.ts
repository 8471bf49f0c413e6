// The typed request context the adapters hand to route code.
import type { TokenData } from './token-data.ts';

export type IdentityStatus = 'Confirmed' | 'Invalid';

export interface TokenIdentity {
  readonly userId: string;
  readonly userName: string | null;
  readonly userDomainId: string | null;
  readonly userDomainName: string | null;
  readonly projectId: string | null;
  readonly projectName: string | null;
  readonly projectDomainId: string | null;
  readonly projectDomainName: string | null;
  readonly domainId: string | null;
  readonly domainName: string | null;
  readonly systemScope: 'all' | null;
  readonly roles: readonly string[];
  readonly expiresAt: Date;
  readonly isAdminProject: boolean;
}

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
  return Object.freeze({
    userId: data.userId,
    userName: data.userName,
    userDomainId: data.userDomainId,
    userDomainName: data.userDomainName,
    projectId: data.projectId,
    projectName: data.projectName,
    projectDomainId: data.projectDomainId,
    projectDomainName: data.projectDomainName,
    domainId: data.domainId,
    domainName: data.domainName,
    systemScope: data.systemScope,
    roles: Object.freeze([...data.roles]),
    expiresAt: new Date(data.expiresAt),
    isAdminProject: data.isAdminProject,
  });
}
