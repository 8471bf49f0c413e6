// What a differential test compares between the real Keystone and Baton: the JSON's keys
// and value types, recursively, with links reduced to their path (ids as {id}), so ids,
// names, timestamps and the two services' ports never count. List order does not count
// either (Keystone lists in insertion order, Baton by id): element shapes are sorted.

/** Absolute …/v3/… URLs become `link:/v3/…` with every 32-hex id (and `default`) replaced. */
function linkShape(text: string): string | null {
  const match = /^https?:\/\/[^/]+(\/v3\/?.*)$/.exec(text);
  if (match === null) return null;
  return `link:${(match[1] ?? '').replace(/[0-9a-f]{32}/g, '{id}').replace(/\?.*$/, '')}`;
}

export function jsonShape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    return value.map(jsonShape).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  switch (typeof value) {
    case 'string':
      return linkShape(value) ?? 'string';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'object':
      return Object.fromEntries(
        Object.keys(value as object)
          .sort()
          .map((key) => [key, jsonShape((value as Record<string, unknown>)[key])]),
      );
    default:
      return typeof value;
  }
}
