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

const ONE_SEGMENT = '[^/]+';
const ANY_REST = '.*';

/**
 * The regular expression for a rule's path template: `*` and `{name}` stand for one non-empty
 * segment, `**` for anything (slashes included, or nothing), a lone brace is dropped, and the
 * whole path must match. Unlike keystonemiddleware, other characters are literal: it copies
 * them into its regular expression unescaped, so there `.` matches any character.
 */
export function accessRulePathRegExp(template: string): RegExp {
  let source = '';
  for (let i = 0; i < template.length; ) {
    const char = template[i] as string;
    if (char === '{') {
      const close = template.indexOf('}', i + 1);
      if (close !== -1) source += ONE_SEGMENT;
      i = close === -1 ? i + 1 : close + 1;
    } else if (char === '}') {
      i += 1;
    } else if (char === '*') {
      const double = template[i + 1] === '*';
      source += double ? ANY_REST : ONE_SEGMENT;
      i += double ? 2 : 1;
    } else {
      source += char.replace(/[\\^$.|?+()[\]]/, '\\$&');
      i += 1;
    }
  }
  return new RegExp(`^${source}$`);
}

// A cached token's rules are the same objects on every request, so each is compiled once.
const compiled = new WeakMap<AccessRule, RegExp>();

function pathMatches(rule: AccessRule, path: string): boolean {
  let regExp = compiled.get(rule);
  if (regExp === undefined) compiled.set(rule, (regExp = accessRulePathRegExp(rule.path)));
  return regExp.test(path);
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
