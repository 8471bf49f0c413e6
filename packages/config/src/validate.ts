// Conversion of option text to typed values, and the limits each type enforces. The
// accepted spellings follow oslo_config/types.py (booleans, Python-style integers, comma
// lists); every failure is reported as one "expected …" phrase so messages stay uniform.

import type { Opt } from './opts.ts';

export type Value = string | number | boolean | readonly string[] | null;

export type Parsed = { readonly ok: true; readonly value: Value } | { readonly ok: false };

const TRUE_WORDS = new Set(['true', '1', 'on', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'off', 'no']);
// Python's int() also takes `_` between digits, so `1_000` is valid in oslo.config.
const INTEGER = /^[+-]?\d+(?:_\d+)*$/;
const FLOAT = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:e[+-]?\d+)?$/i;
const SCHEME_URL = /^([a-z][a-z0-9+.-]*):\/\/(.+)$/is;
const URI = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^\s]*)$/i;
const REG_NAME_HOST = /^[a-z0-9._~!$&'()*+,;=%-]+$/i;
const IP_LITERAL_HOST = /^\[[0-9a-f:.]+\]$/i;

const FAIL: Parsed = { ok: false };

/** What an option accepts, as the tail of "expected …". */
export function expectedOf(opt: Opt<unknown>): string {
  if (opt.choices !== undefined) return `one of: ${opt.choices.join(', ')}`;
  switch (opt.kind) {
    case 'int':
      return bounded('an integer', opt);
    case 'float':
      return bounded('a number', opt);
    case 'port':
      return `a port number between ${opt.min ?? 0} and ${opt.max ?? 65535}`;
    case 'bool':
      return 'a boolean (true/false, yes/no, on/off, 1/0)';
    case 'uri':
      return opt.schemes === undefined
        ? 'a URI with a scheme and a host'
        : `a URI with a host and scheme ${orList(opt.schemes)}`;
    case 'str':
      return opt.schemes === undefined ? 'a string' : `a URL starting with ${orList(opt.schemes.map((s) => `${s}://`))}`;
    case 'list':
    case 'multistr':
      return 'a comma-separated list of strings';
  }
}

function bounded(noun: string, opt: Opt<unknown>): string {
  if (opt.min !== undefined && opt.max !== undefined) return `${noun} between ${opt.min} and ${opt.max}`;
  if (opt.min !== undefined) return `${noun} >= ${opt.min}`;
  if (opt.max !== undefined) return `${noun} <= ${opt.max}`;
  return noun;
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Converts one already-substituted text value (not for multistr, which stays text). */
export function parseText(opt: Opt<unknown>, text: string): Parsed {
  switch (opt.kind) {
    case 'int':
    case 'port':
    case 'float': {
      const trimmed = text.trim();
      // oslo reads an empty number as "unset"; only an option whose default is null can be unset.
      if (trimmed === '') return opt.default === null ? { ok: true, value: null } : FAIL;
      const pattern = opt.kind === 'float' ? FLOAT : INTEGER;
      if (!pattern.test(trimmed)) return FAIL;
      const value = Number(trimmed.replaceAll('_', ''));
      if (opt.kind !== 'float' && !Number.isSafeInteger(value)) return FAIL;
      return checkTyped(opt, value) ? { ok: true, value } : FAIL;
    }
    case 'bool': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return FAIL;
    }
    case 'list':
      return { ok: true, value: splitList(text) };
    case 'multistr':
      return { ok: true, value: [text] };
    case 'str':
    case 'uri':
      return checkTyped(opt, text) ? { ok: true, value: text } : FAIL;
  }
}

function splitList(text: string): string[] {
  const body = text.trim().replace(/,+$/, '');
  return body === '' ? [] : body.split(',').map((item) => item.trim());
}

/** Whether a typed value meets the option's type and limits. */
export function checkTyped(opt: Opt<unknown>, value: Value): boolean {
  // Unset is fine where the default is unset; `required` is enforced after loading.
  if (value === null) return opt.default === null;
  switch (opt.kind) {
    case 'int':
    case 'port':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      if (opt.kind !== 'float' && !Number.isInteger(value)) return false;
      if (opt.choices !== undefined) return opt.choices.includes(value);
      return (opt.min === undefined || value >= opt.min) && (opt.max === undefined || value <= opt.max);
    case 'bool':
      return typeof value === 'boolean';
    case 'list':
    case 'multistr':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'str':
      if (typeof value !== 'string') return false;
      if (opt.choices !== undefined) return opt.choices.includes(value);
      return opt.schemes === undefined || hasScheme(value, opt.schemes);
    case 'uri':
      return typeof value === 'string' && isUri(value, opt.schemes);
  }
}

function hasScheme(value: string, schemes: readonly string[]): boolean {
  const match = SCHEME_URL.exec(value);
  return match !== null && schemes.includes((match[1] ?? '').toLowerCase());
}

// oslo's URIOpt requires a scheme and a host (RFC 3986 via the rfc3986 package).
function isUri(value: string, schemes: readonly string[] | undefined): boolean {
  const match = URI.exec(value);
  if (match === null) return false;
  const scheme = (match[1] ?? '').toLowerCase();
  if (schemes !== undefined && !schemes.includes(scheme)) return false;
  const authority = (match[2] ?? '').replace(/^[^@]*@/, '');
  const host = authority.startsWith('[') ? authority.replace(/(\])(:\d*)?$/, '$1') : authority.replace(/:\d*$/, '');
  return host !== '' && (REG_NAME_HOST.test(host) || IP_LITERAL_HOST.test(host));
}

/**
 * Checks a declared default; returns the expected-phrase when it is invalid. Defaults that
 * hold `$` references are checked at load time, after substitution.
 */
export function checkDefault(opt: Opt<unknown>): string | undefined {
  const value = opt.default;
  if (value === null) return undefined;
  if (typeof value === 'string' && value.includes('$')) return undefined;
  if (opt.kind === 'multistr' && !Array.isArray(value)) return expectedOf(opt);
  return checkTyped(opt, value) ? undefined : expectedOf(opt);
}
