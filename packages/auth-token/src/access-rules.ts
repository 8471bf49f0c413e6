// Application-credential access rules, enforced as keystonemiddleware 10.1 does
// (validate_allowed_request and _path_matches): a token restricted by rules may only reach this
// service with a method and path one of its rules names for this service's type.

/** One rule of a token's application_credential.access_rules. */
export interface AccessRule {
  readonly service: string;
  readonly path: string;
  readonly method: string;
}

/** What the rules are checked against: the request line, path without the query string. */
export interface RequestTarget {
  readonly method: string;
  readonly path: string;
}

/**
 * The target of a node:http request: its method, and its URL as sent up to the query string
 * (percent-escapes are not decoded, so a path spelled with escapes matches only a template
 * spelled the same way).
 */
export function requestTarget(method: string | undefined, url: string | undefined): RequestTarget {
  const raw = url ?? '';
  const query = raw.indexOf('?');
  return { method: method ?? '', path: query === -1 ? raw : raw.slice(0, query) };
}

/** A rule path template, parsed: literal text, one non-empty segment (`*`, `{name}`), or anything (`**`). */
type Piece = string | typeof ONE_SEGMENT | typeof ANY_REST;
const ONE_SEGMENT = Symbol('one segment');
const ANY_REST = Symbol('anything');

/**
 * `*` and `{name}` stand for one non-empty segment, `**` for anything (slashes included, or
 * nothing), a lone brace is dropped, and other characters are literal. keystonemiddleware copies
 * those into a regular expression unescaped, so there `.` matches any character.
 */
export function parseAccessRulePath(template: string): readonly Piece[] {
  const pieces: Piece[] = [];
  const push = (piece: Piece): void => {
    const last = pieces.at(-1);
    if (typeof piece === 'string' && typeof last === 'string') pieces[pieces.length - 1] = last + piece;
    else pieces.push(piece);
  };
  for (let i = 0; i < template.length; ) {
    const char = template[i] as string;
    if (char === '{') {
      const close = template.indexOf('}', i + 1);
      if (close !== -1) push(ONE_SEGMENT);
      i = close === -1 ? i + 1 : close + 1;
    } else if (char === '}') {
      i += 1;
    } else if (char === '*') {
      const double = template[i + 1] === '*';
      push(double ? ANY_REST : ONE_SEGMENT);
      i += double ? 2 : 1;
    } else {
      push(char);
      i += 1;
    }
  }
  return pieces;
}

/**
 * Whether the whole path matches the parsed template. Not a regular expression: a rule's
 * template is the user's, and `{a}{b}{c}…` or `**a**a…` would make a backtracking engine take
 * exponential time on a request's path, stalling the service. Instead one pass per piece carries
 * the set of path positions reachable so far: linear in the path for each piece.
 */
export function accessRulePathMatches(pieces: readonly Piece[], path: string): boolean {
  const n = path.length;
  let reach = new Uint8Array(n + 1);
  reach[0] = 1;
  for (const piece of pieces) {
    const next = new Uint8Array(n + 1);
    if (piece === ANY_REST) {
      for (let k = 0, seen = 0; k <= n; k += 1) next[k] = seen |= reach[k] as number;
    } else if (piece === ONE_SEGMENT) {
      // Position k is reached when a reachable start before it is followed only by non-slashes.
      for (let k = 1, open = false; k <= n; k += 1) {
        open = (open || reach[k - 1] === 1) && path[k - 1] !== '/';
        if (open) next[k] = 1;
      }
    } else {
      for (let k = 0; k + piece.length <= n; k += 1) if (reach[k] === 1 && path.startsWith(piece, k)) next[k + piece.length] = 1;
    }
    reach = next;
  }
  return reach[n] === 1;
}

// A cached token's rules are the same objects on every request, so each is parsed once.
const parsed = new WeakMap<AccessRule, readonly Piece[]>();

function pathMatches(rule: AccessRule, path: string): boolean {
  let pieces = parsed.get(rule);
  if (pieces === undefined) parsed.set(rule, (pieces = parseAccessRulePath(rule.path)));
  return accessRulePathMatches(pieces, path);
}

export type AccessRulesVerdict = 'allowed' | 'no-service-type' | 'not-in-catalog' | 'no-matching-rule';

export interface AccessRulesRequest {
  readonly rules: readonly AccessRule[];
  /** [keystone_authtoken] service_type, or null when it is not set. */
  readonly serviceType: string | null;
  /** The service types in the token's catalog (none without a catalog). */
  readonly catalogTypes: ReadonlySet<string>;
  /** A confirmed service token came along: a chain of service calls, not a user's request. */
  readonly serviceTokenConfirmed: boolean;
  /** undefined when the caller did not say (then only the identity and chain cases allow). */
  readonly target: RequestTarget | undefined;
}

/** keystonemiddleware's order of checks, each refusal named for the log. */
export function checkAccessRules(request: AccessRulesRequest): AccessRulesVerdict {
  const { serviceType, target } = request;
  if (serviceType === null) return 'no-service-type';
  // Validating a token is always allowed to the token's holder.
  if (serviceType === 'identity' && target?.method === 'GET' && target.path.endsWith('/v3/auth/tokens')) return 'allowed';
  if (!request.catalogTypes.has(serviceType)) return 'not-in-catalog';
  if (request.serviceTokenConfirmed) return 'allowed';
  if (target === undefined) return 'no-matching-rule';
  const allowed = request.rules.some(
    (rule) => rule.method === target.method && rule.service === serviceType && pathMatches(rule, target.path),
  );
  return allowed ? 'allowed' : 'no-matching-rule';
}
