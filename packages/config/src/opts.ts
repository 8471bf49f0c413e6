// Option declarations as data, in the shape of oslo.config's typed opts. Each builder
// returns a frozen `Opt<T>` whose `T` is the loaded value's type, so `loadConfig` can type
// its result from the declarations alone.

import { checkDefault } from './validate.ts';

export type OptKind = 'str' | 'int' | 'float' | 'bool' | 'list' | 'multistr' | 'uri' | 'port';

export type OptDefault = string | number | boolean | readonly string[] | null;

declare const VALUE: unique symbol;

export interface Opt<T> {
  readonly kind: OptKind;
  readonly help: string;
  /** The declared default; strings may hold `$opt` references, substituted at load. */
  readonly default: OptDefault;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly (string | number)[];
  /** For str/uri: the value must be `<scheme>://…` with one of these schemes. */
  readonly schemes?: readonly string[];
  readonly secret: boolean;
  readonly required: boolean;
  readonly deprecatedName?: string;
  readonly deprecatedGroup?: string;
  readonly deprecatedSince?: string;
  readonly deprecatedReason?: string;
  /** Type-level only: the loaded value's type. Never set at runtime. */
  readonly [VALUE]?: T;
}

export type OptValue<O> = O extends Opt<infer T> ? T : never;

interface BaseSpec {
  help: string;
  secret?: boolean;
  deprecatedName?: string;
  deprecatedGroup?: string;
  deprecatedSince?: string;
  deprecatedReason?: string;
}

interface Nullable<D> {
  default: D | null;
  required?: boolean;
}

export interface StrSpec extends BaseSpec, Nullable<string> {
  choices?: readonly string[];
  schemes?: readonly string[];
}
export interface NumberSpec extends BaseSpec, Nullable<number> {
  min?: number;
  max?: number;
  choices?: readonly number[];
}
export interface BoolSpec extends BaseSpec {
  default: boolean;
}
export interface ListSpec extends BaseSpec, Nullable<readonly string[]> {}
export interface MultiStrSpec extends BaseSpec {
  default: readonly string[];
}
export interface UriSpec extends BaseSpec, Nullable<string> {
  schemes?: readonly string[];
}

// Overload order matters: a literal `choices` tuple narrows the value to its members, and
// `required: true` removes `null` even when the default is null.
export function strOpt<const C extends readonly string[]>(
  spec: StrSpec & { choices: C; default: C[number] },
): Opt<C[number]>;
export function strOpt(spec: StrSpec & { default: string }): Opt<string>;
export function strOpt(spec: StrSpec & { default: null; required: true }): Opt<string>;
export function strOpt(spec: StrSpec & { default: null }): Opt<string | null>;
export function strOpt(spec: StrSpec): Opt<string | null> {
  return build('str', spec);
}

export function intOpt(spec: NumberSpec & { default: number }): Opt<number>;
export function intOpt(spec: NumberSpec & { default: null; required: true }): Opt<number>;
export function intOpt(spec: NumberSpec & { default: null }): Opt<number | null>;
export function intOpt(spec: NumberSpec): Opt<number | null> {
  return build('int', spec);
}

export function floatOpt(spec: Omit<NumberSpec, 'choices'> & { default: number }): Opt<number>;
export function floatOpt(spec: Omit<NumberSpec, 'choices'> & { default: null; required: true }): Opt<number>;
export function floatOpt(spec: Omit<NumberSpec, 'choices'> & { default: null }): Opt<number | null>;
export function floatOpt(spec: Omit<NumberSpec, 'choices'>): Opt<number | null> {
  return build('float', spec);
}

/** An integer in 0..65535 (narrower with min/max), as oslo's PortOpt. */
export function portOpt(spec: NumberSpec & { default: number }): Opt<number>;
export function portOpt(spec: NumberSpec & { default: null; required: true }): Opt<number>;
export function portOpt(spec: NumberSpec & { default: null }): Opt<number | null>;
export function portOpt(spec: NumberSpec): Opt<number | null> {
  const min = spec.min ?? 0;
  const max = spec.max ?? 65535;
  if (min < 0 || max > 65535) throw new TypeError('portOpt: min/max must lie within 0..65535');
  return build('port', { ...spec, min, max });
}

export function boolOpt(spec: BoolSpec): Opt<boolean> {
  return build('bool', spec);
}

/** Comma-separated values; items are trimmed and a trailing comma is ignored. */
export function listOpt(spec: ListSpec & { default: readonly string[] }): Opt<readonly string[]>;
export function listOpt(spec: ListSpec & { default: null; required: true }): Opt<readonly string[]>;
export function listOpt(spec: ListSpec & { default: null }): Opt<readonly string[] | null>;
export function listOpt(spec: ListSpec): Opt<readonly string[] | null> {
  return build('list', spec);
}

/** Set by repeating the key; values from every file are kept, in file order. */
export function multiStrOpt(spec: MultiStrSpec): Opt<readonly string[]> {
  return build('multistr', spec);
}

/** A URI with a scheme and a host (oslo's URIOpt), optionally limited to `schemes`. */
export function uriOpt(spec: UriSpec & { default: string }): Opt<string>;
export function uriOpt(spec: UriSpec & { default: null; required: true }): Opt<string>;
export function uriOpt(spec: UriSpec & { default: null }): Opt<string | null>;
export function uriOpt(spec: UriSpec): Opt<string | null> {
  return build('uri', spec);
}

type AnySpec = BaseSpec & {
  default: OptDefault;
  required?: boolean;
  min?: number;
  max?: number;
  choices?: readonly (string | number)[];
  schemes?: readonly string[];
};

function build<T>(kind: OptKind, spec: AnySpec): Opt<T> {
  if (typeof spec.help !== 'string' || spec.help.trim() === '') {
    throw new TypeError(`${kind}Opt: help text is required`);
  }
  if (spec.min !== undefined && spec.max !== undefined && spec.max < spec.min) {
    throw new TypeError(`${kind}Opt: max ${spec.max} is less than min ${spec.min}`);
  }
  if (spec.deprecatedSince !== undefined && spec.deprecatedReason === undefined) {
    throw new TypeError(`${kind}Opt: deprecatedSince needs a deprecatedReason`);
  }
  const opt: Opt<T> = {
    kind,
    help: spec.help,
    default: Array.isArray(spec.default) ? Object.freeze([...spec.default]) : spec.default,
    secret: spec.secret ?? false,
    required: spec.required ?? false,
    ...pick(spec, ['min', 'max', 'deprecatedName', 'deprecatedGroup', 'deprecatedSince', 'deprecatedReason']),
    ...(spec.choices === undefined ? {} : { choices: Object.freeze([...spec.choices]) }),
    ...(spec.schemes === undefined ? {} : { schemes: Object.freeze(spec.schemes.map((s) => s.toLowerCase())) }),
  };
  const problem = checkDefault(opt);
  if (problem !== undefined) throw new TypeError(`${kind}Opt: default ${JSON.stringify(opt.default)} is not ${problem}`);
  return Object.freeze(opt);
}

function pick<K extends keyof AnySpec>(spec: AnySpec, keys: readonly K[]): Partial<Pick<AnySpec, K>> {
  const out: Partial<Pick<AnySpec, K>> = {};
  for (const key of keys) if (spec[key] !== undefined) out[key] = spec[key];
  return out;
}
