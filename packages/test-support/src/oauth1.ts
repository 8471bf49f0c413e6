// An OAuth 1.0 client signer (HMAC-SHA1, the Authorization header), as oauthlib's Client
// signs for keystoneauth's oauth1 plugin: for tests that drive OS-OAUTH1 in-process. The
// oauth1 signature test checks it against oauthlib itself.
import { createHmac, randomBytes } from 'node:crypto';

export interface OAuth1SignOptions {
  method: string;
  url: string;
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
  verifier?: string;
  callback?: string;
  /** Fixed for a comparison; random hex otherwise. */
  nonce?: string;
  /** Epoch seconds as 10 digits; now otherwise. */
  timestamp?: string;
}

const encode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The `Authorization: OAuth …` header value for a request. */
export function oauth1Authorization(o: OAuth1SignOptions): string {
  const params: [string, string][] = [
    ['oauth_nonce', o.nonce ?? randomBytes(15).toString('hex')],
    ['oauth_timestamp', o.timestamp ?? String(Math.floor(Date.now() / 1000))],
    ['oauth_version', '1.0'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_consumer_key', o.consumerKey],
  ];
  if (o.token !== undefined) params.push(['oauth_token', o.token]);
  if (o.callback !== undefined) params.push(['oauth_callback', o.callback]);
  if (o.verifier !== undefined) params.push(['oauth_verifier', o.verifier]);
  const url = new URL(o.url);
  const query = [...url.searchParams.entries()];
  const normalized = [...params, ...query]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = [o.method.toUpperCase(), encode(`${url.protocol}//${url.host}${url.pathname}`), encode(normalized)].join('&');
  const key = `${encode(o.consumerSecret)}&${encode(o.tokenSecret ?? '')}`;
  params.push(['oauth_signature', createHmac('sha1', key).update(base).digest('base64')]);
  return `OAuth ${params.map(([k, v]) => `${encode(k)}="${encode(v)}"`).join(', ')}`;
}
