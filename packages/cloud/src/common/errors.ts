// The cloud services' errors: each carries the HTTP status and title it maps to. app.ts is
// the one place that turns them into the OpenStack error JSON.

export type CloudErrorCode =
  | 'ERR_CLOUD_BAD_REQUEST'
  | 'ERR_CLOUD_FORBIDDEN'
  | 'ERR_CLOUD_NOT_FOUND'
  | 'ERR_CLOUD_CONFLICT'
  | 'ERR_CLOUD_NOT_ACCEPTABLE'
  | 'ERR_CLOUD_PAYLOAD_TOO_LARGE'
  | 'ERR_CLOUD_UNEXPECTED'
  | 'ERR_CLOUD_CONFIG'
  | 'ERR_CLOUD_INTER_SERVICE';

export abstract class CloudError extends Error {
  abstract readonly code: CloudErrorCode;
  abstract readonly status: number;
  abstract readonly title: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** 400: the body, query or path does not fit the API. */
export class BadRequestError extends CloudError {
  static readonly code = 'ERR_CLOUD_BAD_REQUEST';
  readonly code = BadRequestError.code;
  readonly status = 400;
  readonly title = 'Bad Request';
}

/** 403: authenticated, but not allowed (policy, or a service-only call without a service token). */
export class ForbiddenError extends CloudError {
  static readonly code = 'ERR_CLOUD_FORBIDDEN';
  readonly code = ForbiddenError.code;
  readonly status = 403;
  readonly title = 'Forbidden';
}

/** 404: no such resource, or one of another project (OpenStack does not reveal it exists). */
export class NotFoundError extends CloudError {
  static readonly code = 'ERR_CLOUD_NOT_FOUND';
  readonly code = NotFoundError.code;
  readonly status = 404;
  readonly title = 'Not Found';
  /** "Volume 1234 could not be found." as nova and cinder phrase it. */
  static entity(kind: string, id: string): NotFoundError {
    return new NotFoundError(`${kind} ${id} could not be found.`);
  }
}

/** 409: the resource is in a state that does not allow the action. */
export class ConflictError extends CloudError {
  static readonly code = 'ERR_CLOUD_CONFLICT';
  readonly code = ConflictError.code;
  readonly status = 409;
  readonly title = 'Conflict';
}

/** 406: a microversion outside the range the service supports. */
export class NotAcceptableError extends CloudError {
  static readonly code = 'ERR_CLOUD_NOT_ACCEPTABLE';
  readonly code = NotAcceptableError.code;
  readonly status = 406;
  readonly title = 'Not Acceptable';
}

/** 413: a body (or an image upload) beyond the configured limit. */
export class PayloadTooLargeError extends CloudError {
  static readonly code = 'ERR_CLOUD_PAYLOAD_TOO_LARGE';
  readonly code = PayloadTooLargeError.code;
  readonly status = 413;
  readonly title = 'Request Entity Too Large';
}

/** 500: a fault of ours; the message never carries detail (the log does). */
export class UnexpectedError extends CloudError {
  static readonly publicMessage = 'An unexpected error prevented the server from fulfilling your request.';
  static readonly code = 'ERR_CLOUD_UNEXPECTED';
  readonly code = UnexpectedError.code;
  readonly status = 500;
  readonly title = 'Internal Server Error';
}
