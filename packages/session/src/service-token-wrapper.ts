// keystoneauth's ServiceTokenAuthWrapper: the user's credentials decide who the request is
// for (token, catalog, endpoints); the service's own fresh token rides along in
// X-Service-Token on every request, so a receiver may accept an expired user token.
import type { AccessInfo } from './access.ts';
import type { EndpointFilter } from './catalog.ts';
import type { AuthPlugin } from './plugin.ts';
import type { Session } from './session.ts';

export class ServiceTokenAuthWrapper implements AuthPlugin {
  readonly userAuth: AuthPlugin;
  readonly serviceAuth: AuthPlugin;

  constructor(userAuth: AuthPlugin, serviceAuth: AuthPlugin) {
    if (userAuth === undefined || serviceAuth === undefined) {
      throw new TypeError('ServiceTokenAuthWrapper: both userAuth and serviceAuth are required');
    }
    this.userAuth = userAuth;
    this.serviceAuth = serviceAuth;
  }

  getAccess(session: Session): Promise<AccessInfo> {
    return this.userAuth.getAccess(session);
  }

  getToken(session: Session): Promise<string> {
    return this.userAuth.getToken(session);
  }

  async getHeaders(session: Session): Promise<Record<string, string>> {
    // Both in parallel: the service token is usually cached, the user's may need a fetch.
    const [user, serviceToken] = await Promise.all([this.userAuth.getHeaders(session), this.serviceAuth.getToken(session)]);
    return { ...user, 'X-Service-Token': serviceToken };
  }

  getEndpoint(session: Session, filter: EndpointFilter): Promise<string> {
    return this.userAuth.getEndpoint(session, filter);
  }

  /** Drops both tokens; true if either had one, so a 401 is retried with a fresh service token. */
  invalidate(): boolean {
    const user = this.userAuth.invalidate();
    const service = this.serviceAuth.invalidate();
    return user || service;
  }
}
