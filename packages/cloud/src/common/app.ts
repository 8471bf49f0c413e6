// A cloud service's Fastify application: the auth-token middleware in front of every route,
// request ids, JSON bodies with size and nesting limits, microversions, version discovery,
// and the one place that turns errors into the OpenStack error JSON.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { installAuthToken, type AuthTokenCore } from '@baton/auth-token';
import { installAccessLog } from '@baton/logging';
import { BadRequestError, CloudError, NotAcceptableError, NotFoundError, PayloadTooLargeError, UnexpectedError } from './errors.ts';

/** Deeper JSON is refused with 400 before any handler sees it. */
export const MAX_JSON_DEPTH = 32;

/** Route config for routes anyone may call (version discovery): the middleware decides nothing. */
export const PUBLIC_ROUTE = { authToken: { delayAuthDecision: true } } as const;

export interface Microversions {
  /** The service type in `OpenStack-API-Version`, e.g. 'volume' or 'compute'. */
  readonly serviceType: string;
  readonly min: string;
  readonly max: string;
  /** An older header some clients still send, e.g. 'x-openstack-nova-api-version'. */
  readonly legacyHeader?: string;
}

export interface ApiVersion {
  /** e.g. 'v3.0', 'v2.1', 'v2.0'. */
  readonly id: string;
  /** Where the version lives, e.g. '/v3' (no trailing slash). */
  readonly path: string;
  readonly status: 'CURRENT' | 'SUPPORTED' | 'DEPRECATED';
  /** The microversion range, when the API has one. */
  readonly microversions?: Microversions;
  readonly updated?: string;
}

export interface ServiceAppOptions {
  /** The auth-token core built from the service's [keystone_authtoken]. */
  readonly authToken: AuthTokenCore;
  /** [oslo_middleware] max_request_body_size. */
  readonly bodyLimit: number;
  /** Extra response headers carrying the request id (nova adds x-compute-request-id). */
  readonly requestIdHeaders?: readonly string[];
  /** The API versions, for `GET /` and `GET <path>`; the first CURRENT one is negotiated. */
  readonly versions: readonly ApiVersion[];
  /** Status of `GET /`: cinder and glance answer 300 Multiple Choices, nova and neutron 200. */
  readonly rootStatus?: 200 | 300;
  /** The service log ([DEFAULT] debug, log_file); one access-log line per request goes to it. */
  readonly logger?: FastifyBaseLogger;
}

export interface Microversion {
  readonly major: number;
  readonly minor: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The negotiated microversion, on services that have them (null elsewhere). */
    microversion: Microversion | null;
  }
}

const INVALID_JSON = 'Malformed request body: the body is not valid JSON.';

