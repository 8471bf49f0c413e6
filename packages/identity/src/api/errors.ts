// The one place that turns errors into OpenStack error JSON (keystone/server/flask/
// application.py:_handle_keystone_exception): {"error":{"code","message","title"}}, a
// WWW-Authenticate header on 401, and a fixed message for anything unexpected.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IdentityError, NotFoundError, PayloadTooLargeError, UnexpectedError, ValidationError } from '../errors.ts';

const INVALID_JSON =
  'Expecting to find valid JSON in request body. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

/** Maps framework errors (body parsing, limits) onto ours; schema failures already are ours. */
function toIdentityError(error: FastifyError | Error): IdentityError {
  if (error instanceof IdentityError) return error;
  const fastify = error as FastifyError;
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new PayloadTooLargeError('Request is too large.', { cause: error });
  }
  if (
    fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ||
    fastify.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    error instanceof SyntaxError
  ) {
    return new ValidationError(INVALID_JSON, { cause: error });
  }
  if (fastify.statusCode === 404) return new NotFoundError('The resource could not be found.', { cause: error });
  return new UnexpectedError(UnexpectedError.publicMessage, {
    cause: error,
    debugMessage: `An unexpected error prevented the server from fulfilling your request: ${error.message}.`,
  });
}

export interface ErrorRendering {
  /** The value of WWW-Authenticate's uri: [DEFAULT] public_endpoint or the request's own …/v3. */
  authUri(request: FastifyRequest): string;
  /** [DEFAULT] insecure_debug: answer the detailed message of an error that has one. */
  insecureDebug?: boolean;
}

const AMENDMENT = '(Disable insecure_debug mode to suppress these details.)';

function errorBody(error: IdentityError, insecureDebug: boolean): string {
  const message = insecureDebug && error.debugMessage !== undefined ? `${error.debugMessage} ${AMENDMENT}` : error.message;
  return JSON.stringify({ error: { code: error.status, message, title: error.title, ...error.extra } });
}

export function createErrorHandler(rendering: ErrorRendering) {
  return function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
    const mapped = toIdentityError(error);
    if (mapped instanceof UnexpectedError) request.log.error({ err: error }, 'unexpected error');
    else request.log.info({ code: mapped.code, status: mapped.status }, mapped.message);
    if (mapped.status === 401) reply.header('WWW-Authenticate', `Keystone uri="${rendering.authUri(request)}"`);
    reply.code(mapped.status).type('application/json').send(errorBody(mapped, rendering.insecureDebug === true));
  };
}
