// @baton/doctor: finds every service-token misconfiguration of a deployment (identity's
// keystone.conf and key repository, the services' [service_user] and [keystone_authtoken],
// the users and roles in identity) and says why each matters and how to fix it.
export { diagnose, runDoctor, DATA_DIR_SERVICE_FILES, DEFAULT_MAX_EXPIRATION } from './doctor.ts';
export type { DoctorInput, DoctorRequest, IdentityAccess } from './doctor.ts';
export { FINDING_IDS, describeLocation, exitCodeOf } from './findings.ts';
export type { Finding, FindingId, FindingLocation, Severity } from './findings.ts';
export { readIdentityFile, readServiceFile, serviceNameOf } from './files.ts';
export type { IdentityConfig, Read, ServiceConfig } from './files.ts';
export { LOW_ALLOW_EXPIRED_WINDOW } from './identity-checks.ts';
export type { IdentityLimits } from './identity-checks.ts';
export { SessionIdentityClient } from './identity-client.ts';
export type { IdentityClient, RoleAssignment } from './identity-client.ts';
export { CREDENTIAL_KEYS, cloudsYamlPaths, resolveCredentials } from './credentials.ts';
export { CredentialsError } from './errors.ts';
export type { DoctorErrorCode } from './errors.ts';
export * as errors from './errors.ts';
export type { CredentialKey, CredentialSources, CredentialValues, Resolved } from './credentials.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { renderJson, renderTable, wantsColor } from './render.ts';
