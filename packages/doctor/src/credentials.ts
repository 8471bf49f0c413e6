// The admin's credentials, found the way the openstack CLI finds them: a named cloud in
// clouds.yaml (OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack, /etc/openstack),
// overridden by OS_* variables, overridden by --os-* options.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PasswordAuthOptions } from '@baton/session';
import { CredentialsError } from './errors.ts';

/** The --os-* options the doctor takes, by their clouds.yaml `auth` key. */
export const CREDENTIAL_KEYS = [
  'auth_url',
  'username',
  'user_id',
  'password',
  'project_name',
  'project_id',
  'user_domain_name',
  'user_domain_id',
  'project_domain_name',
  'project_domain_id',
] as const;

export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];
export type CredentialValues = Partial<Record<CredentialKey, string>>;

export interface CredentialSources {
  /** --os-cloud, else OS_CLOUD. */
  readonly cloud?: string | undefined;
  /** Values of --os-auth-url, --os-username, … */
  readonly flags: CredentialValues;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type Resolved =
  | { readonly kind: 'password'; readonly options: PasswordAuthOptions }
  /** Nothing (or not enough) was given: `missing` names what is lacking. */
  | { readonly kind: 'none'; readonly missing: readonly string[] };

export function cloudsYamlPaths(env: CredentialSources['env']): string[] {
  const explicit = env['OS_CLIENT_CONFIG_FILE'];
  const standard = [join(process.cwd(), 'clouds.yaml'), join(homedir(), '.config', 'openstack', 'clouds.yaml'), '/etc/openstack/clouds.yaml'];
  return explicit === undefined || explicit === '' ? standard : [explicit, ...standard];
}

export function resolveCredentials(sources: CredentialSources): Resolved {
  const cloudName = sources.cloud ?? sources.env['OS_CLOUD'];
  const fromCloud = cloudName === undefined || cloudName === '' ? {} : cloudAuth(cloudName, cloudsYamlPaths(sources.env));
  const fromEnv: CredentialValues = {};
  for (const key of CREDENTIAL_KEYS) {
    const value = sources.env[`OS_${key.toUpperCase()}`];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const v: CredentialValues = { ...fromCloud, ...fromEnv, ...definedOnly(sources.flags) };
  const missing = [
    v.auth_url === undefined ? '--os-auth-url' : undefined,
    v.username === undefined && v.user_id === undefined ? '--os-username' : undefined,
    v.password === undefined ? '--os-password' : undefined,
    v.project_name === undefined && v.project_id === undefined ? '--os-project-name' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0) return { kind: 'none', missing };
  // The openstack CLI's --os-default-domain is `default`: it stands in for an unnamed domain.
  const userDomain = v.user_domain_id === undefined && v.user_domain_name === undefined ? { userDomainId: 'default' } : {};
  const projectDomain = v.project_domain_id === undefined && v.project_domain_name === undefined ? { projectDomainId: 'default' } : {};
  return {
    kind: 'password',
    options: {
      authUrl: v.auth_url as string,
      password: v.password as string,
      ...(v.user_id !== undefined ? { userId: v.user_id } : { username: v.username as string, userDomainId: v.user_domain_id, userDomainName: v.user_domain_name, ...userDomain }),
      ...(v.project_id !== undefined
        ? { projectId: v.project_id }
        : { projectName: v.project_name as string, projectDomainId: v.project_domain_id, projectDomainName: v.project_domain_name, ...projectDomain }),
    },
  };
}

function definedOnly(values: CredentialValues): CredentialValues {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '')) as CredentialValues;
}

function cloudAuth(name: string, paths: readonly string[]): CredentialValues {
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new CredentialsError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      throw new CredentialsError(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    const cloud = (doc as { clouds?: Record<string, unknown> } | null)?.clouds?.[name];
    if (cloud === undefined) continue;
    if (typeof cloud !== 'object' || cloud === null) throw new CredentialsError(`${path}: clouds.${name} is not a mapping`);
    const { auth, auth_type: authType } = cloud as { auth?: unknown; auth_type?: unknown };
    if (authType !== undefined && authType !== 'password' && authType !== 'v3password') {
      throw new CredentialsError(`${path}: clouds.${name}.auth_type ${JSON.stringify(authType)} is not supported; the doctor needs password credentials`);
    }
    if (typeof auth !== 'object' || auth === null) throw new CredentialsError(`${path}: clouds.${name} has no auth mapping`);
    const values: CredentialValues = {};
    for (const key of CREDENTIAL_KEYS) {
      const value = (auth as Record<string, unknown>)[key];
      if (typeof value === 'string' || typeof value === 'number') values[key] = String(value);
    }
    return values;
  }
  throw new CredentialsError(`cloud ${JSON.stringify(name)} not found in ${paths.join(', ')}`);
}
