// Wiring from [keystone_authtoken] values: the middleware's own session (password auth, token
// reused until 120 s before expiry), the cache backend, and the core.
import { errors as sessionErrors, PasswordAuth, Session } from '@baton/session';
import type { GroupValues, keystoneAuthtokenGroup } from '@baton/config';
import { CachedValidator, type Logger, type ValidateFn } from './cached-validator.ts';
import { IdentityUnavailableError } from './errors.ts';
import { selectCache } from './cache/select.ts';
import { AuthTokenCore } from './core.ts';
import { identityValidator, type IdentitySession } from './identity-validator.ts';
import type { CacheKind } from './validation-cache.ts';

export type KeystoneAuthtokenConfig = GroupValues<(typeof keystoneAuthtokenGroup)['options']>;

/** Default validation deadline when http_connect_timeout is unset: never wait for ever. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

export interface CreateAuthTokenOptions {
  readonly logger?: Logger;
  /** Prefix of shared-cache keys (e.g. per deployment, or per test run). */
  readonly keyPrefix?: string;
  /** Replaces the session built from the credentials (tests count identity calls with it). */
  readonly session?: IdentitySession;
  /**
   * The service type used when [keystone_authtoken] service_type is unset: a service that knows
   * what it is (Baton's compute says 'compute') passes it, as keystonemiddleware's
   * BaseAuthProtocol takes service_type from its caller.
   */
  readonly serviceType?: string;
}

export interface AuthToken {
  readonly core: AuthTokenCore;
  readonly cacheKind: CacheKind | 'none';
  close(): Promise<void>;
}

const CONSOLE_LOGGER: Logger = {
  warn: (message) => process.emitWarning(message, { code: 'BATON_AUTH_TOKEN' }),
  info: () => undefined,
};

export function createAuthToken(config: KeystoneAuthtokenConfig, options: CreateAuthTokenOptions = {}): AuthToken {
  const logger = options.logger ?? CONSOLE_LOGGER;
  const timeoutSeconds = config.http_connect_timeout ?? DEFAULT_TIMEOUT_SECONDS;
  const session = options.session ?? ownSession(config, timeoutSeconds);
  const validate = watchIdentity(logger, identityValidator({
    session,
    authUrl: config.auth_url,
    interface: config.interface,
    regionName: config.region_name,
    includeServiceCatalog: config.include_service_catalog,
    isUnavailable: (error) => error instanceof sessionErrors.SessionError,
    isEndpointMissing: (error) => error instanceof sessionErrors.EndpointNotFoundError,
  }));
  const cache = config.token_cache_time < 0 ? null : selectCache(config.memcached_servers, config.memcache_pool_socket_timeout);
  const validator = new CachedValidator({
    validate,
    cache,
    cacheTime: Math.max(config.token_cache_time, 0),
    allowExpiredWindow: config.allow_expired_window,
    logger,
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
  });
  if (!config.service_token_roles_required) {
    logger.warn(
      '[keystone_authtoken] service_token_roles_required is false: a service token without any of ' +
        'service_token_roles is still accepted. Set it to true once every service sends tokens with those roles.',
    );
  }
  const core = new AuthTokenCore({
    validator,
    wwwAuthenticateUri: config.www_authenticate_uri ?? config.auth_url,
    serviceTokenRoles: config.service_token_roles,
    serviceTokenRolesRequired: config.service_token_roles_required,
    delayAuthDecision: config.delay_auth_decision,
    includeServiceCatalog: config.include_service_catalog,
    // keystonemiddleware's `if not service_type`: set but empty counts as unset.
    serviceType: config.service_type || options.serviceType || null,
    logger,
  });
  return { core, cacheKind: cache?.kind ?? 'none', close: () => validator.close() };
}

/**
 * Logs once when identity stops answering validations (or refuses the middleware's own
 * credentials) and once when it answers again; in between every request gets a 503.
 */
function watchIdentity(logger: Logger, validate: ValidateFn): ValidateFn {
  let down = false;
  return async function watchedValidate(token, options) {
    try {
      const data = await validate(token, options);
      if (down) {
        down = false;
        logger.info('identity answers token validations again');
      }
      return data;
    } catch (error) {
      if (error instanceof IdentityUnavailableError && !down) {
        down = true;
        logger.warn(
          error.cause instanceof sessionErrors.AuthenticationError
            ? `identity refuses this service's own credentials ([keystone_authtoken] username, password, project): ${error.message}; requests get 503 until it accepts them`
            : error.cause instanceof sessionErrors.SessionError
              ? `identity is unreachable: ${error.message}; requests get 503 until it answers`
              : `identity does not validate tokens for this service: ${error.message}; requests get 503 until it does`,
        );
      }
      throw error;
    }
  };
}

function ownSession(config: KeystoneAuthtokenConfig, timeoutSeconds: number): IdentitySession {
  const auth = new PasswordAuth({
    authUrl: config.auth_url,
    password: config.password ?? '',
    ...defined({
      userId: config.user_id,
      username: config.username,
      userDomainId: config.user_domain_id,
      userDomainName: config.user_domain_name,
      projectId: config.project_id,
      projectName: config.project_name,
      projectDomainId: config.project_domain_id,
      projectDomainName: config.project_domain_name,
    }),
  });
  return new Session({
    auth,
    timeout: timeoutSeconds * 1000,
    connectRetries: config.http_request_max_retries,
    retryDelay: 100,
    userAgent: `baton-auth-token/0.1.0 node/${process.versions.node}`,
  }) as IdentitySession;
}

function defined(values: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== null));
}
