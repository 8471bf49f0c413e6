// Reading X-Auth-Token / X-Service-Token. Values are trimmed as keystonemiddleware does
// (bug 1689468); anything that cannot be a token is refused here, without a call to identity.

/** Incoming request headers, names lower-cased (node's IncomingHttpHeaders or headersDistinct). */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type TokenRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'token'; readonly value: string };

/** Far above any Keystone token (Fernet ones are ~250 bytes); bigger values are not tokens. */
export const MAX_TOKEN_LENGTH = 8192;

// Visible ASCII without the comma: a comma means the client sent the header twice and the
// HTTP stack joined the copies, and the middleware must not pick one of them.
const TOKEN_TEXT = /^[\x21-\x2b\x2d-\x7e]+$/;

const ABSENT: TokenRead = { kind: 'absent' };

export function readToken(headers: IncomingHeaders, name: string): TokenRead {
  const raw = headers[name];
  if (raw === undefined) return ABSENT;
  if (typeof raw !== 'string') {
    if (raw.length > 1) return { kind: 'malformed', reason: `${name} sent more than once` };
    return raw[0] === undefined ? ABSENT : check(name, raw[0]);
  }
  return check(name, raw);
}

function check(name: string, raw: string): TokenRead {
  const value = raw.trim();
  if (value === '') return ABSENT;
  if (value.length > MAX_TOKEN_LENGTH) return { kind: 'malformed', reason: `${name} longer than ${MAX_TOKEN_LENGTH} characters` };
  if (!TOKEN_TEXT.test(value)) return { kind: 'malformed', reason: `${name} holds characters no token has` };
  return { kind: 'token', value };
}

/** The user token: X-Auth-Token, else the legacy X-Storage-Token (Swift clients). */
export function readUserToken(headers: IncomingHeaders): TokenRead {
  const primary = readToken(headers, 'x-auth-token');
  return primary.kind === 'absent' ? readToken(headers, 'x-storage-token') : primary;
}

const TOKEN_HEADERS: ReadonlySet<string> = new Set(['x-auth-token', 'x-storage-token', 'x-service-token']);

/**
 * The token headers of a node request straight from rawHeaders, so a header sent twice is seen
 * as two values and never as the string node would join them into.
 */
export function tokenHeadersOf(rawHeaders: readonly string[]): IncomingHeaders {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    if (TOKEN_HEADERS.has(name)) (out[name] ??= []).push(rawHeaders[i + 1] as string);
  }
  return out;
}
