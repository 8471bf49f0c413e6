// The only place this package builds OpenStack error bodies: {"error":{"code","title","message"}},
// with WWW-Authenticate on a 401 as keystonemiddleware sends it.

export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const TITLES: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};

export function errorResponse(status: 401 | 403 | 503, message: string, extraHeaders: Record<string, string> = {}): ErrorResponse {
  const body = JSON.stringify({ error: { code: status, title: TITLES[status], message } });
  return { status, headers: { 'Content-Type': 'application/json', ...extraHeaders }, body };
}

export function wwwAuthenticate(uri: string): Record<string, string> {
  return { 'WWW-Authenticate': `Keystone uri="${uri}"` };
}

export function unauthorized(uri: string): ErrorResponse {
  return errorResponse(401, 'The request you have made requires authentication.', wwwAuthenticate(uri));
}

export function identityUnavailable(): ErrorResponse {
  return errorResponse(503, 'The Keystone service is temporarily unavailable.');
}
