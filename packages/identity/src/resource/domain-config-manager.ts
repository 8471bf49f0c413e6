// Domain-specific configuration (keystone/resource/core.py DomainConfigManager): per-domain
// [identity] and [ldap] options, stored and answered as Keystone does. Only the options
// Keystone lets a domain override are accepted; the LDAP password is stored but never
// answered. Baton's one identity driver (SQL) reads none of them.
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { DomainConfigDriver, DomainConfigOption } from '../storage/types.ts';

/** A domain's configuration as the API has it: group → option → value. */
export type DomainConfig = Record<string, Record<string, unknown>>;

/**
 * The options a domain may set, each with Keystone 22's default ([identity] and [ldap] of
 * keystone.conf), which GET /v3/domains/config/default answers. Baton declares none of
 * them for its own keystone.conf: there is no LDAP driver to use them.
 */
const WHITELISTED: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  identity: { driver: 'sql', list_limit: null },
  ldap: {
    url: 'ldap://localhost',
    user: null,
    suffix: 'cn=example,cn=com',
    query_scope: 'one',
    page_size: 0,
    alias_dereferencing: 'default',
    debug_level: null,
    chase_referrals: null,
    user_tree_dn: null,
    user_filter: null,
    user_objectclass: 'inetOrgPerson',
    user_id_attribute: 'cn',
    user_name_attribute: 'sn',
    user_mail_attribute: 'mail',
    user_description_attribute: 'description',
    user_pass_attribute: 'userPassword',
    user_enabled_attribute: 'enabled',
    user_enabled_invert: false,
    user_enabled_mask: 0,
    user_enabled_default: 'True',
    user_attribute_ignore: ['default_project_id'],
    user_default_project_id_attribute: null,
    user_enabled_emulation: false,
    user_enabled_emulation_dn: null,
    user_enabled_emulation_use_group_config: false,
    user_additional_attribute_mapping: [],
    group_tree_dn: null,
    group_filter: null,
    group_objectclass: 'groupOfNames',
    group_id_attribute: 'cn',
    group_name_attribute: 'ou',
    group_members_are_ids: false,
    group_member_attribute: 'member',
    group_desc_attribute: 'description',
    group_attribute_ignore: [],
    group_additional_attribute_mapping: [],
    tls_cacertfile: null,
    tls_cacertdir: null,
    use_tls: false,
    tls_req_cert: 'demand',
    use_pool: true,
    pool_size: 10,
    pool_retry_max: 3,
    pool_retry_delay: 0.1,
    pool_connection_timeout: -1,
    pool_connection_lifetime: 600,
    use_auth_pool: true,
    auth_pool_size: 100,
    auth_pool_connection_lifetime: 60,
  },
};
/** Stored, never answered. */
const SENSITIVE: Readonly<Record<string, readonly string[]>> = { identity: [], ldap: ['password'] };
/** The [security_compliance] options anyone may read through the default domain's config. */
const READABLE_COMPLIANCE = ['password_regex', 'password_regex_description'] as const;

export interface DomainConfigOptions {
  defaultDomainId: string;
  securityCompliance: { readonly password_regex: string | null; readonly password_regex_description: string | null };
}

/** Keystone's InvalidDomainConfig (a 403); a reason ending in a period keeps both, as Keystone's do. */
function invalid(reason: string): ForbiddenError {
  return new ForbiddenError(`Invalid domain specific configuration: ${reason}.`);
}

function notFound(domainId: string, group?: string, option?: string): NotFoundError {
  const what = option !== undefined ? `option ${option} in group ${group}` : group !== undefined ? `group ${group}` : 'any options';
  return new NotFoundError(`Could not find ${what} in domain configuration for domain ${domainId}.`);
}

/** Python's truth value, which Keystone's existence checks use on stored values. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isKnownGroup = (group: string): boolean => Object.hasOwn(WHITELISTED, group);

function assertValidGroupAndOption(group?: string, option?: string): void {
  if (group === undefined) return;
  if (!isKnownGroup(group)) throw invalid(`Group ${group} is not supported for domain specific configurations`);
  if (option !== undefined && !Object.hasOwn(WHITELISTED[group] ?? {}, option) && !(SENSITIVE[group] ?? []).includes(option)) {
    throw invalid(`Option ${option} in group ${group} is not supported for domain specific configurations`);
  }
}

/** The request's config must name at least one group, each a non-empty object of supported options. */
function assertValidConfig(config: Record<string, unknown>): asserts config is DomainConfig {
  if (Object.keys(config).length === 0) throw invalid('No options specified');
  for (const [group, options] of Object.entries(config)) {
    if (!isObject(options) || Object.keys(options).length === 0) {
      throw invalid(`The value of group ${group} specified in the config should be a dictionary of options`);
    }
    for (const option of Object.keys(options)) assertValidGroupAndOption(group, option);
  }
}

function toOptions(config: DomainConfig): DomainConfigOption[] {
  return Object.entries(config).flatMap(([group, options]) =>
    Object.entries(options).map(([option, value]) => ({ group, option, value, sensitive: (SENSITIVE[group] ?? []).includes(option) })));
}

