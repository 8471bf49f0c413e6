// Auth plugins from oslo-style options (keystoneauth's load_auth_from_conf_options) and
// the [service_user] switch nova and cinder implement. Every problem is found here, at
// start-up, and named `[section] option`; unlike nova, a missing auth_type with the switch
// on is an error, not a silent fall-back to the user token alone.
import { SessionConfigError } from './errors.ts';
import type { AuthPlugin } from './plugin.ts';
import { ApplicationCredentialAuth } from './plugins/application-credential-auth.ts';
import { PasswordAuth } from './plugins/password-auth.ts';
import { TokenAuth } from './plugins/token-auth.ts';
import type { ScopeOptions } from './plugins/v3-request.ts';
import { ServiceTokenAuthWrapper } from './service-token-wrapper.ts';
import type { SessionOptions } from './session.ts';

type Str = string | null | undefined;

/** The values of an auth section, as @baton/config loads `serviceUserAuthOptions`. */
export interface AuthSectionValues {
  readonly auth_type?: Str;
  readonly auth_section?: Str;
  readonly auth_url?: Str;
  readonly username?: Str;
  readonly user_id?: Str;
  readonly password?: Str;
  readonly user_domain_name?: Str;
  readonly user_domain_id?: Str;
  readonly project_name?: Str;
  readonly project_id?: Str;
  readonly project_domain_name?: Str;
  readonly project_domain_id?: Str;
  readonly domain_id?: Str;
  readonly domain_name?: Str;
  readonly system_scope?: Str;
  readonly trust_id?: Str;
  readonly default_domain_id?: Str;
  readonly default_domain_name?: Str;
  readonly application_credential_id?: Str;
  readonly application_credential_name?: Str;
  readonly application_credential_secret?: Str;
  readonly token?: Str;
  readonly timeout?: number | null;
  readonly insecure?: boolean;
  readonly cafile?: Str;
  readonly certfile?: Str;
  readonly keyfile?: Str;
  readonly collect_timing?: boolean;
  readonly split_loggers?: boolean;
}

export interface ServiceUserValues extends AuthSectionValues {
  readonly send_service_user_token?: boolean;
}

export interface ServiceUserConfig {
  readonly service_user: ServiceUserValues;
  /** Other sections, for `auth_section`. */
  readonly [section: string]: unknown;
}

export const AUTH_TYPES = ['password', 'v3password', 'token', 'v3token', 'v3applicationcredential', 'application_credential'] as const;

/** The plugin `auth_type` names, or null when auth_type is unset (keystoneauth's behaviour). */
export function loadAuthFromConfig(values: AuthSectionValues, section = 'service_user'): AuthPlugin | null {
  const v = new Reader(values, section);
  const type = v.str('auth_type');
  if (type === undefined) return null;
  v.checkTls();
  const authUrl = v.required('auth_url');
  if (!/^https?:\/\/[^/]/i.test(authUrl)) throw v.error('auth_url', `must be an http(s) URL, got ${JSON.stringify(authUrl)}`);
  // Only the generic loaders have default_domain_*: they fill the user's and project's domain.
  const generic = type === 'password' || type === 'token';
  const defaultDomainId = generic ? v.str('default_domain_id') : undefined;
  const defaultDomainName = generic ? v.str('default_domain_name') : undefined;
  switch (type) {
    case 'password':
    case 'v3password':
      return new PasswordAuth({
        authUrl,
        ...v.user(defaultDomainId, defaultDomainName),
        password: v.required('password'),
        ...v.scope(defaultDomainId, defaultDomainName),
      });
    case 'token':
    case 'v3token':
      return new TokenAuth({ authUrl, token: v.required('token'), ...v.scope(defaultDomainId, defaultDomainName) });
    case 'v3applicationcredential':
    case 'application_credential': {
      const secret = v.required('application_credential_secret');
      const id = v.str('application_credential_id');
      if (id !== undefined) return new ApplicationCredentialAuth({ authUrl, applicationCredentialId: id, applicationCredentialSecret: secret });
      const name = v.str('application_credential_name');
      if (name === undefined) throw v.error('application_credential_id', 'application_credential_id or application_credential_name is required');
      return new ApplicationCredentialAuth({ authUrl, applicationCredentialName: name, applicationCredentialSecret: secret, ...v.user() });
    }
    default:
      throw v.error('auth_type', `unknown auth type ${JSON.stringify(type)}; Baton supports ${AUTH_TYPES.join(', ')}`);
  }
}

// Keyed by the loaded section object: every wrapper built from one config shares one
// service plugin, hence one cached service token (nova memoises it the same way).
const SERVICE_AUTH = new WeakMap<object, AuthPlugin>();

/** cinder's get_service_auth_plugin: the service user's plugin, or null when the switch is off. */
export function loadServiceUserAuth(config: ServiceUserConfig): AuthPlugin | null {
  const group = config?.service_user;
  if (typeof group !== 'object' || group === null) throw new TypeError('loadServiceUser: config.service_user is required');
  if (group.send_service_user_token !== true) return null;
  const { values, section } = authSection(config, group);
  const cached = SERVICE_AUTH.get(values);
  if (cached !== undefined) return cached;
  const plugin = loadAuthFromConfig(values, section);
  if (plugin === null) throw new SessionConfigError(section, 'auth_type', 'is required when [service_user] send_service_user_token is true');
  SERVICE_AUTH.set(values, plugin);
  return plugin;
}

