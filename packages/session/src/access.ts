// The token an auth plugin holds: the `X-Subject-Token` string plus the inner object of
// Keystone's `{"token": {...}}` body (Identity API v3, POST /v3/auth/tokens).

export interface NamedRef {
  readonly id: string;
  readonly name?: string;
}

export interface DomainRef extends NamedRef {}

export interface ScopedRef extends NamedRef {
  readonly domain?: DomainRef;
}

export interface CatalogEndpoint {
  readonly id?: string;
  readonly interface: string;
  readonly region_id?: string | null;
  readonly region?: string | null;
  readonly url: string;
}

export interface CatalogService {
  readonly id?: string;
  readonly type: string;
  readonly name?: string;
  readonly endpoints: readonly CatalogEndpoint[];
}

/**
 * The token body as Keystone renders it. Fields are optional because a static token built
 * from an incoming request carries only what its creator supplied.
 */
export interface TokenBody {
  readonly methods?: readonly string[];
  readonly user?: ScopedRef & { readonly password_expires_at?: string | null };
  readonly audit_ids?: readonly string[];
  readonly expires_at?: string;
  readonly issued_at?: string;
  readonly project?: ScopedRef;
  readonly domain?: DomainRef;
  readonly system?: { readonly all?: boolean };
  readonly is_domain?: boolean;
  readonly roles?: readonly NamedRef[];
  readonly catalog?: readonly CatalogService[];
  readonly application_credential?: NamedRef & { readonly restricted?: boolean };
  readonly [extra: string]: unknown;
}

export interface AccessInfo {
  readonly token: string;
  /** Epoch seconds; `Infinity` when unknown (a static token is never refreshed anyway). */
  readonly expiresAt: number;
  readonly body: TokenBody;
}

/** keystoneauth's MIN_TOKEN_LIFE_SECONDS: refresh a token this close to its expiry. */
export const MIN_TOKEN_LIFE_SECONDS = 120;

export function willExpireSoon(access: AccessInfo, nowSeconds = Date.now() / 1000): boolean {
  return access.expiresAt < nowSeconds + MIN_TOKEN_LIFE_SECONDS;
}

/** Parses Keystone's `2026-11-22T06:40:49.000000Z` (microseconds) into epoch seconds. */
export function parseKeystoneTime(text: string): number {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(text.trim());
  if (match === null) return Number.NaN;
  const [, base, fraction = '', zone = 'Z'] = match;
  const seconds = Date.parse(`${base}${zone}`) / 1000;
  return fraction === '' ? seconds : seconds + Number(`0.${fraction}`);
}

/** Builds AccessInfo from an issue response; returns a reason string when it is not a token. */
export function accessFromResponse(subjectToken: string | undefined, json: unknown): AccessInfo | string {
  if (subjectToken === undefined || subjectToken === '') return 'the response has no X-Subject-Token header';
  const body = isObject(json) ? json['token'] : undefined;
  if (!isObject(body)) return 'the response body has no "token" object';
  const expiresText = body['expires_at'];
  const expiresAt = typeof expiresText === 'string' ? parseKeystoneTime(expiresText) : Number.NaN;
  if (Number.isNaN(expiresAt)) return 'the token has no readable expires_at';
  return { token: subjectToken, expiresAt, body: body as TokenBody };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
