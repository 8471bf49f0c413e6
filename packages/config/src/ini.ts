// INI parsing with oslo.config's rules (oslo_config/iniparser.py), which differ from most
// npm INI parsers: repeated keys are all kept (MultiStrOpt depends on it), `key: value` is
// valid, only whole-line comments exist, and indented lines continue the previous value.

import { ConfigParseError } from './errors.ts';

export interface IniValue {
  readonly value: string;
  /** 1-based line of the `key = value` line. */
  readonly line: number;
}

export interface IniSection {
  /** The name as written between the brackets. */
  readonly name: string;
  /** Line of the first header for this section (repeated headers merge). */
  readonly line: number;
  /** Every key with all its values in file order. */
  readonly entries: ReadonlyMap<string, readonly IniValue[]>;
}

export interface IniDocument {
  readonly file: string;
  /** Sections by name as written, in order of first appearance. */
  readonly sections: ReadonlyMap<string, IniSection>;
}

interface MutableSection {
  name: string;
  line: number;
  entries: Map<string, IniValue[]>;
}

interface Pending {
  key: string;
  parts: string[];
  line: number;
}

/** Parses INI text; `file` only names the source in errors. */
export function parseIni(text: string, file: string): IniDocument {
  if (typeof text !== 'string') throw new TypeError('parseIni: text must be a string');
  const sections = new Map<string, MutableSection>();
  let current: MutableSection | undefined;
  let pending: Pending | undefined;

  const flush = (): void => {
    if (pending === undefined) return;
    // A key can only be pending inside a section: assignments before one are rejected below.
    const target = current as MutableSection;
    const list = target.entries.get(pending.key) ?? [];
    list.push({ value: pending.parts.join('\n'), line: pending.line });
    target.entries.set(pending.key, list);
    pending = undefined;
  };

  // A UTF-8 BOM from a Windows editor would otherwise hide the first section header.
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trimEnd();
    if (line === '') {
      flush();
      return;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (pending === undefined) throw new ConfigParseError(file, lineNo, 'unexpected continuation line');
      pending.parts.push(line.trimStart());
      return;
    }
    flush();
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) throw new ConfigParseError(file, lineNo, 'section header must end with "]"');
      if (line.length <= 2) throw new ConfigParseError(file, lineNo, 'empty section name');
      const name = line.slice(1, -1);
      current = sections.get(name) ?? { name, line: lineNo, entries: new Map() };
      sections.set(name, current);
      return;
    }
    if (line.startsWith('#') || line.startsWith(';')) return;
    const { key, value } = splitAssignment(line, file, lineNo);
    if (current === undefined) {
      throw new ConfigParseError(file, lineNo, 'assignment before the first [section] header');
    }
    pending = { key, parts: [value], line: lineNo };
  });
  flush();
  return { file, sections };
}

function splitAssignment(line: string, file: string, lineNo: number): { key: string; value: string } {
  const colon = line.indexOf(':');
  const equal = line.indexOf('=');
  if (colon < 0 && equal < 0) throw new ConfigParseError(file, lineNo, 'expected "key = value" or "key: value"');
  // Whichever separator comes first splits the line, so `url = http://x` keeps its colon.
  const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
  const key = line.slice(0, at).trim();
  if (key === '') throw new ConfigParseError(file, lineNo, 'empty key');
  let value = line.slice(at + 1).trim();
  if (value !== '' && (value[0] === '"' || value[0] === "'") && value[0] === value[value.length - 1]) {
    value = value.slice(1, -1);
  }
  return { key, value };
}

/** All values of `key` in `section` (empty when absent). */
export function iniValues(doc: IniDocument, section: string, key: string): string[] {
  return (doc.sections.get(section)?.entries.get(key) ?? []).map((v) => v.value);
}
