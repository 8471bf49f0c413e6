// How findings are shown: a table for people (colour only on a terminal without NO_COLOR)
// and JSON for automation.
import { describeLocation, exitCodeOf, type Finding } from './findings.ts';

const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/** Colour when writing to a terminal, unless NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] ?? '') === '';
}

export function renderTable(findings: readonly Finding[], color: boolean): string {
  const paint = (code: string, text: string) => (color ? `${code}${text}${RESET}` : text);
  if (findings.length === 0) return 'No problems found.\n';
  const rows = findings.map((f) => [f.severity, f.id, describeLocation(f.location)] as const);
  const width = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]!.length), c === 0 ? 'SEVERITY'.length : 'FINDING'.length));
  const pad = (text: string, n: number) => text + ' '.repeat(Math.max(0, n - text.length));
  const indent = ' '.repeat((width[0] as number) + 2);
  const lines = [paint(BOLD, `${pad('SEVERITY', width[0] as number)}  ${pad('FINDING', width[1] as number)}  WHERE`)];
  findings.forEach((f, i) => {
    const [severity, id, where] = rows[i] as readonly [string, string, string];
    lines.push(`${paint(f.severity === 'error' ? RED : YELLOW, pad(severity, width[0] as number))}  ${paint(BOLD, pad(id, width[1] as number))}  ${where}`);
    lines.push(`${indent}${paint(DIM, 'why:')} ${f.why}`);
    const [first, ...more] = f.fix.split('\n');
    lines.push(`${indent}${paint(DIM, 'fix:')} ${first}`, ...more.map((l) => `${indent}     ${l}`));
  });
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  lines.push('', `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(findings: readonly Finding[]): string {
  return `${JSON.stringify({ exitCode: exitCodeOf(findings), findings }, null, 2)}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
