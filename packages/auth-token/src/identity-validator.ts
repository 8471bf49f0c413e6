// Validation at identity: GET /v3/auth/tokens with the middleware's own token, through a
// keystoneauth-like session that fetches, reuses and refreshes that token.
import { IdentityUnavailableError } from './errors.ts';
import { parseTokenBody, type TokenData } from './token-data.ts';
import type { ValidateFn } from './cached-validator.ts';

/** The access-rules version this middleware enforces (keystonemiddleware's ACCESS_RULES_SUPPORT). */
const ACCESS_RULES_SUPPORT = '1';

/** The slice of @baton/session's Session this needs (structural, so tests can count calls). */
export interface IdentitySession {
  request(
    url: string,
    init: {
      method: string;
      headers: Record<string, string>;
      raiseError: false;
      authenticated: true;
      endpointOverride?: string;
      endpointFilter?: { serviceType: string; interface: 'public' | 'internal' | 'admin'; regionName?: string };
    },
  ): Promise<{ readonly status: number; text(): string; json<T = unknown>(): T }>;
}

export interface IdentityValidatorOptions {
  readonly session: IdentitySession;
  /** Used when the service's own catalog lists no identity endpoint for interface/region. */
  readonly authUrl: string;
  readonly interface: 'public' | 'internal' | 'admin';
  readonly regionName: string | null;
  readonly includeServiceCatalog: boolean;
  /** True for errors that mean "no answer" (connection, timeout, refused credentials). */
  readonly isUnavailable: (error: unknown) => boolean;
  /** True for the session's "catalog has no such endpoint" error. */
  readonly isEndpointMissing: (error: unknown) => boolean;
}

export function identityValidator(options: IdentityValidatorOptions): ValidateFn {
  const filter = {
    serviceType: 'identity',
    interface: options.interface,
    ...(options.regionName === null ? {} : { regionName: options.regionName }),
  };
  let useAuthUrl = false;

  const send = (path: string, token: string) => {
    const base = { method: 'GET', headers: headersFor(token), raiseError: false, authenticated: true } as const;
    return useAuthUrl
      ? options.session.request(path, { ...base, endpointOverride: options.authUrl })
      : options.session.request(path, { ...base, endpointFilter: filter });
  };

  return async function validateAtIdentity(token, { allowExpired }): Promise<TokenData | null> {
    const query = [...(allowExpired ? ['allow_expired=1'] : []), ...(options.includeServiceCatalog ? [] : ['nocatalog'])];
    const path = `auth/tokens${query.length === 0 ? '' : `?${query.join('&')}`}`;
    let response;
    try {
      try {
        response = await send(path, token);
      } catch (error) {
        if (useAuthUrl || !options.isEndpointMissing(error)) throw error;
        useAuthUrl = true;
        response = await send(path, token);
      }
    } catch (error) {
      if (options.isUnavailable(error)) {
        throw new IdentityUnavailableError(`cannot validate tokens: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      throw error;
    }
    // 404 is identity's verdict "not a valid token"; anything else but 200 is no verdict.
    if (response.status === 404) return null;
    if (response.status !== 200) {
      // 403 is the usual misconfiguration, so the message names its fix.
      const hint = response.status === 403 ? " (identity:validate_token: this service's [keystone_authtoken] user needs the service role, or admin)" : '';
      throw new IdentityUnavailableError(`identity answered ${response.status} to a token validation${hint}: ${response.text().slice(0, 200)}`);
    }
    let body: unknown;
    try {
      body = response.json();
    } catch (error) {
      throw new IdentityUnavailableError('identity answered a token validation with a body that is not JSON', { cause: error });
    }
    const data = parseTokenBody(body);
    if (data === undefined) throw new IdentityUnavailableError('identity answered a token validation with a body that is not a token');
    return data;
  };
}

function headersFor(token: string): Record<string, string> {
  // The middleware enforces application-credential access rules (core.ts), so it says so, as
  // keystonemiddleware does; without the header identity refuses tokens restricted by them.
  return { 'X-Subject-Token': token, 'OpenStack-Identity-Access-Rules': ACCESS_RULES_SUPPORT };
}
