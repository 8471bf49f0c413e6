// Version discovery: GET / (300 Multiple Choices) and GET /v3, as keystoneauth expects.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.ts';

function v3Version(context: ApiContext, request: FastifyRequest) {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${context.origin(request)}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

export function versionRoutes(context: ApiContext) {
  return async function versions(app: FastifyInstance): Promise<void> {
    // GET /
    app.get('/', async function listVersions(request, reply) {
      reply.code(300).header('Location', `${context.origin(request)}/v3/`);
      return { versions: { values: [v3Version(context, request)] } };
    });
    // GET /v3
    app.get('/v3', async function showVersion(request) {
      return { version: v3Version(context, request) };
    });
    app.get('/v3/', async function showVersionSlash(request) {
      return { version: v3Version(context, request) };
    });
  };
}
