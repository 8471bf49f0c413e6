// What a Keystone Fernet token says, one variant per scope. The kinds and their payload
// versions are Keystone's (keystone/token/token_formatters.py); 4-6
// (federation) are not issued by Baton.

interface PayloadBase {
  userId: string;
  /** Auth method names, e.g. ['password']; decoded highest configured bit first. */
  methods: string[];
  /** Expiry, epoch seconds (a float in the payload). */
  expiresAt: number;
  /** The token's audit id, then its parent's if it was rescoped: 22-char urlsafe base64. */
  auditIds: string[];
}

export interface UnscopedPayload extends PayloadBase {
  kind: 'unscoped';
}
export interface DomainScopedPayload extends PayloadBase {
  kind: 'domain';
  /** A UUID, or `[identity] default_domain_id`; nothing else can be packed. */
  domainId: string;
}
export interface ProjectScopedPayload extends PayloadBase {
  kind: 'project';
  projectId: string;
}
export interface TrustScopedPayload extends PayloadBase {
  kind: 'trust';
  projectId: string;
  /** Must be a UUID: Keystone packs it as bare bytes. */
  trustId: string;
}
export interface SystemScopedPayload extends PayloadBase {
  kind: 'system';
  system: 'all';
}
export interface ApplicationCredentialPayload extends PayloadBase {
  kind: 'application_credential';
  projectId: string;
  applicationCredentialId: string;
}

/** A token got with an OS-OAUTH1 access token: its project and roles are the access token's. */
export interface OAuth1ScopedPayload extends PayloadBase {
  kind: 'oauth1';
  projectId: string;
  accessTokenId: string;
}

export type TokenPayload =
  | UnscopedPayload
  | DomainScopedPayload
  | ProjectScopedPayload
  | TrustScopedPayload
  | SystemScopedPayload
  | ApplicationCredentialPayload
  | OAuth1ScopedPayload;

export type TokenPayloadKind = TokenPayload['kind'];

/** Payload version written for each kind. */
export const PAYLOAD_VERSIONS = {
  unscoped: 0,
  domain: 1,
  project: 2,
  trust: 3,
  oauth1: 7,
  system: 8,
  application_credential: 9,
} as const satisfies Record<TokenPayloadKind, number>;
