// Reads the files the doctor is given: a service's INI file (nova.conf, cinder.conf, …) or
// identity's keystone.conf, through @baton/config's parser and the declared groups, so every
// default comes from the one place Baton's own services read it. Nothing here throws for a
// bad file: what is wrong becomes a finding and the rest of the file is still read.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  ConfigInvalidError,
  ConfigParseError,
  ConfigSubstitutionError,
  ConfigValueError,
  defaultGroup,
  defineGroup,
  fernetTokensGroup,
  keystoneAuthtokenGroup,
  loadConfigText,
  parseIni,
  serviceUserAuthOptions,
  serviceUserGroup,
  tokenGroup,
  type AnyGroup,
  type GroupValues,
  type IniDocument,
  type Opt,
} from '@baton/config';
import type { AuthSectionValues, ServiceUserValues } from '@baton/session';
import type { Finding } from './findings.ts';

export type AuthtokenValues = GroupValues<(typeof keystoneAuthtokenGroup)['options']>;

/** One service's file as the doctor needs it; a section the file lacks is null. */
export interface ServiceConfig {
  /** nova, cinder, glance, neutron, or what `--service name=FILE` said. */
  readonly name: string;
  readonly file: string;
  readonly authtoken: AuthtokenValues | null;
  /**
   * Whether the file writes [keystone_authtoken] service_token_roles_required: its default
   * is false in keystonemiddleware up to 10.x and true in Baton, so an unset one is unsafe
   * on a real deployment.
   */
  readonly rolesRequiredWritten: boolean;
  readonly serviceUser: ServiceUserValues | null;
  /** Where the [service_user] credentials are read: [service_user] or its auth_section. */
  readonly serviceUserAuth: { readonly section: string; readonly values: AuthSectionValues } | null;
}

/** One identity node's keystone.conf, reduced to what the token checks need. */
export interface IdentityConfig {
  readonly file: string;
  readonly expiration: number;
  readonly allowExpiredWindow: number;
  /** Absolute path of [fernet_tokens] key_repository. */
  readonly keyRepository: string;
  readonly maxActiveKeys: number;
}

export interface Read<T> {
  readonly config: T | null;
  readonly findings: Finding[];
}

/** nova.conf → nova, glance-api.conf → glance; any other file is named by its basename. */
export function serviceNameOf(file: string): string {
  const base = basename(file).replace(/\.conf$/, '');
  return base === 'glance-api' ? 'glance' : base;
}

export function readServiceFile(file: string, name = serviceNameOf(file)): Read<ServiceConfig> {
  const text = readText(file);
  if (typeof text !== 'string') return { config: null, findings: [text] };
  const doc = parse(text, file);
  if (!('sections' in doc)) return { config: null, findings: [doc] };
  const has = (section: string) => [...doc.sections.keys()].some((s) => normalize(s) === section);
  if (!has('keystone_authtoken') && !has('service_user') && !has('DEFAULT')) {
    return { config: null, findings: [notA(file, 'an OpenStack service config: it has no [keystone_authtoken], [service_user] or [DEFAULT] section')] };
  }
  const { values, findings } = loadLenient(text, file, [keystoneAuthtokenGroup, serviceUserGroup]);
  const serviceUser = has('service_user') ? (values['service_user'] as ServiceUserValues) : null;
  let serviceUserAuth: ServiceConfig['serviceUserAuth'] = serviceUser === null ? null : { section: 'service_user', values: serviceUser };
  const authSection = serviceUser?.auth_section;
  if (typeof authSection === 'string' && authSection !== '') {
    const section = authSectionGroup(authSection);
    if (section === null || !has(authSection.toLowerCase())) {
      findings.push({
        id: 'service-user-incomplete',
        severity: 'error',
        location: { file, section: 'service_user', option: 'auth_section' },
        why: `auth_section names [${authSection}], which is not a section of this file, so the service user has no credentials.`,
        fix: `Add a [${authSection}] section with the service user's credentials, or remove auth_section and put them in [service_user].`,
      });
      serviceUserAuth = null;
    } else {
      const other = loadLenient(text, file, [section]);
      findings.push(...other.findings);
      serviceUserAuth = { section: section.name, values: other.values[section.name] as AuthSectionValues };
    }
  }
  return {
    config: {
      name,
      file,
      authtoken: has('keystone_authtoken') ? (values['keystone_authtoken'] as AuthtokenValues) : null,
      rolesRequiredWritten: [...doc.sections.values()].some((s) => normalize(s.name) === 'keystone_authtoken' && s.entries.has('service_token_roles_required')),
      serviceUser,
      serviceUserAuth,
    },
    findings,
  };
}

