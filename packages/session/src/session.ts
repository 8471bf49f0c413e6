// A keystoneauth-like Session: adds the auth plugin's headers, finds the URL in the
// token's catalog, retries what is safe to retry, re-authenticates once on a 401, and
// raises typed errors. Tokens only ever reach the log as hashes.
import { interfacesOf, type EndpointFilter } from './catalog.ts';
import { exchange, errorForResponse, TransportFailure, type OutgoingHeaders, type SessionResponse } from './http.ts';
import type { AuthPlugin } from './plugin.ts';
import { redactHeaders } from './redact.ts';
import type { CallContext } from './errors.ts';

/** pino-compatible: `logger.debug({ ...fields }, 'message')`. */
export interface SessionLogger {
  debug(fields: object, message: string): void;
}

export interface SessionOptions {
  auth?: AuthPlugin;
  /** Per-attempt deadline in ms, covering the response body. Default 60000. */
  timeout?: number;
  /** Extra attempts after a connection failure or timeout. Default 0, as keystoneauth. */
  connectRetries?: number;
  /** Extra attempts after a 503, for idempotent methods only. Default 0, as keystoneauth. */
  statusRetries?: number;
  /** First back-off delay in ms, doubled per retry up to 60 s. Default 500 (keystoneauth's 0.5 s). */
  retryDelay?: number;
  logger?: SessionLogger;
  userAgent?: string;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** Serialised as the body, with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as is (e.g. image data, with the caller's Content-Type). */
  body?: string | Uint8Array;
  endpointFilter?: EndpointFilter;
  /** Base URL used instead of the catalog (oslo's `endpoint_override`). */
  endpointOverride?: string;
  /** Send the auth plugin's headers. Default: true when the session has a plugin. */
  authenticated?: boolean;
  /** Throw a typed error for status >= 400. Default true. */
  raiseError?: boolean;
  /** On a 401, invalidate the plugin and resend once. Default true (keystoneauth's allow_reauth). */
  allowReauth?: boolean;
  timeout?: number;
}

export type { SessionResponse };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const MAX_RETRY_DELAY_MS = 60_000;
const DEFAULT_USER_AGENT = `baton-session/0.1.0 node/${process.versions.node}`;

export class Session {
  readonly auth: AuthPlugin | undefined;
  readonly #timeout: number;
  readonly #connectRetries: number;
  readonly #statusRetries: number;
  readonly #retryDelay: number;
  readonly #logger: SessionLogger | undefined;
  readonly #userAgent: string;

