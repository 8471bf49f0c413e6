// The Identity API v3 as a Fastify application: root hooks and the error mapper are
// registered once here; each API area is a plugin under routes/.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { installAccessLog } from '@baton/logging';
import type { IdentityService } from '../service.ts';
import { ApiContext } from './context.ts';
import { createErrorHandler } from './errors.ts';
import { parseJsonBody } from './json-body.ts';
import { createValidatorCompiler, parseQueryString } from './request-schema.ts';
import { NotFoundError } from '../errors.ts';
import { versionRoutes } from './routes/versions.ts';
import { authRoutes } from './routes/auth.ts';
import { resourceRoutes } from './routes/resources.ts';
import { federationRoutes } from './routes/os-federation.ts';

export interface IdentityAppOptions {
  /** Logger options (pino); false or absent for none. */
  logger?: FastifyServerOptions['logger'];
  /** An existing pino logger, instead of `logger`. */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
}

export { REDACTED_HEADERS } from '@baton/logging';

export async function createIdentityApp(service: IdentityService, options: IdentityAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance !== undefined ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    bodyLimit: service.config.oslo_middleware.max_request_body_size,
    genReqId: () => `req-${randomUUID()}`,
    routerOptions: { querystringParser: parseQueryString },
    // Keystone answers HEAD wherever it answers GET: a GET route's HEAD runs its handler (and
    // policy) and sends no body; the few routes with a HEAD policy of their own opt out.
    exposeHeadRoutes: true,
    return503OnClosing: true,
    // One access-log line per request instead of Fastify's two (see installAccessLog).
    logController: new LogController({ disableRequestLogging: true }),
  });
  installAccessLog(app);
  app.setValidatorCompiler(createValidatorCompiler());
  const context = new ApiContext(service, service.config.DEFAULT.public_endpoint);

  // Keystone answers a body that is not JSON with 400, whatever its content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, function parseJson(_request, body, done) {
    try {
      done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.addHook('onSend', async function identityHeaders(request, reply) {
    reply.header('Vary', 'X-Auth-Token');
    reply.header('x-openstack-request-id', request.id);
  });
  const { insecure_debug: insecureDebug } = service.config.DEFAULT;
  if (insecureDebug) app.log.warn('insecure_debug is enabled so responses may include sensitive information.');
  app.setErrorHandler(createErrorHandler({ authUri: (request) => `${context.origin(request)}/v3`, insecureDebug }));
  app.setNotFoundHandler(function notFound() {
    throw new NotFoundError('The resource could not be found.');
  });

  await app.register(versionRoutes(context));
  await app.register(authRoutes(context));
  await app.register(resourceRoutes(context));
  await app.register(federationRoutes(context));
  // Compiles every route's schemas now, so a wrong one fails start-up, not a request.
  await app.ready();
  return app;
}
