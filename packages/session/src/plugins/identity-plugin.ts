// What every token-fetching plugin shares: one cached token, refreshed 120 s before expiry
// (keystoneauth's MIN_TOKEN_LIFE_SECONDS), and one fetch in flight however many callers
// ask at once; keystoneauth uses a lock for the same reason.
import { willExpireSoon, type AccessInfo } from '../access.ts';
import { selectEndpoint, type EndpointFilter } from '../catalog.ts';
import type { AuthPlugin } from '../plugin.ts';
import type { Session } from '../session.ts';

export abstract class IdentityPlugin implements AuthPlugin {
  #access: AccessInfo | undefined;
  #pending: Promise<AccessInfo> | undefined;

  /** Fetches a new token from identity. */
  protected abstract authenticate(session: Session): Promise<AccessInfo>;

  getAccess(session: Session): Promise<AccessInfo> {
    const current = this.#access;
    if (current !== undefined && !willExpireSoon(current)) return Promise.resolve(current);
    this.#pending ??= this.#fetch(session);
    return this.#pending;
  }

  async #fetch(session: Session): Promise<AccessInfo> {
    try {
      const access = await this.authenticate(session);
      this.#access = access;
      return access;
    } finally {
      this.#pending = undefined;
    }
  }

  async getToken(session: Session): Promise<string> {
    return (await this.getAccess(session)).token;
  }

  async getHeaders(session: Session): Promise<Record<string, string>> {
    return { 'X-Auth-Token': await this.getToken(session) };
  }

  async getEndpoint(session: Session, filter: EndpointFilter): Promise<string> {
    return selectEndpoint((await this.getAccess(session)).body.catalog, filter);
  }

  invalidate(): boolean {
    const had = this.#access !== undefined;
    this.#access = undefined;
    return had;
  }
}
