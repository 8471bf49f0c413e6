// Typed access to keystone-vectors.json (written by python/generate_vectors.py).
import { readFileSync } from 'node:fs';
import type { TokenPayload } from '@baton/tokens';

export interface KeystoneFields {
  user_id: string;
  methods: string[];
  audit_ids: string[];
  system?: string;
  domain_id?: string;
  project_id?: string;
  trust_id?: string;
  app_cred_id?: string;
  access_token_id?: string;
  issued_at: string;
  expires_at: string;
}

export type DescribedValue =
  | null | boolean | number | string
  | { bin: string } | { float64: number } | { repeat: string; bin: boolean; count: number }
  | DescribedValue[];

export interface Vectors {
  key: string;
  timestamp: number;
  ivHex: string;
  authMethods: string[];
  defaultDomainId: string;
  vectors: { name: string; payload: TokenPayload; plaintextHex: string; token: string; keystone: KeystoneFields }[];
  uuids: { input: string; hex: string | null }[];
  times: { input: number; output: string }[];
  methodMasks: { mask: number; methods: string[] }[];
  msgpack: { input: DescribedValue; hex?: string; sha256?: string }[];
}

export const vectors = JSON.parse(
  readFileSync(new URL('./fixtures/keystone-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

/** What Baton's parse should return for a vector, written in Keystone's normalized terms. */
export function expectedPayload(kind: TokenPayload['kind'], ks: KeystoneFields, expiresAt: number): TokenPayload {
  const base = { userId: ks.user_id, methods: ks.methods, expiresAt, auditIds: ks.audit_ids };
  switch (kind) {
    case 'unscoped': return { kind, ...base };
    case 'domain': return { kind, ...base, domainId: ks.domain_id as string };
    case 'project': return { kind, ...base, projectId: ks.project_id as string };
    case 'trust': return { kind, ...base, projectId: ks.project_id as string, trustId: ks.trust_id as string };
    case 'system': return { kind, ...base, system: 'all' };
    case 'oauth1': return { kind, ...base, projectId: ks.project_id as string, accessTokenId: ks.access_token_id as string };
    case 'application_credential':
      return { kind, ...base, projectId: ks.project_id as string, applicationCredentialId: ks.app_cred_id as string };
  }
}
