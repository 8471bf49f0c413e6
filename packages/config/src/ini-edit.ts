// Sets a few options in an INI file's text and leaves every other line as written: comments,
// order and an operator's own edits survive (`baton up` updates only what its flags decide).
import { parseIni } from './ini.ts';

export interface IniSetting {
  readonly section: string;
  readonly key: string;
  readonly value: string;
}

export interface IniChange extends IniSetting {
  /** The value before, or undefined when the option was not set. */
  readonly previous: string | undefined;
}

/**
 * Returns `text` with each setting applied: the last `key = value` line of the section is
 * replaced (continuation lines included), a missing key goes after the section's last option
 * (or its first header), and a missing section is appended. Settings whose value is already set change nothing.
 */
export function setIniValues(text: string, file: string, settings: readonly IniSetting[]): { text: string; changes: IniChange[] } {
  let lines = text.split('\n');
  const changes: IniChange[] = [];
  for (const setting of settings) {
    // Parsed again for each setting: line numbers move when one is inserted.
    const section = parseIni(lines.join('\n'), file).sections.get(setting.section);
    const current = section?.entries.get(setting.key)?.at(-1);
    if (current?.value === setting.value) continue;
    const line = `${setting.key} = ${setting.value}`;
    if (current !== undefined) {
      let end = current.line;
      while (end < lines.length && /^[ \t]+\S/.test(lines[end] ?? '')) end++;
      lines.splice(current.line - 1, end - current.line + 1, line);
    } else if (section !== undefined) {
      const last = Math.max(section.line, ...[...section.entries.values()].flat().map((v) => v.line));
      let at = last;
      while (at < lines.length && /^[ \t]+\S/.test(lines[at] ?? '')) at++;
      lines.splice(at, 0, line);
    } else {
      if (lines.at(-1) === '') lines.pop();
      lines = [...lines, ...(lines.length > 0 && lines.at(-1) !== '' ? [''] : []), `[${setting.section}]`, line, ''];
    }
    changes.push({ ...setting, previous: current?.value });
  }
  return { text: lines.join('\n'), changes };
}
