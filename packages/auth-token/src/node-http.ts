// node:http and connect/Express adapters over the core. Identity headers are rewritten in
// both req.headers and req.rawHeaders, so no view of the request keeps a spoofed value.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setRejectionReason } from '@baton/logging';
import type { AuthContext } from './context.ts';
import type { AuthDecision, AuthTokenCore, DecisionOverrides } from './core.ts';
import { requestTarget } from './access-rules.ts';
import { ServiceTokenRequiredError } from './errors.ts';
import type { ErrorResponse } from './responses.ts';
import { rewriteRequestHeaders } from './rewrite-headers.ts';
import { requireServiceToken, serviceTokenRequiredResponse } from './service-only.ts';
import { tokenHeadersOf } from './token-header.ts';

export type NextFunction = (error?: unknown) => void;
export type ConnectMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

// Kept on the request under a symbol: a WeakMap entry per request costs the garbage
// collector more than a property does, and this runs on every request.
const CONTEXT = Symbol('baton.authContext');
type WithContext = IncomingMessage & { [CONTEXT]?: AuthContext };

/** The context the middleware attached to this request, or null if it did not run. */
export function authContextOf(req: IncomingMessage): AuthContext | null {
  return (req as WithContext)[CONTEXT] ?? null;
}

/**
 * Decides the request and, when it may go on, calls `proceed`; a rejection is answered here,
 * a failure goes to `failed`. A warm request is decided synchronously: no promise, no extra
 * turn of the event loop.
 */
function authenticateThen(
  core: AuthTokenCore,
  overrides: DecisionOverrides | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  proceed: () => void,
  failed: (error: unknown) => void,
): void {
  const apply = (decision: AuthDecision): void => {
    (req as WithContext)[CONTEXT] = decision.context;
    if (decision.kind === 'reject') {
      setRejectionReason(req, decision.reason);
      return send(res, decision.response);
    }
    rewriteRequestHeaders(req, decision.removeHeaders, decision.setHeaders);
    challengeDownstream401(res, core.wwwAuthenticateUri);
    proceed();
  };
  const headers = tokenHeadersOf(req.rawHeaders);
  const target = requestTarget(req.method, req.url);
  const cached = core.authenticateCached(headers, overrides, target);
  if (cached !== undefined) apply(cached);
  else core.authenticate(headers, overrides, target).then(apply, failed);
}

/** connect/Express middleware: `app.use(authTokenMiddleware(core))`. */
export function authTokenMiddleware(core: AuthTokenCore, overrides?: DecisionOverrides): ConnectMiddleware {
  return function authToken(req, res, next) {
    authenticateThen(core, overrides, req, res, next, next);
  };
}

/** Plain node:http: `createServer(withAuthToken(core, handler))`. */
export function withAuthToken(core: AuthTokenCore, handler: RequestHandler, overrides?: DecisionOverrides): RequestHandler {
  return (req, res) =>
    authenticateThen(
      core,
      overrides,
      req,
      res,
      () => {
        try {
          const result = handler(req, res);
          if (result instanceof Promise) result.catch((failure: unknown) => fail(res, failure));
        } catch (failure) {
          fail(res, failure);
        }
      },
      (error) => fail(res, error),
    );
}

/** Wraps a handler so it only runs for service requests, else answers 403. */
export function serviceOnly(handler: RequestHandler): RequestHandler {
  return (req, res) => {
    try {
      requireServiceToken(authContextOf(req));
    } catch (error) {
      if (error instanceof ServiceTokenRequiredError) {
        setRejectionReason(req, error.message);
        return send(res, serviceTokenRequiredResponse(error));
      }
      throw error;
    }
    return handler(req, res);
  };
}

export function send(res: ServerResponse, response: ErrorResponse): void {
  res.writeHead(response.status, { ...response.headers, 'Content-Length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

function fail(res: ServerResponse, error: unknown): void {
  if (!res.headersSent) {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 500, title: 'Internal Server Error', message: 'An unexpected error prevented the server from fulfilling your request.' } }));
  } else {
    res.destroy(error instanceof Error ? error : undefined);
  }
}

// keystonemiddleware adds the challenge to 401s the service itself answers, so clients learn
// where to authenticate whichever layer refused them. One shared function, reading its URI and
// the writeHead it wraps from the response, instead of a closure per request.
const CHALLENGE = Symbol('baton.challenge');
type Challenged = ServerResponse & { [CHALLENGE]: { uri: string; writeHead: ServerResponse['writeHead'] } };

function writeHeadWithChallenge(this: Challenged, ...args: Parameters<ServerResponse['writeHead']>): ServerResponse {
  const { uri, writeHead } = this[CHALLENGE];
  if (args[0] === 401 && !this.hasHeader('www-authenticate')) this.setHeader('WWW-Authenticate', `Keystone uri="${uri}"`);
  return writeHead.apply(this, args);
}

function challengeDownstream401(res: ServerResponse, uri: string): void {
  (res as Challenged)[CHALLENGE] = { uri, writeHead: res.writeHead };
  res.writeHead = writeHeadWithChallenge as ServerResponse['writeHead'];
}