/** nova's and cinder's rule: wrap the user's auth only when send_service_user_token is true. */
export function loadServiceUser(config: ServiceUserConfig, userAuth: AuthPlugin): AuthPlugin {
  if (userAuth === undefined || userAuth === null) throw new TypeError('loadServiceUser: userAuth is required');
  const serviceAuth = loadServiceUserAuth(config);
  return serviceAuth === null ? userAuth : new ServiceTokenAuthWrapper(userAuth, serviceAuth);
}

/** Session options from a section's keystoneauth session options (timeout, TLS). */
export function loadSessionOptions(values: AuthSectionValues, section = 'service_user'): Pick<SessionOptions, 'timeout'> {
  new Reader(values, section).checkTls();
  return typeof values.timeout === 'number' ? { timeout: values.timeout * 1000 } : {};
}

function authSection(config: ServiceUserConfig, group: ServiceUserValues): { values: AuthSectionValues; section: string } {
  const name = group.auth_section;
  if (name === undefined || name === null || name === '') return { values: group, section: 'service_user' };
  const other = config[name];
  if (typeof other !== 'object' || other === null) {
    throw new SessionConfigError('service_user', 'auth_section', `section [${name}] was not loaded`);
  }
  return { values: other as AuthSectionValues, section: name };
}

class Reader {
  constructor(
    readonly values: AuthSectionValues,
    readonly section: string,
  ) {}

  error(option: string, problem: string): SessionConfigError {
    return new SessionConfigError(this.section, option, problem);
  }

  str(option: keyof AuthSectionValues): string | undefined {
    const value = this.values[option];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw this.error(option, `must be a string, got ${typeof value}`);
    return value;
  }

  required(option: keyof AuthSectionValues): string {
    const value = this.str(option);
    if (value === undefined) throw this.error(option, `is required for auth_type ${this.values.auth_type}`);
    return value;
  }

  user(defaultDomainId?: string, defaultDomainName?: string): { userId: string } | { username: string; userDomainId?: string; userDomainName?: string } {
    const userId = this.str('user_id');
    if (userId !== undefined) return { userId };
    const username = this.str('username');
    if (username === undefined) throw this.error('username', `username or user_id is required for auth_type ${this.values.auth_type}`);
    const id = this.str('user_domain_id') ?? (this.str('user_domain_name') === undefined ? defaultDomainId : undefined);
    const name = this.str('user_domain_name') ?? (id === undefined ? defaultDomainName : undefined);
    if (id === undefined && name === undefined) throw this.error('user_domain_name', 'user_domain_name or user_domain_id is required with username');
    return { username, ...(id === undefined ? {} : { userDomainId: id }), ...(name === undefined ? {} : { userDomainName: name }) };
  }

  scope(defaultDomainId?: string, defaultDomainName?: string): ScopeOptions {
    const set = (['domain_id', 'domain_name', 'project_id', 'project_name', 'trust_id', 'system_scope'] as const).filter(
      (o) => this.str(o) !== undefined,
    );
    const kinds = new Set(set.map((o) => o.replace(/_(id|name|scope)$/, '')));
    if (kinds.size > 1) throw this.error(set[1]!, `conflicts with ${set[0]}: give one scope (domain, project, trust or system)`);
    const system = this.str('system_scope');
    if (system !== undefined && system !== 'all') throw this.error('system_scope', `must be 'all', got ${JSON.stringify(system)}`);
    const scope: ScopeOptions = {};
    const assign = (key: keyof ScopeOptions, option: keyof AuthSectionValues): void => {
      const value = this.str(option);
      if (value !== undefined) (scope as Record<string, string>)[key] = value;
    };
    assign('domainId', 'domain_id');
    assign('domainName', 'domain_name');
    assign('projectId', 'project_id');
    assign('projectName', 'project_name');
    assign('trustId', 'trust_id');
    if (system !== undefined) scope.systemScope = 'all';
    if (scope.projectName !== undefined) {
      assign('projectDomainId', 'project_domain_id');
      assign('projectDomainName', 'project_domain_name');
      if (scope.projectDomainId === undefined && scope.projectDomainName === undefined) {
        if (defaultDomainId !== undefined) scope.projectDomainId = defaultDomainId;
        else if (defaultDomainName !== undefined) scope.projectDomainName = defaultDomainName;
        else throw this.error('project_domain_name', 'project_domain_name or project_domain_id is required with project_name');
      }
    }
    return scope;
  }

  checkTls(): void {
    if (this.values.insecure === true) throw this.error('insecure', 'true is not supported: Baton always verifies TLS certificates');
    if (this.str('cafile') !== undefined) throw this.error('cafile', 'is not supported: add the CA with NODE_EXTRA_CA_CERTS instead');
    for (const option of ['certfile', 'keyfile'] as const) {
      if (this.str(option) !== undefined) throw this.error(option, 'is not supported: Baton sends no client certificate');
    }
  }
}
