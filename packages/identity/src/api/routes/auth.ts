// /v3/auth/*: issue, validate, check and revoke tokens; the caller's catalog, projects,
// domains and system (keystone/api/auth.py).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { readAuthBody } from '../../auth/auth-body.ts';
import { ForbiddenError, GoneError, NotFoundError } from '../../errors.ts';
import { assertAccessRulesSupported, type ValidatedToken } from '../../token/token-provider.ts';
import { credentials, headerToken, type ApiContext } from '../context.ts';
import { adminProjectOf, renderToken } from '../render.ts';
import type { CatalogEntry } from '../../catalog/catalog-manager.ts';
import type { ServiceProviderRef } from '../../federation/federation-manager.ts';
import { optionalMemberBody } from '../request-schema.ts';
import { listQuery } from './crud.ts';
import { tokenIssueSchema } from './schemas.ts';
import type { Query } from './request.ts';

// No token to check first: Fastify answers a bad body (400) before the handler.
const issue = { body: optionalMemberBody('auth', tokenIssueSchema), querystring: listQuery(['nocatalog']) };
const validation = { querystring: listQuery(['allow_expired', 'nocatalog']) };


/** oslo_utils.strutils.bool_from_string: anything but these is false. */
const TRUE_STRINGS = new Set(['1', 't', 'true', 'on', 'y', 'yes']);

function flag(query: Query, name: string): boolean {
  const value = query[name];
  return value !== undefined && TRUE_STRINGS.has(value.trim().toLowerCase());
}

/** A rendered body, valid for as long as the token and catalog objects it came from are current. */
interface Rendered {
  catalog: CatalogEntry[] | undefined;
  serviceProviders: ServiceProviderRef[];
  json: string;
}

function scopeOf(token: ValidatedToken): { projectId: string | null; userId: string } {
  return { projectId: token.scope.kind === 'project' ? token.scope.project.id : null, userId: token.user.id };
}

