// What the doctor reports: one finding per misconfiguration, typed so that the CLI and
// automation (`--format json`) read the same fields.

export type Severity = 'error' | 'warning';

/** Where the operator has to look: a file, a section and option in it, or a user in identity. */
export interface FindingLocation {
  readonly file?: string;
  readonly section?: string;
  readonly option?: string;
  readonly user?: string;
}

export interface Finding {
  /** Stable kebab-case id, documented in docs/doctor.md. */
  readonly id: FindingId;
  readonly severity: Severity;
  readonly location: FindingLocation;
  /** Why it matters, in one sentence. */
  readonly why: string;
  /** The exact fix: the line to write or the command to run. */
  readonly fix: string;
}

export const FINDING_IDS = [
  // the doctor's own input
  'file-unreadable',
  'file-malformed',
  'file-not-service-config',
  'option-invalid',
  'identity-not-checked',
  'identity-unreachable',
  'admin-credentials-rejected',
  // source services: [service_user]
  'service-user-missing',
  'service-user-incomplete',
  'send-service-user-token-false',
  'service-user-auth-failed',
  'service-user-lacks-service-role',
  // receiving services: [keystone_authtoken]
  'service-token-roles-not-required',
  'service-token-roles-empty',
  'service-token-role-missing',
  'service-token-role-case',
  'authtoken-incomplete',
  'authtoken-auth-failed',
  'authtoken-cannot-validate',
  // identity
  'allow-expired-window-shorter-than-job',
  'allow-expired-window-too-low',
  'fernet-max-active-keys-too-low',
  'fernet-rotation-too-fast',
  'token-expiration-too-long',
  'key-repository-missing',
  'key-repository-no-primary',
  'key-repository-no-staged',
  'key-repository-invalid-key',
  'key-repository-permissions',
  'key-repository-owner',
  'key-repositories-differ',
] as const;

export type FindingId = (typeof FINDING_IDS)[number];

/** 0 clean, 1 warnings only, 2 any error: the exit status of `baton doctor`. */
export function exitCodeOf(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.severity === 'error')) return 2;
  return findings.length > 0 ? 1 : 0;
}

/** `file [section] option (user x)`, the way the table and messages name a location. */
export function describeLocation(location: FindingLocation): string {
  const parts = [
    location.file,
    location.section === undefined ? undefined : `[${location.section}]`,
    location.option,
    location.user === undefined ? undefined : `user ${location.user}`,
  ].filter((p): p is string => p !== undefined);
  return parts.length === 0 ? 'identity' : parts.join(' ');
}