export function readIdentityFile(file: string): Read<IdentityConfig> {
  const text = readText(file);
  if (typeof text !== 'string') return { config: null, findings: [text] };
  const doc = parse(text, file);
  if (!('sections' in doc)) return { config: null, findings: [doc] };
  const known = ['DEFAULT', 'token', 'fernet_tokens', 'database', 'identity'];
  if (![...doc.sections.keys()].some((s) => known.includes(normalize(s)))) {
    return { config: null, findings: [notA(file, "identity's keystone.conf: it has none of [DEFAULT], [token], [fernet_tokens], [database], [identity]")] };
  }
  const { values, findings } = loadLenient(text, file, [defaultGroup, tokenGroup, fernetTokensGroup]);
  const token = values['token'] as GroupValues<(typeof tokenGroup)['options']>;
  const fernet = values['fernet_tokens'] as GroupValues<(typeof fernetTokensGroup)['options']>;
  return {
    config: {
      file,
      expiration: token.expiration,
      allowExpiredWindow: token.allow_expired_window,
      // A relative path is taken from the working directory, as `baton identity serve` does.
      keyRepository: resolve(fernet.key_repository),
      maxActiveKeys: fernet.max_active_keys,
    },
    findings,
  };
}

function readText(file: string): string | Finding {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code);
    return {
      id: 'file-unreadable',
      severity: 'error',
      location: { file },
      why: `The file cannot be read (${reason}), so nothing in it was checked.`,
      fix: code === 'EACCES' ? `Run the doctor as a user who can read ${file}, or grant read access to it.` : `Pass the path of the file the service really reads.`,
    };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (!text.includes('\0')) return text;
  } catch {
    // not UTF-8: reported below like any other binary file
  }
  return notA(file, 'a text file (it holds binary data)');
}

function parse(text: string, file: string): IniDocument | Finding {
  try {
    return parseIni(text, file);
  } catch (error) {
    if (!(error instanceof ConfigParseError)) throw error;
    return {
      id: 'file-malformed',
      severity: 'error',
      location: { file },
      why: `Line ${error.line} is not valid INI (${error.reason}), so the service would not start with this file and nothing in it was checked.`,
      fix: `Correct line ${error.line} of ${file}: every line is "[section]", "key = value", an indented continuation or a # comment.`,
    };
  }
}

function notA(file: string, what: string): Finding {
  return {
    id: 'file-not-service-config',
    severity: 'error',
    location: { file },
    why: `This is not ${what}, so nothing in it was checked.`,
    fix: 'Pass the INI file the service reads, e.g. /etc/nova/nova.conf or /etc/keystone/keystone.conf.',
  };
}

function normalize(section: string): string {
  return section === 'DEFAULT' ? section : section.toLowerCase();
}

/** The same options with nothing required and auth_type open to keystoneauth's plugin names. */
function relaxed(group: AnyGroup): AnyGroup {
  const options: Record<string, Opt<unknown>> = {};
  for (const [name, opt] of Object.entries(group.options)) {
    const { choices, ...rest } = opt;
    options[name] = { ...rest, ...(name === 'auth_type' || choices === undefined ? {} : { choices }), required: false } as Opt<unknown>;
  }
  return defineGroup(group.name, { help: group.help, options });
}

function authSectionGroup(name: string): AnyGroup | null {
  try {
    return defineGroup(name.toLowerCase(), { help: `auth section [${name}]`, options: serviceUserAuthOptions });
  } catch {
    return null;
  }
}

/**
 * Loads the groups; a value the option refuses becomes a finding and the option falls back
 * to its default, so one typo does not hide every other check of the file.
 */
function loadLenient(text: string, file: string, groups: readonly AnyGroup[]): { values: Record<string, Record<string, unknown>>; findings: Finding[] } {
  const loose = groups.map(relaxed);
  const overrides: Record<string, Record<string, unknown>> = {};
  const findings: Finding[] = [];
  // The loader reports every refused value at once; each becomes a finding and takes its
  // default, then the file loads again with those defaults.
  for (let attempt = 0; ; attempt++) {
    try {
      const { config } = loadConfigText(text, loose, file, { overrides: overrides as never });
      return { values: config as Record<string, Record<string, unknown>>, findings };
    } catch (error) {
      const refused = error instanceof ConfigInvalidError ? error.errors : [error];
      if (attempt > 2) throw error;
      for (const e of refused) {
        const target = e instanceof ConfigValueError || e instanceof ConfigSubstitutionError ? declared(loose, e.section, e.option) : undefined;
        if (target === undefined) throw error;
        const [group, option, opt] = target;
        (overrides[group] ??= {})[option] = opt.default;
        const v = e as ConfigValueError | ConfigSubstitutionError;
        findings.push({
          id: 'option-invalid',
          severity: 'error',
          location: { file, section: v.section, option: v.option },
          why: `${v.message.slice(v.message.indexOf(': ') + 2)}; the service would refuse to start (the doctor assumed the default).`,
          fix: e instanceof ConfigValueError ? `Set ${v.option} in [${v.section}] to ${e.expected}.` : `Remove or correct the $ reference in ${v.option}.`,
        });
      }
    }
  }
}

function declared(groups: readonly AnyGroup[], section: string, option: string): [string, string, Opt<unknown>] | undefined {
  for (const group of groups) {
    for (const [name, opt] of Object.entries(group.options)) {
      const current = normalize(section) === group.name && name === option;
      const old = opt.deprecatedName === option && normalize(section) === (opt.deprecatedGroup ?? group.name);
      if (current || old) return [group.name, name, opt];
    }
  }
  return undefined;
}
