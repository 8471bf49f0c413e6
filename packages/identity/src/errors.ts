// The identity service's errors, as Keystone has them (keystone/exception.py): each
// carries the HTTP status and title it maps to. api/errors.ts is the one place that
// turns them into the OpenStack error JSON.

export type IdentityErrorCode =
  | 'ERR_IDENTITY_VALIDATION'
  | 'ERR_IDENTITY_UNAUTHORIZED'
  | 'ERR_IDENTITY_FORBIDDEN'
  | 'ERR_IDENTITY_NOT_FOUND'
  | 'ERR_IDENTITY_CONFLICT'
  | 'ERR_IDENTITY_PAYLOAD_TOO_LARGE'
  | 'ERR_IDENTITY_GONE'
  | 'ERR_IDENTITY_UNEXPECTED';

export interface IdentityErrorOptions {
  cause?: unknown;
  extra?: Record<string, unknown>;
  debugMessage?: string;
}

export abstract class IdentityError extends Error {
  abstract readonly code: IdentityErrorCode;
  abstract readonly status: number;
  abstract readonly title: string;
  /** Extra members of the error object (Keystone adds `identity` for auth-method failures). */
  readonly extra: Record<string, unknown> | undefined;
  /**
   * What went wrong in detail, for Keystone's SecurityError: answered instead of `message`
   * only while [DEFAULT] insecure_debug is on.
   */
  readonly debugMessage: string | undefined;

  constructor(message: string, options?: IdentityErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.extra = options?.extra;
    this.debugMessage = options?.debugMessage;
  }
}

/** 400: the request body or query does not fit the API. */
export class ValidationError extends IdentityError {
  static readonly code = 'ERR_IDENTITY_VALIDATION';
  readonly code = ValidationError.code;
  readonly status = 400;
  readonly title = 'Bad Request';
}

/** 401: authentication failed; the message is deliberately generic. */
export class UnauthorizedError extends IdentityError {
  static readonly code = 'ERR_IDENTITY_UNAUTHORIZED';
  static readonly defaultMessage = 'The request you have made requires authentication.';
  readonly code = UnauthorizedError.code;
  readonly status = 401;
  readonly title = 'Unauthorized';
  constructor(message = UnauthorizedError.defaultMessage, options?: IdentityErrorOptions) {
    super(message, options);
  }
}

/** 403: authenticated, but policy denies the action. */
export class ForbiddenError extends IdentityError {
  static readonly code = 'ERR_IDENTITY_FORBIDDEN';
  readonly code = ForbiddenError.code;
  readonly status = 403;
  readonly title = 'Forbidden';
  static forAction(action: string): ForbiddenError {
    return new ForbiddenError(`You are not authorized to perform the requested action: ${action}.`);
  }
}

/** 410: an API Keystone keeps only to say it is gone. */
export class GoneError extends IdentityError {
  static readonly code = 'ERR_IDENTITY_GONE';
  readonly code = GoneError.code;
  readonly status = 410;
  readonly title = 'Gone';
}

/** 404: the entity (or token) does not exist or cannot be validated. */
export class NotFoundError extends IdentityError {
  static readonly code = 'ERR_IDENTITY_NOT_FOUND';
  readonly code = NotFoundError.code;
  readonly status = 404;
  readonly title = 'Not Found';
  /** Keystone's message for a missing entity: "Could not find project: <id>." */
  static entity(kind: string, id: string): NotFoundError {
    return new NotFoundError(`Could not find ${kind}: ${id}.`);
  }
}

/** The entity `lookup` finds, or null when it throws NotFoundError (any other error propagates). */
export async function findOrNull<T>(lookup: () => Promise<T>): Promise<T | null> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/** 409: a unique constraint (name in domain, duplicate id) would be broken. */
export class ConflictError extends IdentityError {
  static readonly code = 'ERR_IDENTITY_CONFLICT';
  readonly code = ConflictError.code;
  readonly status = 409;
  readonly title = 'Conflict';
}

/** 413: the request body exceeds the configured limit. */
export class PayloadTooLargeError extends IdentityError {
  static readonly code = 'ERR_IDENTITY_PAYLOAD_TOO_LARGE';
  readonly code = PayloadTooLargeError.code;
  readonly status = 413;
  readonly title = 'Request Entity Too Large';
}

/** 500: anything else; the detail goes to the log only. */
export class UnexpectedError extends IdentityError {
  static readonly code = 'ERR_IDENTITY_UNEXPECTED';
  static readonly publicMessage =
    'An unexpected error prevented the server from fulfilling your request.';
  readonly code = UnexpectedError.code;
  readonly status = 500;
  readonly title = 'Internal Server Error';
}