  constructor(options: SessionOptions = {}) {
    this.auth = options.auth;
    this.#timeout = positive('timeout', options.timeout ?? 60_000);
    this.#connectRetries = count('connectRetries', options.connectRetries ?? 0);
    this.#statusRetries = count('statusRetries', options.statusRetries ?? 0);
    this.#retryDelay = count('retryDelay', options.retryDelay ?? 500);
    this.#logger = options.logger;
    this.#userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  }

  async request(urlOrPath: string, init: RequestInit = {}): Promise<SessionResponse> {
    const method = (init.method ?? 'GET').toUpperCase();
    const authenticated = init.authenticated ?? this.auth !== undefined;
    if (authenticated && this.auth === undefined) {
      throw new TypeError('Session.request: authenticated request on a session without an auth plugin');
    }
    const auth = authenticated ? this.auth : undefined;
    const url = await this.#resolveUrl(urlOrPath, init);
    const context: CallContext = { method, url, service: init.endpointFilter?.serviceType };
    const timeout = positive('timeout', init.timeout ?? this.#timeout);
    const body = init.json === undefined ? init.body : JSON.stringify(init.json);
    // Header names are case-insensitive: lower-cased here, so a caller's name replaces ours.
    const headers: OutgoingHeaders = { 'user-agent': this.#userAgent, accept: 'application/json' };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    setHeaders(headers, init.headers);

    const send = async (): Promise<SessionResponse> => {
      if (auth !== undefined) setHeaders(headers, await auth.getHeaders(this));
      return this.#sendWithRetries(method, url, headers, body, timeout, context);
    };

    let response = await send();
    let reauthCouldHelp = true;
    if (response.status === 401 && auth !== undefined && (init.allowReauth ?? true)) {
      // keystoneauth resends once only if the plugin had something to drop: a new token might work.
      if (auth.invalidate()) {
        this.#logger?.debug({ url, method }, 'got 401; re-authenticating and resending once');
        response = await send();
      }
      reauthCouldHelp = false;
    }
    if (response.status >= 400 && (init.raiseError ?? true)) throw errorForResponse(response, context, reauthCouldHelp);
    return response;
  }

  get(url: string, init: Omit<RequestInit, 'method'> = {}): Promise<SessionResponse> {
    return this.request(url, { ...init, method: 'GET' });
  }
  head(url: string, init: Omit<RequestInit, 'method'> = {}): Promise<SessionResponse> {
    return this.request(url, { ...init, method: 'HEAD' });
  }
  post(url: string, init: Omit<RequestInit, 'method'> = {}): Promise<SessionResponse> {
    return this.request(url, { ...init, method: 'POST' });
  }
  put(url: string, init: Omit<RequestInit, 'method'> = {}): Promise<SessionResponse> {
    return this.request(url, { ...init, method: 'PUT' });
  }
  patch(url: string, init: Omit<RequestInit, 'method'> = {}): Promise<SessionResponse> {
    return this.request(url, { ...init, method: 'PATCH' });
  }
  delete(url: string, init: Omit<RequestInit, 'method'> = {}): Promise<SessionResponse> {
    return this.request(url, { ...init, method: 'DELETE' });
  }

  async #resolveUrl(urlOrPath: string, init: RequestInit): Promise<string> {
    if (typeof urlOrPath !== 'string') throw new TypeError('Session.request: url must be a string');
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(urlOrPath)) return urlOrPath;
    let base: string;
    if (init.endpointOverride !== undefined) {
      base = init.endpointOverride;
    } else if (init.endpointFilter !== undefined) {
      if (this.auth === undefined) throw new TypeError('Session.request: endpointFilter needs an auth plugin (its catalog)');
      base = await this.auth.getEndpoint(this, init.endpointFilter);
      this.#logger?.debug(
        { serviceType: init.endpointFilter.serviceType, interface: interfacesOf(init.endpointFilter), url: base },
        'endpoint from catalog',
      );
    } else {
      throw new TypeError(`Session.request: relative URL ${JSON.stringify(urlOrPath)} needs endpointFilter or endpointOverride`);
    }
    return urlOrPath === '' ? base : `${base.replace(/\/+$/, '')}/${urlOrPath.replace(/^\/+/, '')}`;
  }

  async #sendWithRetries(
    method: string,
    url: string,
    headers: OutgoingHeaders,
    body: string | Uint8Array | undefined,
    timeout: number,
    context: CallContext,
  ): Promise<SessionResponse> {
    let connectLeft = this.#connectRetries;
    let statusLeft = IDEMPOTENT.has(method) ? this.#statusRetries : 0;
    let delay = this.#retryDelay;
    for (;;) {
      this.#logger?.debug({ method, url, headers: redactHeaders(headers) }, 'REQ');
      const started = performance.now();
      const result = await exchange(method, url, headers, body, timeout, context);
      if (result instanceof TransportFailure) {
        // A request the server may have seen is only repeated when repeating it is harmless.
        const retriable = result.nothingSent || IDEMPOTENT.has(method);
        if (!retriable || connectLeft <= 0) throw result.error;
        connectLeft--;
        this.#logger?.debug({ method, url, reason: result.error.message, delayMs: delay }, 'connection failed; retrying');
      } else {
        this.#logger?.debug(
          { method, url, status: result.status, requestId: result.requestId, ms: Math.round(performance.now() - started) },
          'RESP',
        );
        if (result.requestId !== undefined) {
          this.#logger?.debug({ method, url, requestId: result.requestId }, `${method} call to ${url} used request id ${result.requestId}`);
        }
        if (result.status !== 503 || statusLeft <= 0) return result;
        statusLeft--;
        this.#logger?.debug({ method, url, requestId: result.requestId, delayMs: delay }, 'got 503; retrying');
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }
}

function setHeaders(headers: OutgoingHeaders, values: Readonly<Record<string, string>> | undefined): void {
  for (const name in values) headers[name.toLowerCase()] = values[name] as string;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`Session: ${name} must be a positive number of ms`);
  return value;
}

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`Session: ${name} must be a non-negative integer`);
  return value;
}