export async function createServiceApp(options: ServiceAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    bodyLimit: options.bodyLimit,
    genReqId: () => `req-${randomUUID()}`,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    exposeHeadRoutes: false,
    return503OnClosing: true,
    // Repeated and odd query strings are the handlers' concern; never a crash.
    routerOptions: { maxParamLength: 500 },
    // One access-log line per request instead of Fastify's two (see installAccessLog).
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (options.logger !== undefined) installAccessLog(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  const requestIdHeaders = ['x-openstack-request-id', ...(options.requestIdHeaders ?? [])];
  app.addHook('onSend', async (request, reply, payload) => {
    for (const header of requestIdHeaders) reply.header(header, request.id);
    return payload;
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(() => {
    throw new NotFoundError('The resource could not be found.');
  });
  app.decorateRequest('microversion', null);
  installAuthToken(app, options.authToken);
  const current = options.versions.find((v) => v.status === 'CURRENT');
  if (current?.microversions !== undefined) installMicroversions(app, current.path, current.microversions);
  registerVersionRoutes(app, options.versions, options.rootStatus ?? 200);
  return app;
}

/** JSON.parse with the nesting limit; '' is no body. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(INVALID_JSON, { cause: error });
  }
  if (depthOf(value, 0) > MAX_JSON_DEPTH) throw new BadRequestError(`Malformed request body: nested deeper than ${MAX_JSON_DEPTH} levels.`);
  return value;
}

function depthOf(value: unknown, depth: number): number {
  if (typeof value !== 'object' || value === null) return depth;
  if (depth > MAX_JSON_DEPTH) return depth;
  let deepest = depth + 1;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, depth + 1));
  return deepest;
}

/** Maps framework errors (parsing, schema validation, limits) onto ours. */
export function toCloudError(error: FastifyError | Error): CloudError {
  if (error instanceof CloudError) return error;
  const fastify = error as FastifyError;
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new PayloadTooLargeError('Request is too large.', { cause: error });
  if (fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new BadRequestError('Unsupported Content-Type: send application/json.', { cause: error });
  }
  if (fastify.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return new BadRequestError(INVALID_JSON, { cause: error });
  }
  if (fastify.validation !== undefined) {
    const first = fastify.validation[0];
    const where = `${fastify.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
    return new BadRequestError(`Invalid input for field/attribute ${where}: ${first?.message ?? 'invalid'}.`, { cause: error });
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return fastify.statusCode === 404
      ? new NotFoundError('The resource could not be found.', { cause: error })
      : new BadRequestError(error.message, { cause: error });
  }
  return new UnexpectedError(UnexpectedError.publicMessage, { cause: error });
}

/** The OpenStack error JSON: {"error":{"code","title","message"}}. */
export function errorBody(error: CloudError): string {
  return JSON.stringify({ error: { code: error.status, title: error.title, message: error.message } });
}

function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = toCloudError(error);
  if (mapped instanceof UnexpectedError) request.log.error({ err: error }, 'unexpected error');
  else request.log.info({ code: mapped.code, status: mapped.status }, mapped.message);
  reply.code(mapped.status).type('application/json').send(errorBody(mapped));
}

function parseVersion(text: string): Microversion | null {
  const match = /^(\d{1,3})\.(\d{1,4})$/.exec(text.trim());
  return match === null ? null : { major: Number(match[1]), minor: Number(match[2]) };
}

function compare(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** True when the request's microversion is at least `version` (e.g. '3.27'). */
export function atLeast(request: FastifyRequest, version: string): boolean {
  const wanted = parseVersion(version);
  if (wanted === null) throw new TypeError(`atLeast: bad version ${JSON.stringify(version)}`);
  return request.microversion !== null && compare(request.microversion, wanted) >= 0;
}

function installMicroversions(app: FastifyInstance, path: string, range: Microversions): void {
  const min = parseVersion(range.min);
  const max = parseVersion(range.max);
  if (min === null || max === null) throw new TypeError(`microversions: bad range ${range.min}..${range.max}`);
  const prefix = `${path}/`;
  app.addHook('preHandler', async (request, reply) => {
    const url = request.url;
    if (!(url === path || url.startsWith(prefix) || url.startsWith(`${path}?`))) return;
    const version = requested(request, range, min, max);
    request.microversion = version;
    reply.header('OpenStack-API-Version', `${range.serviceType} ${version.major}.${version.minor}`);
    reply.header('Vary', 'OpenStack-API-Version');
    if (range.legacyHeader !== undefined) reply.header(range.legacyHeader, `${version.major}.${version.minor}`);
  });
}

function requested(request: FastifyRequest, range: Microversions, min: Microversion, max: Microversion): Microversion {
  let text: string | undefined;
  const header = request.headers['openstack-api-version'];
  for (const part of (typeof header === 'string' ? header : '').split(',')) {
    const [service, value] = part.trim().split(/\s+/, 2);
    if (service?.toLowerCase() === range.serviceType && value !== undefined) text = value;
  }
  if (text === undefined && range.legacyHeader !== undefined) {
    const legacy = request.headers[range.legacyHeader.toLowerCase()];
    if (typeof legacy === 'string') text = legacy;
  }
  if (text === undefined) return min;
  if (text.trim().toLowerCase() === 'latest') return max;
  const version = parseVersion(text);
  if (version === null) throw new BadRequestError(`Invalid API version request: ${JSON.stringify(text.slice(0, 32))}.`);
  if (compare(version, min) < 0 || compare(version, max) > 0) {
    throw new NotAcceptableError(`Version ${text.trim()} is not supported by the API. Minimum is ${range.min} and maximum is ${range.max}.`);
  }
  return version;
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function versionEntry(request: FastifyRequest, version: ApiVersion): Record<string, unknown> {
  return {
    id: version.id,
    status: version.status,
    version: version.microversions?.max ?? '',
    min_version: version.microversions?.min ?? '',
    updated: version.updated ?? '2026-01-01T00:00:00Z',
    links: [{ rel: 'self', href: `${origin(request)}${version.path}/` }],
    'media-types': [{ base: 'application/json', type: 'application/json' }],
  };
}

function registerVersionRoutes(app: FastifyInstance, versions: readonly ApiVersion[], rootStatus: 200 | 300): void {
  app.get('/', { config: PUBLIC_ROUTE }, async (request, reply) =>
    reply.code(rootStatus).send({ versions: versions.map((version) => versionEntry(request, version)) }),
  );
  for (const version of versions) {
    for (const path of [version.path, `${version.path}/`]) {
      app.get(path, { config: PUBLIC_ROUTE }, async (request) => ({ version: versionEntry(request, version) }));
    }
  }
}
