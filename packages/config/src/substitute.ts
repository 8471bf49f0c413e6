// `$name` / `${name}` / `${group.name}` references inside option values, with the rules of
// oslo.config's string.Template use: `$$` and `\$` are a literal dollar, a `$` not followed
// by a name is left alone, and a name that matches no option is an error.

// Same identifier shape as oslo's Template.idpattern, case-insensitive like string.Template.
const TEMPLATE = /\$(?:(\$)|([_a-z][._a-z0-9]*)|\{([_a-z][._a-z0-9]*)\})/gi;

/** Replaces every reference in `text` with `resolve(reference)`. */
export function substitute(text: string, resolve: (reference: string) => string): string {
  if (!text.includes('$')) return text;
  return text.replaceAll('\\$', '$$$$').replace(TEMPLATE, (match: string, escaped?: string, named?: string, braced?: string) => {
    if (escaped !== undefined) return '$';
    const reference = named ?? braced;
    return reference === undefined ? match : resolve(reference);
  });
}

/** Text form of a resolved option value inside another value. */
export function referenceText(value: string | number | boolean | readonly string[] | null): string {
  if (value === null) return '';
  // Python's str(True) is "True"; keep that so a file behaves as under Keystone.
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}
