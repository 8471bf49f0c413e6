// Picks, for every declared option, the raw value that wins: override, then environment
// (`OS_<GROUP>__<OPTION>`), then config files (later file wins; multistr values add up
// across files), then the default. This is oslo.config's order minus the command line.

import type { ValueOrigin } from './errors.ts';
import type { AnyGroup } from './group.ts';
import type { IniDocument, IniValue } from './ini.ts';
import type { Opt } from './opts.ts';
import { nearestName } from './suggest.ts';
import type { Value } from './validate.ts';

export interface TextEntry {
  readonly text: string;
  readonly origin: ValueOrigin;
}

export type Candidate =
  | { readonly kind: 'typed'; readonly value: Value; readonly origin: ValueOrigin }
  | { readonly kind: 'text'; readonly texts: readonly [TextEntry, ...TextEntry[]] };

interface Found {
  readonly section: string;
  readonly key: string;
  readonly values: readonly IniValue[];
}

/** One file's sections, keyed by oslo's normalized section name. */
type Normalized = { readonly file: string; readonly sections: Map<string, Map<string, Found>> };

export type Env = Readonly<Record<string, string | undefined>>;
export type RawOverrides = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

/** oslo lower-cases section names except DEFAULT. */
export function normalizeSection(name: string): string {
  return name === 'DEFAULT' ? name : name.toLowerCase();
}

export function envName(group: string, option: string): string {
  return `OS_${group.toUpperCase()}__${option.toUpperCase()}`;
}

export function namesOf(group: string, option: string, opt: Opt<unknown>): [string, string][] {
  const names: [string, string][] = [[group, option]];
  if (opt.deprecatedName !== undefined || opt.deprecatedGroup !== undefined) {
    names.push([opt.deprecatedGroup ?? group, opt.deprecatedName ?? option]);
  }
  return names;
}

export class SourceSet {
  readonly warnings: string[] = [];
  readonly #docs: Normalized[];
  readonly #env: Env;
  readonly #overrides: RawOverrides;

  constructor(docs: readonly IniDocument[], groups: readonly AnyGroup[], env: Env, overrides: RawOverrides) {
    this.#docs = docs.map(normalize);
    this.#env = env;
    this.#overrides = overrides;
    this.#warnUnknown(groups);
  }

  candidate(group: string, option: string, opt: Opt<unknown>): Candidate {
    const override = this.#overrides[group]?.[option];
    if (override !== undefined) {
      return { kind: 'typed', value: override as Value, origin: { source: 'override', section: group, option } };
    }
    const name = envName(group, option);
    const fromEnv = this.#env[name];
    if (fromEnv !== undefined) {
      this.#warnRemoval(opt, `environment ${name}`, group, option);
      return { kind: 'text', texts: [{ text: fromEnv, origin: { source: `environment ${name}`, section: group, option } }] };
    }
    const found = opt.kind === 'multistr' ? this.#allFromFiles(group, option, opt) : this.#lastFromFiles(group, option, opt);
    const [first, ...rest] = found;
    if (first !== undefined) return { kind: 'text', texts: [first, ...rest] };
    return { kind: 'typed', value: opt.default, origin: { source: 'default', section: group, option } };
  }

  #lastFromFiles(group: string, option: string, opt: Opt<unknown>): TextEntry[] {
    for (const doc of [...this.#docs].reverse()) {
      const hit = this.#lookup(doc, group, option, opt)[0];
      const last = hit?.values[hit.values.length - 1];
      if (hit !== undefined && last !== undefined) return [this.#entry(doc, hit, last, group, option, opt)];
    }
    return [];
  }

  #allFromFiles(group: string, option: string, opt: Opt<unknown>): TextEntry[] {
    return this.#docs.flatMap((doc) =>
      this.#lookup(doc, group, option, opt).flatMap((hit) =>
        hit.values.map((value) => this.#entry(doc, hit, value, group, option, opt)),
      ),
    );
  }

  /** Hits in one file, the current name before the deprecated one. */
  #lookup(doc: Normalized, group: string, option: string, opt: Opt<unknown>): Found[] {
    return namesOf(group, option, opt).flatMap(([section, key]) => {
      const hit = doc.sections.get(normalizeSection(section))?.get(key);
      return hit === undefined ? [] : [hit];
    });
  }

  #entry(doc: Normalized, hit: Found, value: IniValue, group: string, option: string, opt: Opt<unknown>): TextEntry {
    const source = `${doc.file}:${value.line}`;
    if (normalizeSection(hit.section) !== group || hit.key !== option) {
      this.#warn(`${source}: [${hit.section}] ${hit.key} is deprecated; use [${group}] ${option}`);
    }
    this.#warnRemoval(opt, source, hit.section, hit.key);
    return { text: value.value, origin: { source, section: hit.section, option: hit.key } };
  }

  #warnRemoval(opt: Opt<unknown>, source: string, section: string, key: string): void {
    if (opt.deprecatedSince === undefined) return;
    this.#warn(
      `${source}: [${section}] ${key} is deprecated since ${opt.deprecatedSince} and may be ignored in a later release: ${opt.deprecatedReason ?? ''}`,
    );
  }

  #warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  #warnUnknown(groups: readonly AnyGroup[]): void {
    const known = new Set<string>();
    for (const group of groups) {
      for (const [option, opt] of Object.entries(group.options)) {
        for (const [section, key] of namesOf(group.name, option, opt)) known.add(`${normalizeSection(section)}\0${key}`);
      }
    }
    const byName = new Map(groups.map((g) => [g.name, g]));
    for (const doc of this.#docs) {
      for (const [normalized, keys] of doc.sections) {
        const group = byName.get(normalized);
        for (const found of keys.values()) {
          if (known.has(`${normalized}\0${found.key}`)) continue;
          const line = found.values[0]?.line ?? 0;
          const what = group === undefined ? 'unknown section' : 'unknown option';
          const nearest = group === undefined ? nearestName(found.section, byName.keys()) : nearestName(found.key, Object.keys(group.options));
          const hint = nearest === undefined ? '' : group === undefined ? `; did you mean [${nearest}]?` : `; did you mean \`${nearest}\`?`;
          this.#warn(`${doc.file}:${line}: [${found.section}] ${found.key}: ${what}, ignored${hint}`);
        }
      }
    }
  }
}

function normalize(doc: IniDocument): Normalized {
  const sections = new Map<string, Map<string, Found>>();
  for (const section of doc.sections.values()) {
    const name = normalizeSection(section.name);
    const keys = sections.get(name) ?? new Map<string, Found>();
    for (const [key, values] of section.entries) {
      // `[Token]` and `[token]` in one file merge, as in oslo's normalized view.
      const previous = keys.get(key);
      keys.set(key, {
        section: previous?.section ?? section.name,
        key,
        values: previous === undefined ? values : [...previous.values, ...values].sort((a, b) => a.line - b.line),
      });
    }
    sections.set(name, keys);
  }
  return { file: doc.file, sections };
}