/** Options as a config; for a single requested option, just {option: value}. */
function toConfig(options: readonly Pick<DomainConfigOption, 'group' | 'option' | 'value'>[], option?: string): DomainConfig | Record<string, unknown> {
  if (option !== undefined) return Object.fromEntries(options.map((o) => [o.option, o.value]));
  const config: DomainConfig = {};
  for (const o of options) (config[o.group] ??= {})[o.option] = o.value;
  return config;
}

export class DomainConfigManager {
  readonly #driver: DomainConfigDriver;
  readonly #options: DomainConfigOptions;

  constructor(driver: DomainConfigDriver, options: DomainConfigOptions) {
    this.#driver = driver;
    this.#options = options;
  }

  /** Whether the domain has any option stored, sensitive ones included. */
  async hasConfig(domainId: string): Promise<boolean> {
    return (await this.#driver.listConfigOptions(domainId)).length > 0;
  }

  /** Replaces the domain's configuration; answers the stored config without sensitive options. */
  async create(domainId: string, config: Record<string, unknown>): Promise<DomainConfig> {
    assertValidConfig(config);
    await this.#driver.replaceConfigOptions(domainId, toOptions(config));
    return toConfig(await this.#driver.listConfigOptions(domainId, { sensitive: false })) as DomainConfig;
  }

  /** The whole config, a group of it, or one option's {option: value}; 404 when nothing answers. */
  async get(domainId: string, group?: string, option?: string): Promise<Record<string, unknown>> {
    assertValidGroupAndOption(group, option);
    const found = await this.#driver.listConfigOptions(domainId, { ...(group === undefined ? {} : { group }), ...(option === undefined ? {} : { option }), sensitive: false });
    if (found.length === 0) throw notFound(domainId, group, option);
    return toConfig(found, option);
  }

  /**
   * Merges `config` into the domain's. Naming a group (and option) in the URL limits the
   * update to it, which must then be the body's only one and already be stored.
   */
  async update(domainId: string, config: Record<string, unknown>, group?: string, option?: string): Promise<DomainConfig> {
    const update = group !== undefined && option !== undefined ? { [group]: config } : config;
    assertValidConfig(update);
    assertValidGroupAndOption(group, option);
    if (group !== undefined) {
      const groups = Object.keys(update);
      const options = Object.keys(update[group] ?? {});
      if (groups.length !== 1 || (option !== undefined && options.length !== 1)) {
        throw invalid(
          option !== undefined
            ? `Trying to update option ${option} in group ${group}, so that, and only that, option must be specified  in the config`
            : `Trying to update group ${group}, so that, and only that, group must be specified in the config`,
        );
      }
      if (update[group] === undefined) {
        throw invalid(`request to update group ${group}, but config provided contains group ${groups[0]} instead`);
      }
      if (option !== undefined && !options.includes(option)) {
        throw invalid(`Trying to update option ${option} in group ${group}, but config provided contains option ${options[0]} instead`);
      }
      const stored = await this.#driver.listConfigOptions(domainId, { group, ...(option === undefined ? {} : { option }) });
      if (stored.length === 0) throw notFound(domainId, group, option);
    }
    await this.#driver.updateConfigOptions(domainId, toOptions(update));
    return (await this.get(domainId)) as DomainConfig;
  }

  /** Deletes all of it, a group, or an option; a group or option not stored (or falsy) is a 404. */
  async delete(domainId: string, group?: string, option?: string): Promise<void> {
    assertValidGroupAndOption(group, option);
    if (group !== undefined) {
      const stored = await this.#driver.listConfigOptions(domainId, { group });
      if (stored.length === 0) throw notFound(domainId, group);
      if (option !== undefined && !stored.some((o) => o.option === option && truthy(o.value))) throw notFound(domainId, group, option);
    }
    await this.#driver.deleteConfigOptions(domainId, { ...(group === undefined ? {} : { group }), ...(option === undefined ? {} : { option }) });
  }

  /** Keystone's defaults for the options a domain may set (the password has none to show). */
  defaults(group?: string, option?: string): Record<string, unknown> {
    assertValidGroupAndOption(group, option);
    const groups = group === undefined ? Object.keys(WHITELISTED) : [group];
    if (group !== undefined && option !== undefined) {
      const defaults = WHITELISTED[group] ?? {};
      if (!Object.hasOwn(defaults, option)) throw invalid(`Reading the default for option ${option} in group ${group} is not supported`);
      return { [option]: defaults[option] };
    }
    return toConfig(groups.flatMap((g) => Object.entries(WHITELISTED[g] ?? {}).map(([o, value]) => ({ group: g, option: o, value }))));
  }

  /** The default domain's password rules, readable by anyone (GET …/config/security_compliance). */
  securityCompliance(domainId: string, option?: string): Record<string, unknown> {
    if (domainId !== this.#options.defaultDomainId) {
      throw invalid('Reading security compliance information for any domain other than the default domain is not allowed or supported.');
    }
    if (option !== undefined && !(READABLE_COMPLIANCE as readonly string[]).includes(option)) {
      throw invalid('Reading security compliance values other than password_regex and password_regex_description is not allowed.');
    }
    const names = option === undefined ? READABLE_COMPLIANCE : [option as (typeof READABLE_COMPLIANCE)[number]];
    const options = names.map((name) => ({ group: 'security_compliance', option: name, value: this.#options.securityCompliance[name] }));
    return toConfig(options, option);
  }
}
