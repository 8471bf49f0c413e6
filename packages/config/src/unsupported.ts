// Keystone options Baton declares, so a keystone.conf written for Keystone loads, but does
// not act on. Each one set in a file is reported once at start-up, naming file, line and
// option; `baton identity serve --strict` refuses to start instead. Kept apart from the
// loader: it only reads the files again and looks for these names.
import { readFileSync } from 'node:fs';
import { parseIni } from './ini.ts';

/** group → option → why it does nothing in Baton. */
export const UNSUPPORTED_OPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  cache: {
    tls_enabled: 'Baton speaks to memcached and Redis without TLS (use a rediss:// url backend_argument for Redis over TLS)',
  },
  trust: {
    allow_redelegation: 'Keystone 22 does not read it either; each trust\'s allow_redelegation decides',
  },
};

/** Options each name in UNSUPPORTED_OPTIONS, set in `files`, as "file:line: [group] option …" lines. */
export function unsupportedSettings(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const doc = parseIni(readFileSync(file, 'utf8'), file);
    for (const section of doc.sections.values()) {
      const group = section.name === 'DEFAULT' ? section.name : section.name.toLowerCase();
      const options = UNSUPPORTED_OPTIONS[group];
      if (options === undefined) continue;
      for (const [key, values] of section.entries) {
        const reason = options[key];
        const line = values[0]?.line;
        if (reason === undefined || line === undefined) continue;
        found.push(`${file}:${line}: [${section.name}] ${key} is not supported by Baton and is ignored: ${reason}`);
      }
    }
  }
  return found;
}
