// Errors of @baton/session, typed by cause so a caller can tell "identity refused us" from
// "the target said 404" from "nothing answered". Every error carries what is known of the
// call (service type, URL, request id); none carries a token.

export type SessionErrorCode =
  | 'ERR_SESSION_HTTP'
  | 'ERR_SESSION_UNAUTHORIZED'
  | 'ERR_SESSION_FORBIDDEN'
  | 'ERR_SESSION_NOT_FOUND'
  | 'ERR_SESSION_ENDPOINT_NOT_FOUND'
  | 'ERR_SESSION_CONNECTION'
  | 'ERR_SESSION_TIMEOUT'
  | 'ERR_SESSION_AUTHENTICATION'
  | 'ERR_SESSION_CONFIG';

/** Where a failed call was going; every field may be unknown. */
export interface CallContext {
  /** The service type from the endpoint filter, when the URL came from the catalog. */
  readonly service?: string | undefined;
  readonly url?: string | undefined;
  /** `X-OpenStack-Request-Id` of the response, when there was one. */
  readonly requestId?: string | undefined;
  readonly method?: string | undefined;
}

export abstract class SessionError extends Error {
  abstract readonly code: SessionErrorCode;
  readonly service: string | undefined;
  readonly url: string | undefined;
  readonly requestId: string | undefined;
  readonly method: string | undefined;

  constructor(message: string, context: CallContext = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.service = context.service;
    this.url = context.url;
    this.requestId = context.requestId;
    this.method = context.method;
  }
}

/** A response with status >= 400 that has no more specific class. */
export class HttpError extends SessionError {
  static readonly code: SessionErrorCode = 'ERR_SESSION_HTTP';
  readonly code: SessionErrorCode = HttpError.code;
  readonly status: number;
  /** The `message` of an OpenStack error body, or the status text. */
  readonly detail: string;

  constructor(status: number, detail: string, context: CallContext = {}) {
    super(`${context.method ?? 'request'} ${context.url ?? ''} answered ${status}: ${detail}${suffix(context)}`, context);
    this.status = status;
    this.detail = detail;
  }
}

/** 401 from the target. */
export class UnauthorizedError extends HttpError {
  static override readonly code = 'ERR_SESSION_UNAUTHORIZED';
  override readonly code = UnauthorizedError.code;
  /**
   * True when fresh credentials might succeed: the session did not already re-authenticate
   * and resend, and the auth plugin can fetch a new token. False after the one retry, or
   * when the token cannot be replaced (a static user token).
   */
  readonly reauthCouldHelp: boolean;

  constructor(detail: string, context: CallContext & { reauthCouldHelp: boolean }) {
    super(401, detail, context);
    this.reauthCouldHelp = context.reauthCouldHelp;
  }
}

export class ForbiddenError extends HttpError {
  static override readonly code = 'ERR_SESSION_FORBIDDEN';
  override readonly code = ForbiddenError.code;

  constructor(detail: string, context: CallContext = {}) {
    super(403, detail, context);
  }
}

export class NotFoundError extends HttpError {
  static override readonly code = 'ERR_SESSION_NOT_FOUND';
  override readonly code = NotFoundError.code;

  constructor(detail: string, context: CallContext = {}) {
    super(404, detail, context);
  }
}

/** Nothing in the token's catalog matched; the message names every criterion looked for. */
export class EndpointNotFoundError extends SessionError {
  static readonly code = 'ERR_SESSION_ENDPOINT_NOT_FOUND';
  readonly code = EndpointNotFoundError.code;
  /** e.g. `service_type=volumev3, interface=internal, region_name=RegionTwo`. */
  readonly lookedFor: string;

  constructor(lookedFor: string, available: string, context: CallContext = {}) {
    super(`No endpoint in the service catalog matches ${lookedFor}; the catalog has ${available}`, context);
    this.lookedFor = lookedFor;
  }
}

/** The connection failed before any response (refused, reset, DNS). */
export class ConnectionError extends SessionError {
  static readonly code = 'ERR_SESSION_CONNECTION';
  readonly code = ConnectionError.code;

  constructor(reason: string, context: CallContext = {}, options?: { cause?: unknown }) {
    super(`${context.method ?? 'request'} ${context.url ?? ''} failed to connect: ${reason}`, context, options);
  }
}

export class TimeoutError extends SessionError {
  static readonly code = 'ERR_SESSION_TIMEOUT';
  readonly code = TimeoutError.code;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, context: CallContext = {}, options?: { cause?: unknown }) {
    super(`${context.method ?? 'request'} ${context.url ?? ''} got no response within ${timeoutMs} ms`, context, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * An auth plugin could not get a token: identity refused the credentials, or answered
 * something that is not a token. `cause` holds the underlying session error.
 */
export class AuthenticationError extends SessionError {
  static readonly code = 'ERR_SESSION_AUTHENTICATION';
  readonly code = AuthenticationError.code;
  /** The HTTP status identity answered, when it answered. */
  readonly status: number | undefined;

  constructor(message: string, context: CallContext & { status?: number | undefined }, options?: { cause?: unknown }) {
    super(message, context, options);
    this.status = context.status;
  }
}

/** A `[service_user]` (or other auth section) option is missing or wrong; found at start-up. */
export class SessionConfigError extends SessionError {
  static readonly code = 'ERR_SESSION_CONFIG';
  readonly code = SessionConfigError.code;
  readonly section: string;
  readonly option: string;

  constructor(section: string, option: string, problem: string) {
    super(`[${section}] ${option}: ${problem}`);
    this.section = section;
    this.option = option;
  }
}

function suffix(context: CallContext): string {
  const parts = [
    context.service === undefined ? undefined : `service ${context.service}`,
    context.requestId === undefined ? undefined : `request id ${context.requestId}`,
  ].filter((p) => p !== undefined);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}
