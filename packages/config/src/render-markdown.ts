// The option reference in docs/configuration.md: one table per group.

import type { AnyGroup } from './group.ts';
import type { Opt } from './opts.ts';
import { envName } from './sources.ts';
import { TYPE_NAMES, formatDefault } from './text.ts';

export function renderMarkdown(groups: readonly AnyGroup[]): string {
  const out: string[] = [];
  for (const group of groups) {
    out.push(`### [${group.name}]`, '', cell(group.help), '');
    out.push('| Option | Type | Default | Environment | Description |', '|---|---|---|---|---|');
    for (const [name, opt] of Object.entries(group.options)) {
      const defaults = formatDefault(opt).map((v) => (v === '' ? '(empty)' : `\`${v}\``));
      out.push(
        `| \`${name}\` | ${TYPE_NAMES[opt.kind]} | ${cell(defaults.join(', '))} | \`${envName(group.name, name)}\` | ${cell(describe(name, opt))} |`,
      );
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function describe(name: string, opt: Opt<unknown>): string {
  const notes: string[] = [opt.help];
  if (opt.min !== undefined) notes.push(`Minimum: ${opt.min}.`);
  if (opt.max !== undefined) notes.push(`Maximum: ${opt.max}.`);
  if (opt.choices !== undefined) notes.push(`One of: ${opt.choices.join(', ')}.`);
  if (opt.schemes !== undefined) notes.push(`Schemes: ${opt.schemes.join(', ')}.`);
  if (opt.required) notes.push('Required.');
  if (opt.secret) notes.push('Secret: shown as `****` in errors.');
  if (opt.deprecatedName !== undefined || opt.deprecatedGroup !== undefined) {
    notes.push(`Deprecated alias: \`[${opt.deprecatedGroup ?? 'same group'}] ${opt.deprecatedName ?? name}\`.`);
  }
  if (opt.deprecatedSince !== undefined) notes.push(`Deprecated since ${opt.deprecatedSince}: ${opt.deprecatedReason ?? ''}`);
  return notes.join(' ');
}

// Table cells cannot hold newlines or bare pipes.
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|');
}
