// Loading [keystone_authtoken] from a service's INI files, with the checks that span options;
// every failure names file, section and option.
import { ConfigRequiredError, ConfigValueError, defaultGroup, envName, keystoneAuthtokenGroup, loadConfig } from '@baton/config';
import type { KeystoneAuthtokenConfig } from './create.ts';

const SECTION = 'keystone_authtoken';
const REDIS_URL = /^rediss?:\/\//i;

export interface LoadedAuthTokenConfig {
  readonly config: KeystoneAuthtokenConfig;
  /** The service's [DEFAULT] logging options (oslo.log's debug and log_file). */
  readonly logging: { readonly debug: boolean; readonly logFile: string | null };
  readonly warnings: readonly string[];
}

/** Reads the files (later wins), as oslo.config does; `env` may supply OS_KEYSTONE_AUTHTOKEN__* overrides. */
export function loadAuthTokenConfig(files: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): LoadedAuthTokenConfig {
  const { config, warnings } = loadConfig({ files, groups: [defaultGroup, keystoneAuthtokenGroup], env });
  const values = config.keystone_authtoken;
  const source = files[files.length - 1] ?? 'config';
  if (values.password === null) throw new ConfigRequiredError(SECTION, 'password', envName(SECTION, 'password'));
  if (values.username === null && values.user_id === null) {
    throw new ConfigRequiredError(SECTION, 'username', envName(SECTION, 'username'));
  }
  if (values.username !== null && values.user_id === null && values.user_domain_name === null && values.user_domain_id === null) {
    throw new ConfigRequiredError(SECTION, 'user_domain_name', envName(SECTION, 'user_domain_name'));
  }
  const servers = values.memcached_servers ?? [];
  if (servers.some((server) => REDIS_URL.test(server)) && servers.length > 1) {
    throw new ConfigValueError(
      { source, section: SECTION, option: 'memcached_servers' },
      JSON.stringify(servers.join(',')),
      'memcached host:port entries, or a single redis:// URL',
    );
  }
  return { config: values, logging: { debug: config.DEFAULT.debug, logFile: config.DEFAULT.log_file }, warnings };
}
