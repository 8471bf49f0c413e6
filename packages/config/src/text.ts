// Text helpers shared by the sample and Markdown renderers.

import type { Opt, OptKind } from './opts.ts';

export const TYPE_NAMES: Readonly<Record<OptKind, string>> = {
  str: 'string value',
  int: 'integer value',
  float: 'floating point value',
  bool: 'boolean value',
  list: 'list value',
  multistr: 'multi valued',
  uri: 'uri value',
  port: 'port value',
};

/** Greedy word wrap; a word longer than `width` gets a line of its own. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Default values as an operator would write them in the INI file. */
export function formatDefault(opt: Opt<unknown>): string[] {
  const value = opt.default;
  if (opt.kind === 'multistr') return Array.isArray(value) && value.length > 0 ? [...value] : [''];
  if (value === null) return ['<None>'];
  if (Array.isArray(value)) return [value.join(',')];
  const text = String(value);
  // Surrounding spaces would be lost by the parser without quotes.
  return [text.trim() === text ? text : `"${text}"`];
}
