// A group is one INI section's worth of options (oslo's OptGroup). Any package can declare
// its own groups (e.g. `[keystone_authtoken]`) and pass them to `loadConfig` with these.

import type { Opt, OptValue } from './opts.ts';

export type OptionMap = { readonly [name: string]: Opt<unknown> };

export interface Group<N extends string = string, O extends OptionMap = OptionMap> {
  readonly name: N;
  readonly help: string;
  readonly options: O;
}

export type AnyGroup = Group<string, OptionMap>;

export type GroupValues<O extends OptionMap> = { readonly [K in keyof O]: OptValue<O[K]> };

/** The loaded, frozen configuration for a list of groups, keyed by group name. */
export type ConfigOf<G extends readonly AnyGroup[]> = {
  readonly [Gr in G[number] as Gr['name']]: GroupValues<Gr['options']>;
};

const OPTION_NAME = /^[a-z_][a-z0-9_]*$/;
// oslo lower-cases every section name except DEFAULT before matching, so a group must be
// declared in lower case to be reachable.
const GROUP_NAME = /^(DEFAULT|[a-z_][a-z0-9_]*)$/;

export function defineGroup<const N extends string, const O extends OptionMap>(
  name: N,
  spec: { help: string; options: O },
): Group<N, O> {
  if (!GROUP_NAME.test(name)) throw new TypeError(`defineGroup: invalid group name ${JSON.stringify(name)}`);
  if (typeof spec.help !== 'string' || spec.help.trim() === '') {
    throw new TypeError(`defineGroup(${name}): help text is required`);
  }
  for (const option of Object.keys(spec.options)) {
    if (!OPTION_NAME.test(option)) {
      throw new TypeError(`defineGroup(${name}): invalid option name ${JSON.stringify(option)}`);
    }
  }
  return Object.freeze({ name, help: spec.help, options: Object.freeze({ ...spec.options }) });
}
