// The doctor: reads the deployment's files, asks identity what it can, and returns every
// finding. `diagnose` is the checker proper (parsed files + an identity client in, findings
// out); `runDoctor` is what the CLI calls with paths and credentials.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { resolveCredentials, type CredentialSources } from './credentials.ts';
import { CredentialsError } from './errors.ts';
import { parseDuration } from './duration.ts';
import { readIdentityFile, readServiceFile, type IdentityConfig, type ServiceConfig } from './files.ts';
import type { Finding } from './findings.ts';
import { checkIdentity, checkNodesAgree, type IdentityLimits } from './identity-checks.ts';
import { failureOf, SessionIdentityClient, type IdentityClient } from './identity-client.ts';
import { checkLive } from './live-checks.ts';
import { checkReceiver, checkSource } from './service-checks.ts';

export interface DoctorInput {
  /** One keystone.conf per identity node. */
  readonly identity: readonly IdentityConfig[];
  readonly services: readonly ServiceConfig[];
  readonly limits: IdentityLimits;
}

/** How the identity service can be asked: `admin` false when no admin credentials were given. */
export interface IdentityAccess {
  readonly client: IdentityClient;
  readonly admin: boolean;
}

/** The default `--max-token-expiration`: a day. Keystone's default expiration is an hour. */
export const DEFAULT_MAX_EXPIRATION = parseDuration('1d');

export async function diagnose(input: DoctorInput, identity: IdentityAccess): Promise<Finding[]> {
  const findings: Finding[] = [];
  const nodes: { config: IdentityConfig; keys: ReadonlyMap<number, string> }[] = [];
  for (const config of input.identity) {
    const checked = checkIdentity(config, input.limits);
    findings.push(...checked.findings);
    if (checked.keys !== null) nodes.push({ config, keys: checked.keys });
  }
  findings.push(...checkNodesAgree(nodes));
  for (const service of input.services) findings.push(...checkSource(service), ...checkReceiver(service));

  let admin = identity.admin;
  if (admin) {
    try {
      await identity.client.adminAccess();
    } catch (error) {
      admin = false;
      const failure = failureOf(error);
      findings.push(failure.kind === 'unreachable'
        ? { id: 'identity-unreachable', severity: 'error', location: {}, why: `The identity service did not answer (${failure.detail}), so users, roles and credentials were not checked.`, fix: 'Start the identity service, or pass its URL: --os-auth-url http://HOST:5000/v3' }
        : { id: 'admin-credentials-rejected', severity: 'error', location: {}, why: `Identity refused the admin credentials (${failure.detail}), so roles were not checked.`, fix: 'Pass working admin credentials: --os-cloud NAME, the OS_* variables of an admin openrc, or --os-username/--os-password/--os-project-name.' });
    }
  }
  if (input.services.length > 0) {
    try {
      findings.push(...(await checkLive(input.services, identity.client, admin)));
    } catch (error) {
      // Something that answers at the auth URL but is not an identity service (HTML, a proxy's error page).
      if (!(error instanceof Error)) throw error;
      findings.push({ id: 'identity-unreachable', severity: 'error', location: {}, why: `Identity gave an answer the doctor could not use (${error.message}), so users and roles were not checked.`, fix: 'Check that --os-auth-url and the services\' auth_url point at the Identity API v3, e.g. http://HOST:5000/v3' });
    }
  }
  return findings;
}

export interface DoctorRequest {
  /** --config, repeated: one keystone.conf per identity node. */
  readonly configs: readonly string[];
  /** --service FILE or --service name=FILE, repeated. */
  readonly services: readonly { readonly file: string; readonly name?: string | undefined }[];
  /** --data-dir: the files a `baton up` deployment writes. */
  readonly dataDir?: string | undefined;
  readonly credentials: CredentialSources;
  readonly limits: IdentityLimits;
}

/** The files a `baton up` deployment writes in its directory; a missing one is not deployed. */
export const DATA_DIR_SERVICE_FILES = ['nova.conf', 'cinder.conf', 'glance-api.conf', 'neutron.conf'] as const;

export async function runDoctor(request: DoctorRequest): Promise<Finding[]> {
  const findings: Finding[] = [];
  const configs = [...request.configs];
  const services = [...request.services];
  if (request.dataDir !== undefined) {
    const dir = request.dataDir;
    if (!isDirectory(dir)) {
      findings.push({ id: 'file-unreadable', severity: 'error', location: { file: dir }, why: `${dir} is not a directory, so no deployment was found there.`, fix: 'Pass the directory `baton up` keeps its state in: --data-dir .baton' });
    } else {
      if (existsSync(join(dir, 'keystone.conf'))) configs.push(join(dir, 'keystone.conf'));
      services.push(...DATA_DIR_SERVICE_FILES.map((f) => ({ file: join(dir, f) })).filter((s) => existsSync(s.file)));
    }
  }
  const identity: IdentityConfig[] = [];
  for (const file of configs) {
    const read = readIdentityFile(file);
    findings.push(...read.findings);
    if (read.config !== null) identity.push(read.config);
  }
  const parsed: ServiceConfig[] = [];
  for (const service of services) {
    const read = readServiceFile(service.file, service.name);
    findings.push(...read.findings);
    if (read.config !== null) parsed.push(read.config);
  }
  let resolved;
  try {
    resolved = resolveCredentials(request.credentials);
  } catch (error) {
    if (!(error instanceof CredentialsError)) throw error;
    findings.push({ id: 'admin-credentials-rejected', severity: 'error', location: {}, why: `The admin credentials could not be read: ${error.message}.`, fix: 'Name a cloud that clouds.yaml defines (--os-cloud), or pass --os-auth-url, --os-username, --os-password and --os-project-name.' });
    resolved = null;
  }
  if (resolved?.kind === 'none') {
    findings.push({
      id: 'identity-not-checked',
      severity: 'warning',
      location: {},
      why: `No admin credentials (missing ${resolved.missing.join(', ')}), so the roles the services need were not checked in identity.`,
      fix: 'Pass admin credentials as for the openstack CLI: --os-cloud NAME, or source an admin openrc (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, …).',
    });
  }
  const admin = resolved?.kind === 'password' ? resolved.options : null;
  findings.push(...(await diagnose({ identity, services: parsed, limits: request.limits }, { client: new SessionIdentityClient(admin), admin: admin !== null })));
  return findings;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
