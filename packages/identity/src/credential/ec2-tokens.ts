// POST /v3/ec2tokens (keystone/api/ec2tokens.py, api/_shared/EC2_S3_Resource.py): an EC2 or
// S3 front end forwards a signed request; if the signature matches the secret of the EC2
// credential named by `access`, the credential's user gets a token for its project.
import { NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { IdentityManager } from '../identity/identity-manager.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';
import type { TokenProvider, ValidatedToken } from '../token/token-provider.ts';
import { EC2_TYPE, ec2Blob, ec2CredentialId, type CredentialManager } from './credential-manager.ts';
import { Ec2SignatureFormatError, ec2SignatureMatches, type Ec2SignedRequest } from './ec2-signature.ts';

export interface Ec2TokenDeps {
  credentials: CredentialManager;
  resource: ResourceManager;
  identity: IdentityManager;
  tokens: TokenProvider;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A 401 whose reason shows only with insecure_debug (Keystone's SecurityError). */
const refused = (reason: string, cause?: unknown): UnauthorizedError => new UnauthorizedError(undefined, { debugMessage: reason, cause });

/** Values the signer reads as text; anything else in the request is not a signature Baton can check. */
function textMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

function signedRequest(credentials: Json, access: string): Ec2SignedRequest {
  const text = (name: string): string => (typeof credentials[name] === 'string' ? (credentials[name] as string) : '');
  return {
    access,
    host: text('host'),
    verb: text('verb'),
    path: text('path'),
    params: textMap(credentials.params),
    headers: textMap(credentials.headers),
    body_hash: text('body_hash'),
  };
}

// iso8601.parse_date's forms: extended (2026-11-30T06:00:00Z) and basic (20261130T060000Z);
// no zone means UTC.
const ISO = /^(\d{4})-?(\d{2})-?(\d{2})[T ](\d{2}):?(\d{2}):?(\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function parseTimestamp(text: string): number {
  const m = ISO.exec(text.trim());
  if (m === null) throw refused(`Credential timestamp is invalid: Unable to parse date string '${text}'`);
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}`;
  const millis = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${offset}`);
  if (Number.isNaN(millis)) throw refused(`Credential timestamp is invalid: Unable to parse date string '${text}'`);
  return millis;
}

export class Ec2TokenAuthenticator {
  readonly #deps: Ec2TokenDeps;
  readonly #authTtlMs: number;

  /** `authTtl`: [credential] auth_ttl, minutes. */
  constructor(deps: Ec2TokenDeps, options: { authTtl: number }) {
    this.#deps = deps;
    this.#authTtlMs = options.authTtl * 60_000;
  }

  /**
   * @throws ValidationError for an empty body; NotFoundError for an unknown access key,
   * project or user (as Keystone answers); UnauthorizedError for everything else.
   */
  async authenticate(body: unknown, now = Date.now()): Promise<ValidatedToken> {
    if (!isObject(body) || Object.keys(body).length === 0) throw new ValidationError('request must include a request body');
    // Keystone reads any of three names, for old clients.
    const found = [body.credentials, body.credential, body.ec2Credentials].find((c) => isObject(c) && Object.keys(c).length > 0);
    const credentials = isObject(found) ? found : {};
    const { access } = credentials;
    if (typeof access !== 'string') throw refused('EC2 Signature not supplied');

    const credential = await this.#deps.credentials.get(ec2CredentialId(access));
    if (credential.type !== EC2_TYPE) throw refused('EC2 access key not found.');
    const stored = ec2Blob(credential);
    this.#checkSignature(typeof stored.secret === 'string' ? stored.secret : '', signedRequest(credentials, access), credentials.signature);

    if (credential.projectId === null) throw NotFoundError.entity('project', 'None');
    const project = await this.#deps.resource.getProject(credential.projectId);
    const user = await this.#deps.identity.getUser(credential.userId);
    const domain = await this.#deps.resource.getDomain(project.domainId);
    if (!user.enabled || !project.enabled || !domain.enabled) throw refused('User or project disabled');
    this.#checkTimestamp(credentials, now);
    // Credentials bound to a trust, application credential or OAuth1 access token would
    // need those delegations, which this service does not issue tokens for.
    if (['trust_id', 'app_cred_id', 'access_token_id'].some((key) => stored[key] !== undefined && stored[key] !== null)) {
      throw refused('EC2 credential bound to a delegation');
    }
    // No role on the project is a 401 from issue(), as Keystone's 'User not valid for project.'
    return this.#deps.tokens.issue({ user, methods: ['ec2credential'], scope: { kind: 'project', project, domain } });
  }

  #checkSignature(secret: string, request: Ec2SignedRequest, signature: unknown): void {
    let matches: boolean;
    try {
      if (typeof signature !== 'string' || signature === '') throw refused('EC2 signature not supplied.');
      matches = ec2SignatureMatches(secret, request, signature);
    } catch (error) {
      if (error instanceof Ec2SignatureFormatError) throw refused('Invalid EC2 signature.', error);
      throw error;
    }
    if (!matches) throw refused('Invalid EC2 signature.');
  }

  /** A signed timestamp older than [credential] auth_ttl is refused; an unsigned request has none to check. */
  #checkTimestamp(credentials: Json, now: number): void {
    const params = textMap(credentials.params);
    const headers = textMap(credentials.headers);
    const timestamp = params.Timestamp || headers['X-Amz-Date'] || params['X-Amz-Date'];
    if (timestamp === undefined || timestamp === '') return;
    if (now > parseTimestamp(timestamp) + this.#authTtlMs) throw refused('Credential is expired');
  }
}
