// The Identity v3 issue request shared by the password, token and application-credential
// plugins: auth_url normalisation, the scope object, POST /v3/auth/tokens, and turning a
// refusal into an AuthenticationError that says who tried to authenticate where.
import { accessFromResponse, type AccessInfo } from '../access.ts';
import { AuthenticationError, HttpError } from '../errors.ts';
import type { Session } from '../session.ts';

export interface ScopeOptions {
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  domainId?: string;
  domainName?: string;
  trustId?: string;
  systemScope?: 'all';
}

export interface V3CommonOptions {
  /** Identity URL; `/v3` is appended unless it already ends in `v3` (no version discovery). */
  authUrl: string;
  /** Ask for the catalog (default true); false sends `?nocatalog`. */
  includeCatalog?: boolean;
}

/** keystoneauth's rule: a URL not ending in `v3` gets `/v3` appended. */
export function v3Url(authUrl: string): string {
  if (typeof authUrl !== 'string' || !/^https?:\/\/[^/]/i.test(authUrl)) {
    throw new TypeError(`authUrl must be an http(s) URL, got ${JSON.stringify(authUrl)}`);
  }
  const trimmed = authUrl.replace(/\/+$/, '');
  return trimmed.endsWith('v3') ? trimmed : `${trimmed}/v3`;
}

/**
 * The `scope` object, or undefined for an unscoped token. Precedence follows keystoneauth:
 * domain, project, trust, then system; asking for two kinds at once is a caller mistake.
 */
export function buildScope(options: ScopeOptions): Record<string, unknown> | undefined {
  const kinds = [
    options.domainId !== undefined || options.domainName !== undefined ? 'domain' : undefined,
    options.projectId !== undefined || options.projectName !== undefined ? 'project' : undefined,
    options.trustId !== undefined ? 'trust' : undefined,
    options.systemScope !== undefined ? 'system' : undefined,
  ].filter((kind) => kind !== undefined);
  if (kinds.length > 1) throw new TypeError(`only one scope may be requested, got ${kinds.join(' and ')}`);
  if (options.domainId !== undefined) return { domain: { id: options.domainId } };
  if (options.domainName !== undefined) return { domain: { name: options.domainName } };
  if (options.projectId !== undefined) return { project: { id: options.projectId } };
  if (options.projectName !== undefined) {
    const domain = domainRef(options.projectDomainId, options.projectDomainName);
    if (domain === undefined) throw new TypeError('projectName needs projectDomainId or projectDomainName');
    return { project: { name: options.projectName, domain } };
  }
  if (options.trustId !== undefined) return { 'OS-TRUST:trust': { id: options.trustId } };
  if (options.systemScope !== undefined) {
    if (options.systemScope !== 'all') throw new TypeError(`systemScope must be 'all', got ${JSON.stringify(options.systemScope)}`);
    return { system: { all: true } };
  }
  return undefined;
}

export function domainRef(id: string | undefined, name: string | undefined): { id: string } | { name: string } | undefined {
  if (id !== undefined) return { id };
  if (name !== undefined) return { name };
  return undefined;
}

export interface IssueRequest {
  authUrl: string;
  includeCatalog: boolean;
  methods: readonly string[];
  /** `identity` members besides `methods`, e.g. `{ password: { user: … } }`. */
  identity: Record<string, unknown>;
  scope: Record<string, unknown> | undefined;
  headers?: Record<string, string>;
  /** Who is authenticating, for messages: e.g. `user 'nova' in domain 'Default'`. */
  who: string;
}

export async function issueToken(session: Session, request: IssueRequest): Promise<AccessInfo> {
  const url = `${request.authUrl}/auth/tokens${request.includeCatalog ? '' : '?nocatalog'}`;
  const json = {
    auth: {
      identity: { methods: request.methods, ...request.identity },
      ...(request.scope === undefined ? {} : { scope: request.scope }),
    },
  };
  let response;
  try {
    response = await session.request(url, { method: 'POST', json, headers: request.headers ?? {}, authenticated: false });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    throw new AuthenticationError(
      `Authentication as ${request.who} (${request.methods.join('+')}) failed: identity at ${url} answered ${error.status}: ${error.detail}`,
      { method: 'POST', url, requestId: error.requestId, status: error.status },
      { cause: error },
    );
  }
  let body: unknown;
  try {
    body = response.json();
  } catch {
    body = undefined;
  }
  const access = accessFromResponse(response.headers['x-subject-token'], body);
  if (typeof access === 'string') {
    throw new AuthenticationError(`Authentication as ${request.who} at ${url} returned no usable token: ${access}`, {
      method: 'POST',
      url,
      requestId: response.requestId,
      status: response.status,
    });
  }
  return access;
}
