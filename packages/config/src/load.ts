// Loads config files into a frozen object typed from the group declarations. Everything is
// validated up front, so a service never starts with a value it would reject later.

import { readFileSync } from 'node:fs';
import {
  ConfigError,
  ConfigFileError,
  ConfigInvalidError,
  ConfigRequiredError,
  ConfigSubstitutionError,
  ConfigValueError,
  SECRET_MASK,
  type ValueOrigin,
} from './errors.ts';
import type { AnyGroup, ConfigOf } from './group.ts';
import { parseIni, type IniDocument } from './ini.ts';
import type { Opt, OptValue } from './opts.ts';
import { SourceSet, envName, type Candidate, type Env, type RawOverrides } from './sources.ts';
import { referenceText, substitute } from './substitute.ts';
import { checkTyped, expectedOf, parseText, type Value } from './validate.ts';

/** Values that win over files and environment, typed like the loaded config (oslo's set_override). */
export type Overrides<G extends readonly AnyGroup[]> = {
  readonly [Gr in G[number] as Gr['name']]?: {
    readonly [K in keyof Gr['options']]?: OptValue<Gr['options'][K]>;
  };
};

export interface LoadOptions<G extends readonly AnyGroup[]> {
  /** Read in order; a later file wins per option. A missing file is an error. */
  readonly files: readonly string[];
  readonly groups: G;
  /** Source of `OS_<GROUP>__<OPTION>` overrides; pass `process.env` to honour them. Default: none. */
  readonly env?: Env;
  readonly overrides?: Overrides<G>;
}

export interface LoadResult<G extends readonly AnyGroup[]> {
  readonly config: ConfigOf<G>;
  /** Unknown sections/options, deprecated names: one line each, never holding a value. */
  readonly warnings: string[];
}

export function loadConfig<const G extends readonly AnyGroup[]>(options: LoadOptions<G>): LoadResult<G> {
  if (!Array.isArray(options.files)) throw new TypeError('loadConfig: files must be an array of paths');
  const docs = options.files.map((file) => parseIni(readConfigFile(file), file));
  return loadDocuments(docs, options.groups, options.env ?? {}, options.overrides ?? {});
}

/** Loads one config text as if it were the only file (`fileName` names it in messages). */
export function loadConfigText<const G extends readonly AnyGroup[]>(
  text: string,
  groups: G,
  fileName = 'keystone.conf',
  options: { env?: Env; overrides?: Overrides<G> } = {},
): LoadResult<G> {
  return loadDocuments([parseIni(text, fileName)], groups, options.env ?? {}, options.overrides ?? {});
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new ConfigFileError(file, reason, { cause: error });
  }
}

function loadDocuments<G extends readonly AnyGroup[]>(
  docs: readonly IniDocument[],
  groups: G,
  env: Env,
  overrides: object,
): LoadResult<G> {
  const byName = indexGroups(groups);
  checkOverrides(overrides as RawOverrides, byName);
  const sources = new SourceSet(docs, groups, env, overrides as RawOverrides);
  const resolver = new Resolver(byName, sources);
  const config: Record<string, Readonly<Record<string, Value>>> = {};
  // Every option is resolved even after a failure, so one run reports every mistake.
  const failures: ConfigError[] = [];
  for (const group of groups) {
    const values: Record<string, Value> = {};
    for (const option of Object.keys(group.options)) {
      try {
        values[option] = resolver.resolve(group.name, option);
      } catch (error) {
        if (error instanceof AlreadyReported) continue;
        if (!(error instanceof ConfigError)) throw error;
        failures.push(error);
      }
    }
    config[group.name] = Object.freeze(values);
  }
  const [only] = failures;
  if (only !== undefined) throw failures.length === 1 && sources.warnings.length === 0 ? only : new ConfigInvalidError(failures, sources.warnings);
  return { config: Object.freeze(config) as ConfigOf<G>, warnings: sources.warnings };
}

/** An option that failed earlier (or whose reference did): its error is already in the list. */
class AlreadyReported extends Error {}

function indexGroups(groups: readonly AnyGroup[]): Map<string, AnyGroup> {
  if (!Array.isArray(groups)) throw new TypeError('loadConfig: groups must be an array of defineGroup() results');
  const byName = new Map<string, AnyGroup>();
  for (const group of groups) {
    if (byName.has(group.name)) throw new TypeError(`loadConfig: group [${group.name}] is declared twice`);
    byName.set(group.name, group);
  }
  return byName;
}

