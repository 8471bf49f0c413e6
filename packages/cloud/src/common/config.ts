// Loading a cloud service's INI file: [DEFAULT], [database], [oslo_middleware], the receiving
// side ([keystone_authtoken], through @baton/auth-token), the sending side ([service_user],
// through @baton/session) and the service's own groups, all checked at start-up. Every
// failure names the file, the section and the option.
import {
  ConfigError,
  defaultGroup,
  defineGroup,
  keystoneAuthtokenGroup,
  loadConfig,
  osloMiddlewareGroup,
  serviceUserGroup,
  strOpt,
  type AnyGroup,
  type ConfigOf,
} from '@baton/config';
import { loadAuthTokenConfig, type KeystoneAuthtokenConfig } from '@baton/auth-token';
import { loadAuthFromConfig, loadServiceUserAuth, SessionConfigError, type ServiceUserConfig } from '@baton/session';
import type { ServiceUser } from './inter-service.ts';

/** A start-up problem in a service's configuration, prefixed with the file it is in. */
export class ServiceConfigError extends Error {
  static readonly code = 'ERR_CLOUD_CONFIG';
  readonly code = ServiceConfigError.code;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceConfigError';
  }
}

/** [DEFAULT] of a cloud service: only what every service uses. */
export const serviceDefaultGroup = defineGroup('DEFAULT', {
  help: 'Options that apply to the whole service.',
  options: {
    // The service log and its access log, as identity reads them (@baton/logging).
    debug: defaultGroup.options.debug,
    log_file: defaultGroup.options.log_file,
    state_path: strOpt({
      default: '.baton',
      help:
        'Directory for the state the service keeps itself (its SQLite database by default, image data). ' +
        'A relative path is taken from the working directory of the process. Other options refer to it as $state_path.',
    }),
  },
});

/** [database] for one service: its own SQLite file under $state_path unless told otherwise. */
export function serviceDatabaseGroup(fileName: string) {
  return defineGroup('database', {
    help: "Where the service's records are stored.",
    options: {
      connection: strOpt({
        default: `sqlite:///$state_path/${fileName}`,
        schemes: ['sqlite', 'postgresql', 'postgresql+psycopg2'],
        secret: true,
        help:
          'Database URL: sqlite:///relative/path.db or sqlite:////absolute/path.db for an embedded SQLite file, ' +
          'postgresql://user:password@host:port/dbname for PostgreSQL (several nodes sharing one database).',
      }),
    },
  });
}

/** The groups every cloud service reads, before its own. */
export function commonServiceGroups(databaseFile: string) {
  return [serviceDefaultGroup, serviceDatabaseGroup(databaseFile), osloMiddlewareGroup, keystoneAuthtokenGroup, serviceUserGroup] as const;
}

type CommonGroups = ReturnType<typeof commonServiceGroups>;

export interface LoadServiceConfigOptions<G extends readonly AnyGroup[]> {
  /** Read in order; a later file wins per option. */
  readonly files: readonly string[];
  /** e.g. 'cinder.db': the default SQLite file under $state_path. */
  readonly databaseFile: string;
  /** The service's own groups (e.g. [compute]). */
  readonly groups: G;
  /** Source of OS_<GROUP>__<OPTION> overrides; pass process.env to honour them. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ServiceConfig<G extends readonly AnyGroup[]> {
  readonly files: readonly string[];
  /** Every group's values; also what `loadServiceUser` takes (it has `service_user`). */
  readonly values: ConfigOf<readonly [...CommonGroups, ...G]>;
  /** [keystone_authtoken], checked by @baton/auth-token. */
  readonly authToken: KeystoneAuthtokenConfig;
  /** [service_user], loaded once: the one plugin every inter-service client of this process shares. */
  readonly serviceUser: ServiceUser;
  readonly warnings: readonly string[];
}

/**
 * With the switch on, the plugin that signs service tokens (auth_section honoured); off, the
 * same credentials may still serve the service's own admin calls, so they are loaded alone.
 */
function loadServiceUserOnce(config: ServiceUserConfig): ServiceUser {
  const auth = loadServiceUserAuth(config);
  if (auth !== null) return { auth, sendServiceToken: true };
  return { auth: loadAuthFromConfig(config.service_user, 'service_user'), sendServiceToken: false };
}

export function loadServiceConfig<const G extends readonly AnyGroup[]>(options: LoadServiceConfigOptions<G>): ServiceConfig<G> {
  const file = options.files[options.files.length - 1] ?? 'config';
  const env = options.env ?? {};
  try {
    const groups = [...commonServiceGroups(options.databaseFile), ...options.groups] as const;
    const { config, warnings } = loadConfig({ files: options.files, groups, env });
    const authToken = loadAuthTokenConfig(options.files, env).config;
    return {
      files: options.files,
      values: config as unknown as ConfigOf<readonly [...CommonGroups, ...G]>,
      authToken,
      // Built now so a wrong [service_user] fails at start-up, not in the middle of a job.
      serviceUser: loadServiceUserOnce(config as unknown as ServiceUserConfig),
      warnings,
    };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SessionConfigError) {
      // Config errors about values already start with the file; the others name only the section.
      const message = error.message.startsWith(file) ? error.message : `${file}: ${error.message}`;
      throw new ServiceConfigError(message, { cause: error });
    }
    throw error;
  }
}