export function authRoutes(context: ApiContext) {
  const { service } = context;
  // Validated tokens and the catalog are memoised objects; rendering them is the largest
  // remaining cost of a validation, so each pair is serialised once.
  const rendered = new WeakMap<ValidatedToken, Rendered[]>();
  const adminProject = adminProjectOf(service.config.resource);
  const maxTokenSize = service.config.DEFAULT.max_token_size;

  /** The token body as JSON text (reply.type is set by the caller). */
  async function body(token: ValidatedToken, query: Query): Promise<string> {
    const [catalog, serviceProviders] = await Promise.all([
      'nocatalog' in query ? undefined : service.catalog.catalogFor(scopeOf(token)),
      service.federation.enabledServiceProviders(),
    ]);
    const forms = (rendered.get(token) ?? []).filter((form) => form.serviceProviders === serviceProviders);
    const hit = forms.find((form) => form.catalog === catalog);
    if (hit !== undefined) return hit.json;
    const json = JSON.stringify(renderToken(token, catalog, adminProject, serviceProviders));
    rendered.set(token, [...forms.filter((form) => form.catalog === undefined || catalog === undefined), { catalog, serviceProviders, json }]);
    return json;
  }

  /** Caller first (401), then the subject (404), then policy (403), as Keystone orders them. */
  async function subject(request: FastifyRequest, action: string, allowExpired: boolean): Promise<ValidatedToken> {
    const caller = await context.caller(request);
    const subjectId = headerToken(request, 'x-subject-token');
    if (subjectId === null) {
      // A privileged caller learns the token is missing; anyone else is refused.
      context.service.policy.enforce(action, credentials(caller), { tokenUserId: null });
      throw new NotFoundError('No token in the request');
    }
    const token = await context.tokens(request).validate(subjectId, { allowExpired });
    const support = request.headers['openstack-identity-access-rules'];
    assertAccessRulesSupported(token, typeof support === 'string' ? support : null);
    context.service.policy.enforce(action, credentials(caller), { tokenUserId: token.user.id });
    return token;
  }

  return async function auth(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // POST /v3/auth/tokens
    app.post('/v3/auth/tokens', { schema: issue }, async function issueToken(request, reply) {
      const signed = { method: request.method, url: `${context.origin(request)}${request.url.split('?')[0]}`, authorization: request.headers.authorization };
      const token = await service.auth.authenticate(readAuthBody(request.body), signed);
      // Keystone only reports it: something downstream may store tokens in a column that short.
      if (token.id.length > maxTokenSize) {
        request.log.info(`Fernet token created with length of ${token.id.length} characters, which exceeds ${maxTokenSize} characters`);
      }
      reply.code(201).header('X-Subject-Token', token.id).type('application/json');
      return body(token, request.query);
    });

    // GET /v3/auth/tokens
    app.get('/v3/auth/tokens', { schema: validation, exposeHeadRoute: false }, async function validateToken(request, reply) {
      const { query } = request;
      const token = await subject(request, 'validate_token', flag(query, 'allow_expired'));
      reply.header('X-Subject-Token', token.id).type('application/json');
      return body(token, query);
    });

    // HEAD /v3/auth/tokens
    app.head('/v3/auth/tokens', { schema: validation }, async function checkToken(request, reply: FastifyReply) {
      const { query } = request;
      const token = await subject(request, 'check_token', flag(query, 'allow_expired'));
      reply.header('X-Subject-Token', token.id).type('application/json');
      // Content-Length of the body a GET would have had; Node sends no body on HEAD.
      return body(token, query);
    });

    // DELETE /v3/auth/tokens
    app.delete('/v3/auth/tokens', async function revokeToken(request, reply) {
      const token = await subject(request, 'revoke_token', false);
      await service.tokens.revoke(token);
      reply.code(204).send();
    });

    // GET /v3/auth/tokens/OS-PKI/revoked: Keystone keeps the path only to refuse it, with
    // 410 when [token] revoke_by_id is off and 403 otherwise; it needs no token.
    const pkiRevoked = async function pkiRevoked(): Promise<never> {
      if (!service.config.token.revoke_by_id) throw new GoneError('The service you have requested is no longer available on this server.');
      throw new ForbiddenError('You are not authorized to perform the requested action.');
    };
    app.get('/v3/auth/tokens/OS-PKI/revoked', pkiRevoked);

    // GET /v3/auth/catalog
    app.get('/v3/auth/catalog', async function authCatalog(request) {
      const caller = await context.authorize(request, 'get_auth_catalog');
      if (caller.scope.kind !== 'project') {
        throw new ForbiddenError('You are not authorized to perform the requested action.', {
          debugMessage: 'A project-scoped token is required to produce a service catalog.',
        });
      }
      const renderer = context.renderer(request);
      return { catalog: await service.catalog.catalogFor(scopeOf(await context.caller(request))), links: renderer.link('auth/catalog') };
    });

    // GET /v3/auth/projects
    app.get('/v3/auth/projects', async function authProjects(request) {
      const caller = await context.authorize(request, 'get_auth_projects');
      const renderer = context.renderer(request);
      const projects = (await service.assignment.projectsForUser(caller.user.id)).filter((p) => p.enabled);
      return renderer.collection('projects', 'auth/projects', projects.map((p) => renderer.project(p)));
    });

    // GET /v3/auth/domains
    app.get('/v3/auth/domains', async function authDomains(request) {
      const caller = await context.authorize(request, 'get_auth_domains');
      const renderer = context.renderer(request);
      const ids = await service.assignment.domainIdsForUser(caller.user.id);
      const domains = (await Promise.all(ids.map((id) => service.resource.getDomain(id)))).filter((d) => d.enabled);
      return renderer.collection('domains', 'auth/domains', domains.map((d) => renderer.domain(d)));
    });

    // GET /v3/auth/system
    app.get('/v3/auth/system', async function authSystem(request) {
      const caller = await context.authorize(request, 'get_auth_system');
      const roles = await service.assignment.roleIdsOnSystem(caller.user.id);
      return { system: roles.length > 0 ? [{ all: true }] : [], links: context.renderer(request).link('auth/system') };
    });
  };
}
