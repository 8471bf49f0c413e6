// One access-log line per request, for node:http handlers and Fastify apps alike: method,
// path (the query string is left out: it can hold secrets), status, duration, request id,
// and for a 401 or 403 the reason the request was refused. Never a header value.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** The part of a pino logger the access log uses. */
export interface AccessLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface AccessLogLine {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly requestId: string;
  readonly reason?: string;
}

const REASON = Symbol('baton.accessLogReason');
type WithReason = IncomingMessage & { [REASON]?: string };
const MAX_PATH = 256;

/** Why a request was refused, for its access-log line (set by auth-token or an error handler). */
export function setRejectionReason(req: IncomingMessage, reason: string): void {
  (req as WithReason)[REASON] = reason;
}

export function accessLogLine(req: IncomingMessage, status: number, durationMs: number, requestId: string): AccessLogLine {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const reason = status === 401 || status === 403 ? (req as WithReason)[REASON] : undefined;
  return {
    method: req.method ?? 'GET',
    path: path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path,
    status,
    durationMs: Math.round(durationMs * 10) / 10,
    requestId,
    ...(reason === undefined ? {} : { reason }),
  };
}

export function writeAccessLog(logger: AccessLogger, line: AccessLogLine): void {
  const message = `${line.method} ${line.path} ${line.status} ${line.durationMs} ms${line.reason === undefined ? '' : ` (${line.reason})`}`;
  if (line.status >= 500) logger.error(line, message);
  else logger.info(line, message);
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * node:http: `createServer(withAccessLog(logger, handler))`. Gives each response an
 * `x-openstack-request-id` (req-<uuid>) unless the handler sets one, and logs it.
 */
export function withAccessLog(logger: AccessLogger, handler: Handler): Handler {
  return (req, res) => {
    const startedAt = process.hrtime.bigint();
    const generated = `req-${randomUUID()}`;
    res.setHeader('x-openstack-request-id', generated);
    res.once('finish', () => {
      const id = res.getHeader('x-openstack-request-id');
      const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
      writeAccessLog(logger, accessLogLine(req, res.statusCode, durationMs, typeof id === 'string' ? id : generated));
    });
    return handler(req, res);
  };
}

/**
 * Fastify: one line per request from onResponse, with `request.id` as the request id; the
 * message of the error behind a 401/403 is its reason. Pair with a `LogController` that disables request logging.
 */
export function installAccessLog(app: FastifyInstance, logger: AccessLogger = app.log): void {
  // Callback hooks and Fastify's own reply.elapsedTime: this runs on every request of the
  // hot paths (token validation), where a promise or a map entry per request shows.
  app.addHook('onError', (request, _reply, error, done) => {
    if ((request.raw as WithReason)[REASON] === undefined) setRejectionReason(request.raw, error.message);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    writeAccessLog(logger, accessLogLine(request.raw, reply.statusCode, reply.elapsedTime, request.id));
    done();
  });
}
