// OAuth 1.0 signed requests (RFC 5849) as Keystone checks them through oauthlib: the
// Authorization header's oauth_* parameters, oauthlib's mandatory-parameter checks with
// Keystone's formats (32-hex keys, hex nonces), and the signature over the request.
// Pure: the caller supplies the clock and the secrets.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A request's parts that its signature covers. */
export interface SignedRequest {
  method: string;
  /** The URL the client signed: Keystone's base URL with the request's path and query. */
  url: string;
  authorization: string | undefined;
}

/** oauthlib's OAuth1Error: Keystone answers it 400 "Validation failed with errors: …". */
export class OAuthRequestError extends Error {
  readonly error: 'invalid_request' | 'invalid_signature_method';

  constructor(description: string, error: OAuthRequestError['error'] = 'invalid_request') {
    super(description);
    this.error = error;
  }
}

/** The Authorization header is missing or not an OAuth one (Keystone's OAuthHeadersMissingError). */
export class OAuthHeadersMissing extends Error {}

const SIGNATURE_METHODS = ['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'PLAINTEXT'] as const;
const HMAC_DIGESTS: Record<string, string> = { 'HMAC-SHA1': 'sha1', 'HMAC-SHA256': 'sha256', 'HMAC-SHA512': 'sha512' };
const TIMESTAMP_LIFETIME_S = 600;
const HEX32 = /^[0-9a-f]{32}$/;
const HEX = /^[0-9a-f]*$/;

/** RFC 5849 3.6: everything but unreserved characters, as %XX of UTF-8. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new OAuthRequestError('Malformed percent-encoding.');
  }
}

/**
 * The parameters of an `Authorization: OAuth k="v", …` header, decoded, in order
 * (oauthlib's parse_authorization_header); `realm` included.
 */
export function parseAuthorization(header: string | undefined): [string, string][] {
  if (header === undefined || !/^oauth\s/i.test(header)) throw new OAuthHeadersMissing('Cannot retrieve Authorization headers');
  const params: [string, string][] = [];
  for (const part of header.slice(6).split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw new OAuthRequestError('Malformed authorization header.');
    const raw = item.slice(eq + 1).trim();
    const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    params.push([percentDecode(item.slice(0, eq).trim()), percentDecode(value)]);
  }
  return params;
}

/** What a checked request says; the signature is verified separately, once the secrets are known. */
export interface OAuthRequest {
  consumerKey: string;
  /** oauth_token: a request or access token id. */
  token: string | undefined;
  verifier: string | undefined;
  callback: string | undefined;
  /** The rest, as the signature needs them. */
  readonly signed: { base: string; method: string; signature: string };
}

function queryParams(url: URL): [string, string][] {
  const query = url.search.slice(1);
  if (query === '') return [];
  return query.split('&').filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    const decode = (s: string): string => percentDecode(s.replace(/\+/g, ' '));
    return eq < 0 ? [decode(p), ''] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
  });
}

/** RFC 5849 3.4.1: METHOD&base-uri&normalized-parameters. */
function baseString(method: string, url: URL, params: readonly [string, string][]): string {
  const defaultPort = (url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443');
  const host = url.hostname.toLowerCase() + (url.port === '' || defaultPort ? '' : `:${url.port}`);
  const baseUri = `${url.protocol.toLowerCase()}//${host}${url.pathname === '' ? '/' : url.pathname}`;
  const normalized = params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [method.toUpperCase(), percentEncode(baseUri), percentEncode(normalized)].join('&');
}

/**
 * Reads a signed request and makes oauthlib's checks of its parameters (mandatory ones,
 * signature method, version, timestamp within 600 s of `now`, key and nonce formats).
 * @throws OAuthHeadersMissing without an OAuth Authorization header
 * @throws OAuthRequestError for a request oauthlib refuses before any signature check
 */
export function readSignedRequest(request: SignedRequest, now: number): OAuthRequest {
  const header = parseAuthorization(request.authorization);
  const url = new URL(request.url);
  const oauth = header.filter(([k]) => k.startsWith('oauth_'));
  if (oauth.length === 0) throw new OAuthRequestError('Missing mandatory OAuth parameters.');
  if (new Set(oauth.map(([k]) => k)).size !== oauth.length) throw new OAuthRequestError('Duplicate OAuth1 entries.');
  const query = queryParams(url);
  if (query.some(([k]) => k.startsWith('oauth_'))) {
    throw new OAuthRequestError('oauth_ params must come from only 1 signature type but were found in AUTH_HEADER, QUERY');
  }
  const get = (name: string): string | undefined => oauth.find(([k]) => k === name)?.[1];
  const signature = get('oauth_signature');
  const consumerKey = get('oauth_consumer_key');
  const nonce = get('oauth_nonce');
  const timestamp = get('oauth_timestamp');
  const method = get('oauth_signature_method');
  if (!signature || !consumerKey || !nonce || !timestamp || !method) throw new OAuthRequestError('Missing mandatory OAuth parameters.');
  if (!(SIGNATURE_METHODS as readonly string[]).includes(method)) {
    throw new OAuthRequestError(`Invalid signature, ${method} not in ('${SIGNATURE_METHODS.join("', '")}').`, 'invalid_signature_method');
  }
  const version = get('oauth_version');
  if (version !== undefined && version !== '1.0') throw new OAuthRequestError('Invalid OAuth version.');
  if (timestamp.length !== 10) throw new OAuthRequestError('Invalid timestamp size');
  if (!/^\d+$/.test(timestamp)) throw new OAuthRequestError('Timestamp must be an integer.');
  if (Math.abs(now - Number(timestamp)) > TIMESTAMP_LIFETIME_S) {
    throw new OAuthRequestError(`Timestamp given is invalid, differ from allowed by over ${TIMESTAMP_LIFETIME_S} seconds.`);
  }
  if (!HEX32.test(consumerKey)) throw new OAuthRequestError('Invalid client key format.');
  if (!HEX.test(nonce)) throw new OAuthRequestError('Invalid nonce format.');
  // realm is not signed when it came in the header; oauth_signature never is.
  const params = [...header.filter(([k]) => k !== 'realm' && k !== 'oauth_signature'), ...query];
  return {
    consumerKey,
    token: get('oauth_token'),
    verifier: get('oauth_verifier'),
    callback: get('oauth_callback'),
    signed: { base: baseString(request.method, url, params), method, signature },
  };
}

/** Whether the request was signed with these secrets (timing-safe). */
export function signatureMatches(request: OAuthRequest, consumerSecret: string, tokenSecret: string | null): boolean {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret ?? '')}`;
  const { base, method, signature } = request.signed;
  const digest = HMAC_DIGESTS[method];
  const expected = digest === undefined ? key : createHmac(digest, key).update(base).digest('base64');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Keystone's token formats: 32 hex characters (request and access token ids, consumer keys). */
export function isTokenKey(value: string): boolean {
  return HEX32.test(value);
}
