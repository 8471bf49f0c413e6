// The contract between a Session and the thing that supplies its credentials, shaped like
// keystoneauth's BaseAuthPlugin so a Python reader finds the same verbs.
import type { AccessInfo } from './access.ts';
import type { EndpointFilter } from './catalog.ts';
import type { Session } from './session.ts';

export interface AuthPlugin {
  /** The current token, fetched once and shared; refreshed when it expires within 120 s. */
  getAccess(session: Session): Promise<AccessInfo>;
  getToken(session: Session): Promise<string>;
  /** Headers that authenticate a request, normally `{ 'X-Auth-Token': … }`. */
  getHeaders(session: Session): Promise<Record<string, string>>;
  /** The URL of the endpoint matching `filter` in the token's catalog. */
  getEndpoint(session: Session, filter: EndpointFilter): Promise<string>;
  /** Drops the cached token; true if there was one, so a retry could use a new token. */
  invalidate(): boolean;
}
