// AWS request signatures as keystoneclient's Ec2Signer computes them (keystoneclient/contrib/
// ec2/utils.py), which Keystone's POST /v3/ec2tokens checks: versions 0 and 1 (HMAC-SHA1),
// 2 (HMAC-SHA256 over the canonical query) and 4 (AWS4-HMAC-SHA256).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The `credentials` member of an ec2tokens request, as EC2 and S3 front ends send it. */
export interface Ec2SignedRequest {
  access: string;
  signature?: string;
  host: string;
  verb: string;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  body_hash: string;
}

/** A request the signer cannot read (Ec2Signer raises; Baton answers 401, never 500). */
export class Ec2SignatureFormatError extends Error {}

/** urllib.parse.quote(value, safe='-_~'): everything but letters, digits and -_.~ escaped. */
function quote(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${quote(key)}=${quote(String(params[key]))}`)
    .join('&');
}

function hmacBase64(algorithm: 'sha1' | 'sha256', secret: string, text: string): string {
  return createHmac(algorithm, secret).update(text, 'utf8').digest('base64');
}

function isV4(request: Ec2SignedRequest): boolean {
  const authorization = request.headers.Authorization;
  if (authorization !== undefined) return authorization.startsWith('AWS4-HMAC-SHA256');
  return request.params['X-Amz-Algorithm'] === 'AWS4-HMAC-SHA256';
}

function signatureV4(secret: string, request: Ec2SignedRequest): string {
  const { params, headers, verb } = request;
  const authorization = headers.Authorization;
  // From the Authorization header when there is one, else from the X-Amz-* query parameters.
  const authParam = (name: string): string => {
    if (authorization === undefined) return params[`X-Amz-${name}`] ?? '';
    const at = authorization.indexOf(`${name}=`);
    return at === -1 ? '' : (authorization.slice(at + name.length + 1).split(',')[0] ?? '');
  };
  const lowered = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase().trim(), String(v).trim()]));
  // Old boto signs the host without its port.
  const stripPort = /^Boto\/2\.[0-9]\.[0-2]/.test(lowered.get('user-agent') ?? '');
  const signedHeaders = authParam('SignedHeaders');
  const canonicalHeaders = signedHeaders
    .split(';')
    .filter((h) => lowered.has(h))
    .map((h) => `${h}:${h === 'host' && stripPort ? (lowered.get(h) ?? '').split(':')[0] : lowered.get(h)}`)
    .join('\n');
  const canonicalRequest = [
    verb.toUpperCase(),
    request.path,
    verb.toUpperCase() === 'POST' ? '' : canonicalQuery(params),
    `${canonicalHeaders}\n`,
    signedHeaders,
    request.body_hash,
  ].join('\n');
  const [, date = '', region = '', service = ''] = authParam('Credential').split('/');
  const scope = authParam('Credential').split('/').slice(1).join('/');
  const requestDate = headers['X-Amz-Date'] ?? params['X-Amz-Date'];
  if (requestDate === undefined || date === '' || !requestDate.startsWith(date)) throw new Ec2SignatureFormatError('Request date mismatch error');
  const stringToSign = ['AWS4-HMAC-SHA256', requestDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  let key: Buffer = Buffer.from(`AWS4${secret}`, 'utf8');
  for (const part of [date, region, service, 'aws4_request']) key = createHmac('sha256', key).update(part, 'utf8').digest();
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** The signature the request should carry (Ec2Signer.generate). */
export function ec2Signature(secret: string, request: Ec2SignedRequest): string {
  const { params } = request;
  switch (params.SignatureVersion) {
    case '0':
      return hmacBase64('sha1', secret, `${params.Action ?? ''}${params.Timestamp ?? ''}`);
    case '1': {
      const keys = Object.keys(params).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
      return hmacBase64('sha1', secret, keys.map((k) => `${k}${params[k]}`).join(''));
    }
    case '2': {
      // The signer always signs as HmacSHA256, whatever the request named.
      const signed = { ...params, SignatureMethod: 'HmacSHA256' };
      return hmacBase64('sha256', secret, `${request.verb}\n${request.host}\n${request.path}\n${canonicalQuery(signed)}`);
    }
    default:
      if (isV4(request)) return signatureV4(secret, request);
      throw new Ec2SignatureFormatError(params.SignatureVersion === undefined ? 'Unexpected signature format' : `Unknown signature version: ${params.SignatureVersion}`);
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Whether the request is signed with `secret`. Some clients sign without the port, so a
 * host with one is tried again without it, as Keystone does.
 */
export function ec2SignatureMatches(secret: string, request: Ec2SignedRequest, signature: string): boolean {
  if (sameText(signature, ec2Signature(secret, request))) return true;
  if (!request.host.includes(':') || !URL.canParse(`http://${request.host}`)) return false;
  const hostname = new URL(`http://${request.host}`).hostname.replace(/^\[(.*)\]$/, '$1');
  return sameText(signature, ec2Signature(secret, { ...request, host: hostname }));
}
