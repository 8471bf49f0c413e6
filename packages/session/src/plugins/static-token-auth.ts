// A token someone else obtained (the user's, from an incoming request) passed through as
// is, as nova's context plugin does. It is never refreshed: that is what lets an expired
// user token travel beside a fresh service token.
import type { AccessInfo, CatalogService, TokenBody } from '../access.ts';
import { selectEndpoint, type EndpointFilter } from '../catalog.ts';
import type { AuthPlugin } from '../plugin.ts';
import type { Session } from '../session.ts';

export interface StaticTokenAuthOptions {
  token: string;
  /** The user's catalog (e.g. decoded from `X-Service-Catalog`), for endpoint discovery. */
  catalog?: readonly CatalogService[];
  /** Used for every endpoint lookup instead of the catalog. */
  endpointOverride?: string;
  /** Epoch seconds, when known; informational only. */
  expiresAt?: number;
  /** Whatever is known of the token body (user, project, roles…). */
  body?: TokenBody;
}

export class StaticTokenAuth implements AuthPlugin {
  readonly #access: AccessInfo;
  readonly #endpointOverride: string | undefined;

  constructor(options: StaticTokenAuthOptions) {
    if (typeof options?.token !== 'string' || options.token === '') throw new TypeError('StaticTokenAuth: token is required');
    const body: TokenBody = { ...options.body, ...(options.catalog === undefined ? {} : { catalog: options.catalog }) };
    this.#access = { token: options.token, expiresAt: options.expiresAt ?? Number.POSITIVE_INFINITY, body };
    this.#endpointOverride = options.endpointOverride;
  }

  async getAccess(_session: Session): Promise<AccessInfo> {
    return this.#access;
  }

  async getToken(_session: Session): Promise<string> {
    return this.#access.token;
  }

  async getHeaders(_session: Session): Promise<Record<string, string>> {
    return { 'X-Auth-Token': this.#access.token };
  }

  async getEndpoint(_session: Session, filter: EndpointFilter): Promise<string> {
    return this.#endpointOverride ?? selectEndpoint(this.#access.body.catalog, filter);
  }

  /** Nothing to drop: this plugin cannot get another token. */
  invalidate(): boolean {
    return false;
  }
}
