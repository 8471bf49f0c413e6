// @baton/logging: the service log ([DEFAULT] debug, log_file; JSON or readable lines) and
// the access log every Baton service writes, for node:http and Fastify.
export { closeLogger, createServiceLogger, createSilentLogger, REDACTED_HEADERS } from './logger.ts';
export type { ServiceLogger, ServiceLoggerOptions } from './logger.ts';
export { accessLogLine, installAccessLog, setRejectionReason, withAccessLog, writeAccessLog } from './access-log.ts';
export type { AccessLogger, AccessLogLine } from './access-log.ts';
