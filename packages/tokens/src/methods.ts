// Auth methods travel as an integer bitmask (keystone/auth/plugins/core.py): the n-th entry of
// `[auth] methods` is bit 2^n, plus two fixed bits for methods that are not auth plugins.
// Reordering `[auth] methods` therefore changes what existing tokens decode to, as in Keystone.

const PSEUDO_METHOD_BITS: ReadonlyArray<readonly [number, string]> = [
  [2 ** 32, 'ec2credential'],
  [2 ** 33, 'oauth2_credential'],
];

function methodMap(authMethods: readonly string[]): Array<readonly [number, string]> {
  if (!Array.isArray(authMethods) || authMethods.some((m) => typeof m !== 'string')) {
    throw new TypeError('authMethods must be an array of strings');
  }
  // 32 keeps configured bits below the fixed pseudo bits; duplicates would own two bits.
  if (authMethods.length > 32) throw new TypeError('authMethods may list at most 32 methods');
  if (new Set(authMethods).size !== authMethods.length) throw new TypeError('authMethods lists a method twice');
  return [...authMethods.map((m, i) => [2 ** i, m] as const), ...PSEUDO_METHOD_BITS];
}

/**
 * Methods to bitmask. A method listed twice counts once (Keystone deduplicates method names
 * before building a token). A method that has no bit is a caller mistake (TypeError); Keystone
 * would silently drop it from the token.
 */
export function methodsToBitmask(methods: readonly string[], authMethods: readonly string[]): number {
  const map = methodMap(authMethods);
  let mask = 0;
  for (const method of new Set(methods)) {
    const entry = map.find(([, name]) => name === method);
    if (entry === undefined) throw new TypeError(`auth method ${JSON.stringify(method)} is not in [auth] methods`);
    mask += entry[0];
  }
  return mask;
}

/**
 * Bitmask to methods, highest bit first, as Keystone lists them (2+4 → token, password).
 * For any mask built from known bits this equals Keystone's decoding. Unknown bits (a token
 * from a deployment with a longer `[auth] methods`) are ignored here, where Keystone's
 * division walk would drop or mislabel known methods too.
 */
export function bitmaskToMethods(mask: number, authMethods: readonly string[]): string[] {
  if (!Number.isSafeInteger(mask) || mask < 0) throw new TypeError('mask must be a non-negative safe integer');
  const methods: string[] = [];
  for (const [bit, name] of methodMap(authMethods).sort((a, b) => b[0] - a[0])) {
    if (Math.floor(mask / bit) % 2 === 1) methods.push(name);
  }
  return methods;
}
