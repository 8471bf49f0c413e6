// Errors of @baton/config. Every one names where the bad input came from (file and line,
// or environment variable) so an operator can fix it without reading source. Values of
// secret options never appear in a message.

export type ConfigErrorCode =
  | 'ERR_CONFIG_PARSE'
  | 'ERR_CONFIG_VALUE'
  | 'ERR_CONFIG_FILE'
  | 'ERR_CONFIG_SUBSTITUTION'
  | 'ERR_CONFIG_REQUIRED'
  | 'ERR_CONFIG_INVALID';

export abstract class ConfigError extends Error {
  abstract readonly code: ConfigErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** A line that is not valid oslo.config INI. The line's text is left out: it may hold a secret. */
export class ConfigParseError extends ConfigError {
  static readonly code = 'ERR_CONFIG_PARSE';
  readonly code = ConfigParseError.code;
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

/** Where a value came from: a file, an environment variable, an override or a default. */
export interface ValueOrigin {
  /** `keystone.conf:12`, `environment OS_TOKEN__EXPIRATION`, `override` or `default`. */
  readonly source: string;
  /** The section as written by whoever set the value (may be a deprecated group). */
  readonly section: string;
  /** The option name as written (may be a deprecated name). */
  readonly option: string;
}

export const SECRET_MASK = '****';

/** A value that does not convert to its option's type or breaks one of its limits. */
export class ConfigValueError extends ConfigError {
  static readonly code = 'ERR_CONFIG_VALUE';
  readonly code = ConfigValueError.code;
  readonly source: string;
  readonly section: string;
  readonly option: string;
  /** What the option accepts, e.g. `an integer >= 0`. */
  readonly expected: string;

  constructor(origin: ValueOrigin, shownValue: string, expected: string) {
    super(`${origin.source}: [${origin.section}] ${origin.option} = ${shownValue}: expected ${expected}`);
    this.source = origin.source;
    this.section = origin.section;
    this.option = origin.option;
    this.expected = expected;
  }
}

/** A config file that is missing or unreadable. Unlike oslo.config, Baton never skips one. */
export class ConfigFileError extends ConfigError {
  static readonly code = 'ERR_CONFIG_FILE';
  readonly code = ConfigFileError.code;
  readonly file: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot read config file ${file}: ${reason}`, options);
    this.file = file;
  }
}

/** A `$name` / `${group.name}` reference to an option that does not exist, or a cycle. */
export class ConfigSubstitutionError extends ConfigError {
  static readonly code = 'ERR_CONFIG_SUBSTITUTION';
  readonly code = ConfigSubstitutionError.code;
  readonly source: string;
  readonly section: string;
  readonly option: string;
  readonly reference: string;

  constructor(origin: ValueOrigin, reference: string, reason: string) {
    super(`${origin.source}: [${origin.section}] ${origin.option}: cannot substitute $${reference}: ${reason}`);
    this.source = origin.source;
    this.section = origin.section;
    this.option = origin.option;
    this.reference = reference;
  }
}

/** An option declared `required` that no file, environment variable or override set. */
export class ConfigRequiredError extends ConfigError {
  static readonly code = 'ERR_CONFIG_REQUIRED';
  readonly code = ConfigRequiredError.code;
  readonly section: string;
  readonly option: string;

  constructor(section: string, option: string, envName: string) {
    super(`[${section}] ${option} is required: set it in a config file or in ${envName}`);
    this.section = section;
    this.option = option;
  }
}

/**
 * Several problems in one load, reported together so one run shows everything to fix:
 * every value, substitution and required-option error, and the warnings (unknown options
 * with their "did you mean", deprecations) that often explain them. A load with a single
 * error and no warning throws that error itself.
 */
export class ConfigInvalidError extends ConfigError {
  static readonly code = 'ERR_CONFIG_INVALID';
  readonly code = ConfigInvalidError.code;
  readonly errors: readonly ConfigError[];
  readonly warnings: readonly string[];

  constructor(errors: readonly ConfigError[], warnings: readonly string[]) {
    const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
    const lines = [...errors.map((e) => `  ${e.message}`), ...warnings.map((w) => `  warning: ${w}`)];
    super(`${count} in the configuration:\n${lines.join('\n')}`);
    this.errors = Object.freeze([...errors]);
    this.warnings = Object.freeze([...warnings]);
  }
}
