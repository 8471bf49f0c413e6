// Public surface of @baton/config: oslo.config-style INI parsing, option declarations as
// data, a typed loader, and the generators for keystone.conf.sample and the docs.

export * as errors from './errors.ts';
export {
  ConfigError,
  ConfigFileError,
  ConfigInvalidError,
  ConfigParseError,
  ConfigRequiredError,
  ConfigSubstitutionError,
  ConfigValueError,
  SECRET_MASK,
} from './errors.ts';
export type { ConfigErrorCode, ValueOrigin } from './errors.ts';

export { parseIni, iniValues } from './ini.ts';
export type { IniDocument, IniSection, IniValue } from './ini.ts';
export { setIniValues } from './ini-edit.ts';
export type { IniChange, IniSetting } from './ini-edit.ts';

export { boolOpt, floatOpt, intOpt, listOpt, multiStrOpt, portOpt, strOpt, uriOpt } from './opts.ts';
export type { Opt, OptDefault, OptKind, OptValue } from './opts.ts';
export { defineGroup } from './group.ts';
export type { AnyGroup, ConfigOf, Group, GroupValues, OptionMap } from './group.ts';

export { loadConfig, loadConfigText } from './load.ts';
export type { LoadOptions, LoadResult, Overrides } from './load.ts';
export { envName } from './sources.ts';

export { UNSUPPORTED_OPTIONS, unsupportedSettings } from './unsupported.ts';

export { parseDatabaseConnection } from './database-url.ts';
export type { DatabaseTarget } from './database-url.ts';

export { renderSample } from './render-sample.ts';
export { renderMarkdown } from './render-markdown.ts';
export { BEGIN_MARKER, END_MARKER, spliceGeneratedSection } from './generated-section.ts';

export * from './groups/index.ts';
export { keystoneAuthtokenGroup } from './groups/keystone-authtoken.ts';
export { serviceUserAuthOptions, serviceUserGroup } from './groups/service-user.ts';
export { SERVICE_SAMPLE_TITLE, serviceGroups, serviceLoggingGroup } from './groups/service-groups.ts';
