/** Minimal Identity v3 API client over fetch, for seeding data and checking results in tests. */

export type Scope = { project: string } | 'unscoped';

export type IssuedToken = { token: string; body: TokenBody };

export type TokenBody = {
  token: {
    methods: string[];
    expires_at: string;
    user: { id: string; name: string };
    project?: { id: string; name: string };
    roles?: { id: string; name: string }[];
    catalog?: { type: string; name: string; endpoints: { interface: string; url: string; region_id: string }[] }[];
  };
};

export class IdentityApiError extends Error {
  readonly status: number;
  constructor(method: string, url: string, status: number, body: string) {
    super(`${method} ${url} answered ${status}: ${body.slice(0, 300)}`);
    this.status = status;
  }
}

/** Sends one JSON request; any status other than `expect` is an IdentityApiError. */
export async function callApi(
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; expect: number },
): Promise<{ headers: Headers; json: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.token !== undefined) headers['x-auth-token'] = opts.token;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== opts.expect) throw new IdentityApiError(method, url, response.status, text);
  return { headers: response.headers, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** POST /v3/auth/tokens with a password in domain Default. */
export async function issuePasswordToken(url: string, username: string, password: string, scope: Scope): Promise<IssuedToken> {
  const auth: Record<string, unknown> = {
    identity: { methods: ['password'], password: { user: { name: username, domain: { id: 'default' }, password } } },
  };
  if (scope !== 'unscoped') auth.scope = { project: { name: scope.project, domain: { id: 'default' } } };
  const { headers, json } = await callApi('POST', `${url}/auth/tokens`, { body: { auth }, expect: 201 });
  const token = headers.get('x-subject-token');
  if (token === null) throw new Error('POST /v3/auth/tokens answered 201 without X-Subject-Token');
  return { token, body: json as TokenBody };
}

/** GET /v3/auth/tokens: the HTTP status keystone gives `subject` when `caller` validates it. */
export async function validateStatus(url: string, caller: string, subject: string): Promise<number> {
  const response = await fetch(`${url}/auth/tokens`, {
    headers: { 'x-auth-token': caller, 'x-subject-token': subject, accept: 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  await response.arrayBuffer();
  return response.status;
}

/** POST /v3/{collection} and return the new entity's id. */
export async function createEntity(url: string, token: string, collection: string, member: string, body: Record<string, unknown>): Promise<string> {
  const { json } = await callApi('POST', `${url}/${collection}`, { token, body: { [member]: body }, expect: 201 });
  return (json as Record<string, { id: string }>)[member]!.id;
}

/** Looks up a role id by name (GET /v3/roles?name=); undefined when there is none. */
export async function findRoleId(url: string, token: string, name: string): Promise<string | undefined> {
  const { json } = await callApi('GET', `${url}/roles?name=${encodeURIComponent(name)}`, { token, expect: 200 });
  return (json as { roles: { id: string }[] }).roles[0]?.id;
}

/** PUT /v3/projects/{p}/users/{u}/roles/{r}. */
export async function grantProjectRole(url: string, token: string, projectId: string, userId: string, roleId: string): Promise<void> {
  await callApi('PUT', `${url}/projects/${projectId}/users/${userId}/roles/${roleId}`, { token, expect: 204 });
}

/**
 * Creates an application credential restricted by `accessRules` for the user of `userToken`
 * (project-scoped) and returns a token issued with it.
 */
export async function issueAccessRuleToken(
  url: string,
  userToken: string,
  userId: string,
  accessRules: readonly { service: string; method: string; path: string }[],
): Promise<string> {
  const { json } = await callApi('POST', `${url}/users/${userId}/application_credentials`, {
    token: userToken,
    body: { application_credential: { name: `ruled-${Date.now()}-${Math.random().toString(36).slice(2)}`, access_rules: accessRules } },
    expect: 201,
  });
  const { id, secret } = (json as { application_credential: { id: string; secret: string } }).application_credential;
  const { headers } = await callApi('POST', `${url}/auth/tokens`, {
    body: { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } },
    expect: 201,
  });
  const token = headers.get('x-subject-token');
  if (token === null) throw new Error('POST /v3/auth/tokens answered 201 without X-Subject-Token');
  return token;
}
