import { runCommand } from './processes.ts';
import type { IdentityTarget } from './identity-target.ts';

export const OPENSTACK_CLI = '/usr/bin/openstack';

export type Credentials = { username: string; password: string; project: string };

/** The caller's environment without any OS_* variable, so nothing from the caller's shell leaks in. */
function withoutOsVariables(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('OS_')) env[key] = value;
  return env;
}

/** The client's environment: only our OS_* variables. */
function clientEnv(target: Pick<IdentityTarget, 'url'>, creds: Credentials): NodeJS.ProcessEnv {
  return {
    ...withoutOsVariables(),
    OS_AUTH_URL: target.url,
    OS_USERNAME: creds.username,
    OS_PASSWORD: creds.password,
    OS_PROJECT_NAME: creds.project,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
  };
}

/**
 * Runs `openstack <args>` (python3-openstackclient) against the target. With
 * `json: true` it adds `-f json` and returns the parsed output. A failing command
 * throws with its stderr, which names the HTTP error the client got.
 */
export async function openstack(target: Pick<IdentityTarget, 'url'>, creds: Credentials, args: readonly string[], opts: { json: boolean }): Promise<unknown> {
  const full = opts.json ? [...args, '-f', 'json'] : [...args];
  const result = await runCommand(OPENSTACK_CLI, full, { env: clientEnv(target, creds), timeoutMs: 60_000 });
  if (result.code !== 0) {
    throw new Error(`openstack ${full.join(' ')} exited with ${String(result.code)}:\n${result.stderr.slice(-2000)}`);
  }
  return opts.json ? (JSON.parse(result.stdout) as unknown) : result.stdout;
}

/**
 * Runs `openstack --os-cloud <cloud> <args>` with a clouds.yaml (as `baton up` writes it) and
 * nothing else from the caller's OS_* environment; `json` adds `-f json` and parses the output.
 */
export async function openstackCloud(cloudsYaml: string, cloud: string, args: readonly string[], opts: { json: boolean }): Promise<unknown> {
  const full = ['--os-cloud', cloud, ...args, ...(opts.json ? ['-f', 'json'] : [])];
  const result = await runCommand(OPENSTACK_CLI, full, { env: { ...withoutOsVariables(), OS_CLIENT_CONFIG_FILE: cloudsYaml }, timeoutMs: 90_000 });
  if (result.code !== 0) throw new Error(`openstack ${full.join(' ')} exited with ${String(result.code)}:\n${result.stderr.slice(-2000)}`);
  return opts.json ? (JSON.parse(result.stdout) as unknown) : result.stdout;
}
