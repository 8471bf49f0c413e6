// Identity v3 `token` method: exchanges an existing token for a new one (e.g. re-scoped).
// The new token never outlives the old one, and an expired token cannot be exchanged.
import type { AccessInfo } from '../access.ts';
import type { Session } from '../session.ts';
import { IdentityPlugin } from './identity-plugin.ts';
import { buildScope, issueToken, v3Url, type ScopeOptions, type V3CommonOptions } from './v3-request.ts';

export interface TokenAuthOptions extends V3CommonOptions, ScopeOptions {
  token: string;
}

export class TokenAuth extends IdentityPlugin {
  readonly #authUrl: string;
  readonly #includeCatalog: boolean;
  readonly #token: string;
  readonly #scope: Record<string, unknown> | undefined;

  constructor(options: TokenAuthOptions) {
    super();
    this.#authUrl = v3Url(options.authUrl);
    this.#includeCatalog = options.includeCatalog ?? true;
    if (typeof options.token !== 'string' || options.token === '') throw new TypeError('TokenAuth: token is required');
    this.#token = options.token;
    this.#scope = buildScope(options);
  }

  protected authenticate(session: Session): Promise<AccessInfo> {
    return issueToken(session, {
      authUrl: this.#authUrl,
      includeCatalog: this.#includeCatalog,
      methods: ['token'],
      identity: { token: { id: this.#token } },
      scope: this.#scope,
      // Keystone also reads the token from X-Auth-Token; keystoneauth sends both.
      headers: { 'X-Auth-Token': this.#token },
      who: 'an existing token',
    });
  }
}