function checkOverrides(overrides: RawOverrides, groups: Map<string, AnyGroup>): void {
  for (const [group, values] of Object.entries(overrides)) {
    const declared = groups.get(group);
    if (declared === undefined) throw new TypeError(`loadConfig: override for unknown group [${group}]`);
    for (const option of Object.keys(values ?? {})) {
      if (!(option in declared.options)) throw new TypeError(`loadConfig: override for unknown option [${group}] ${option}`);
    }
  }
}

class Resolver {
  readonly #groups: Map<string, AnyGroup>;
  readonly #sources: SourceSet;
  readonly #done = new Map<string, Value>();
  readonly #active = new Set<string>();
  readonly #failed = new Set<string>();

  constructor(groups: Map<string, AnyGroup>, sources: SourceSet) {
    this.#groups = groups;
    this.#sources = sources;
  }

  resolve(group: string, option: string): Value {
    const key = `${group}\0${option}`;
    const done = this.#done.get(key);
    if (done !== undefined || this.#done.has(key)) return done ?? null;
    if (this.#failed.has(key)) throw new AlreadyReported();
    const opt = this.#opt(group, option) as Opt<unknown>;
    this.#active.add(key);
    let value: Value;
    try {
      value = this.#convert(group, opt, this.#sources.candidate(group, option, opt));
      if (value === null && opt.required) throw new ConfigRequiredError(group, option, envName(group, option));
    } catch (error) {
      this.#failed.add(key);
      throw error;
    } finally {
      this.#active.delete(key);
    }
    const frozen = Array.isArray(value) ? Object.freeze([...value]) : value;
    this.#done.set(key, frozen);
    return frozen;
  }

  #opt(group: string, option: string): Opt<unknown> | undefined {
    const options = this.#groups.get(group)?.options;
    return options !== undefined && Object.hasOwn(options, option) ? options[option] : undefined;
  }

  #convert(group: string, opt: Opt<unknown>, candidate: Candidate): Value {
    if (candidate.kind === 'typed') {
      const { value, origin } = candidate;
      const expanded = typeof value === 'string'
        ? this.#substitute(value, group, origin)
        : Array.isArray(value) ? value.map((item: string) => this.#substitute(item, group, origin)) : value;
      if (!checkTyped(opt, expanded)) throw new ConfigValueError(origin, show(opt, value), expectedOf(opt));
      return expanded;
    }
    if (opt.kind === 'multistr') return candidate.texts.map(({ text, origin }) => this.#substitute(text, group, origin));
    const { text, origin } = candidate.texts[0];
    const parsed = parseText(opt, this.#substitute(text, group, origin));
    if (!parsed.ok) throw new ConfigValueError(origin, show(opt, text), expectedOf(opt));
    return parsed.value;
  }

  #substitute(text: string, group: string, origin: ValueOrigin): string {
    return substitute(text, (reference) => {
      const target = this.#target(reference, group);
      if (target === undefined) throw new ConfigSubstitutionError(origin, reference, 'no such option');
      if (this.#active.has(`${target[0]}\0${target[1]}`)) {
        throw new ConfigSubstitutionError(origin, reference, 'circular reference');
      }
      return referenceText(this.resolve(target[0], target[1]));
    });
  }

  /** `$opt` looks in the value's own group, then DEFAULT; `${group.opt}` names the group. */
  #target(reference: string, group: string): [string, string] | undefined {
    const dot = reference.indexOf('.');
    if (dot >= 0) {
      const [refGroup, refOption] = [reference.slice(0, dot), reference.slice(dot + 1)];
      if (this.#opt(refGroup, refOption) !== undefined) return [refGroup, refOption];
    } else if (this.#opt(group, reference) !== undefined) {
      return [group, reference];
    }
    return this.#opt('DEFAULT', reference) !== undefined ? ['DEFAULT', reference] : undefined;
  }
}

function show(opt: Opt<unknown>, value: Value): string {
  if (opt.secret) return `"${SECRET_MASK}"`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value.join(','));
  return String(value);
}
