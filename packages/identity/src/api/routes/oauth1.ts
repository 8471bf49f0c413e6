// OS-OAUTH1 (keystone/api/os_oauth1.py and the access-token routes of keystone/api/users.py):
// consumers for the cloud admin; the request-token and access-token exchanges, which the
// consumer signs instead of sending a token; the authorization, by a user with a token.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { formatKeystoneTime } from '@baton/tokens';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../../errors.ts';
import type { AccessToken, Consumer } from '../../storage/types.ts';
import type { ValidatedToken } from '../../token/token-provider.ts';
import type { ApiContext } from '../context.ts';
import { isDelegated } from '../../token/delegation.ts';
import type { Renderer } from '../render.ts';
import { compileCheck } from '../request-schema.ts';
import { authorizeOn, noContent } from './crud.ts';
import { consumerSchemas, requestTokenAuthorizeSchema } from './schemas.ts';
import { extraAttributes, requireMatchingId, selfPath, type Json } from './request.ts';
import type { RoleRef } from '../../oauth1/oauth1-manager.ts';
import type { SignedRequest } from '../../oauth1/signature.ts';

const consumerParams = Type.Object({ id: Type.String() });
const requestTokenParams = Type.Object({ requestTokenId: Type.String() });
const userParams = Type.Object({ userId: Type.String() });
const accessTokenParams = Type.Object({ userId: Type.String(), accessTokenId: Type.String() });
const accessTokenRoleParams = Type.Object({ userId: Type.String(), accessTokenId: Type.String(), roleId: Type.String() });

const KNOWN = ['id', 'description', 'secret'];
const FORM = 'application/x-www-form-urlencoded';

/** Keystone's delegation check: a token got through a delegation cannot hand out another. */
function requireUndelegated(caller: ValidatedToken, message: string): void {
  if (isDelegated(caller)) throw new ForbiddenError(message);
}

const expiry = (at: number | null): string | null => (at === null ? null : formatKeystoneTime(at));

export function oauth1Routes(context: ApiContext) {
  const { oauth1, assignment } = context.service;
  const checkCreate = compileCheck(consumerSchemas.create);
  const checkUpdate = compileCheck(consumerSchemas.update);
  const checkRoles = compileCheck(requestTokenAuthorizeSchema);

  function renderConsumer(renderer: Renderer, c: Consumer): Json {
    return { id: c.id, description: c.description, ...c.extra, links: renderer.link(`OS-OAUTH1/consumers/${c.id}`) };
  }

  function renderAccessToken(renderer: Renderer, t: AccessToken): Json {
    const path = `users/${t.authorizingUserId}/OS-OAUTH1/access_tokens/${t.id}`;
    return {
      id: t.id,
      authorizing_user_id: t.authorizingUserId,
      project_id: t.projectId,
      consumer_id: t.consumerId,
      expires_at: expiry(t.expiresAt),
      links: { self: `${renderer.base}/${path}`, roles: `${renderer.base}/${path}/roles` },
    };
  }

  async function renderRole(renderer: Renderer, roleId: string): Promise<Json> {
    const { description: _d, ...role } = renderer.role(await assignment.getRole(roleId));
    return role;
  }

  /** What the consumer signed: Keystone's base URL with this request's path and query. */
  function signedRequest(request: FastifyRequest): SignedRequest {
    return { method: request.method, url: `${context.origin(request)}${request.url}`, authorization: request.headers.authorization };
  }

  /** The body's member, or {} when absent, as Keystone reads it (`.get(member, {})`). */
  function member(request: FastifyRequest, key: string): unknown {
    const body = request.body as Record<string, unknown> | null | undefined;
    return body?.[key] ?? {};
  }

  /** An access token of the user in the path; another user's is not found (Keystone's NotFound). */
  async function usersAccessToken(userId: string, accessTokenId: string): Promise<AccessToken> {
    const token = await oauth1.getAccessToken(accessTokenId);
    if (token.authorizingUserId !== userId) throw new NotFoundError('Could not find the resource.');
    return token;
  }

  return async function oauth1Api(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const consumers = '/v3/OS-OAUTH1/consumers';

    app.post(consumers, async function createConsumer(request, reply) {
      await context.authorize(request, 'create_consumer');
      const body = member(request, 'consumer');
      checkCreate(body);
      const m = body as Json;
      const consumer = await oauth1.createConsumer({
        description: (m.description as string | null | undefined) ?? null,
        extra: extraAttributes(m, KNOWN),
      });
      reply.code(201);
      return { consumer: { ...renderConsumer(context.renderer(request), consumer), secret: consumer.secret } };
    });

    app.get(consumers, async function listConsumers(request) {
      await context.authorize(request, 'list_consumers');
      const renderer = context.renderer(request);
      const items = (await oauth1.listConsumers()).map((c) => renderConsumer(renderer, c));
      return renderer.collection('consumers', selfPath(request), items);
    });

    app.get(`${consumers}/:id`, { schema: { params: consumerParams } }, async function getConsumer(request) {
      const { entity } = await authorizeOn(context, request, 'get_consumer', () => oauth1.getConsumer(request.params.id), () => ({}));
      return { consumer: renderConsumer(context.renderer(request), entity) };
    });

    app.patch(`${consumers}/:id`, { schema: { params: consumerParams } }, async function updateConsumer(request) {
      await context.authorize(request, 'update_consumer');
      const body = member(request, 'consumer');
      checkUpdate(body);
      const m = body as Json;
      requireMatchingId(m, request.params.id);
      const before = await oauth1.getConsumer(request.params.id);
      const patch: { description?: string | null; extra: Record<string, unknown> } = { extra: { ...before.extra, ...extraAttributes(m, KNOWN) } };
      if (m.description !== undefined) patch.description = m.description as string | null;
      return { consumer: renderConsumer(context.renderer(request), await oauth1.updateConsumer(request.params.id, patch)) };
    });

    app.delete(`${consumers}/:id`, { schema: { params: consumerParams } }, async function deleteConsumer(request, reply) {
      await context.authorize(request, 'delete_consumer');
      await oauth1.deleteConsumer(request.params.id);
      noContent(reply);
    });

    // The two exchanges are signed by the consumer: no X-Auth-Token, no policy (Keystone's unenforced_api).
    app.post('/v3/OS-OAUTH1/request_token', async function createRequestToken(request, reply) {
      const projectId = request.headers['requested-project-id'];
      const token = await oauth1.createRequestToken(signedRequest(request), typeof projectId === 'string' ? projectId : undefined);
      const expires = expiry(token.expiresAt);
      reply.code(201).type(FORM);
      return `oauth_token=${token.id}&oauth_token_secret=${token.secret}${expires === null ? '' : `&oauth_expires_at=${expires}`}`;
    });

    app.post('/v3/OS-OAUTH1/access_token', async function createAccessToken(request, reply) {
      const token = await oauth1.createAccessToken(signedRequest(request));
      const expires = expiry(token.expiresAt);
      reply.code(201).type(FORM);
      return `oauth_token=${token.id}&oauth_token_secret=${token.secret}${expires === null ? '' : `&oauth_expires_at=${expires}`}`;
    });

    app.put('/v3/OS-OAUTH1/authorize/:requestTokenId', { schema: { params: requestTokenParams } }, async function authorizeRequestToken(request) {
      const caller = await context.authorize(request, 'authorize_request_token');
      // Keystone reads `roles` with a default of [] and validates it after policy.
      const roles: unknown = (request.body as Record<string, unknown> | null | undefined)?.roles ?? [];
      checkRoles(roles);
      requireUndelegated(caller, 'Cannot authorize a request token with a token issued via delegation.');
      const token = await oauth1.authorizeRequestToken(request.params.requestTokenId, caller.user.id, roles as RoleRef[]);
      return { token: { oauth_verifier: token.verifier } };
    });

    const userTokens = '/v3/users/:userId/OS-OAUTH1/access_tokens';
    const delegatedMessage = 'Cannot manage OAuth access tokens with a token issued via delegation.';

    app.get(userTokens, { schema: { params: userParams } }, async function listAccessTokens(request) {
      const caller = await context.authorize(request, 'list_access_tokens');
      requireUndelegated(caller, delegatedMessage);
      const renderer = context.renderer(request);
      const items = (await oauth1.listAccessTokens(request.params.userId)).map((t) => renderAccessToken(renderer, t));
      return renderer.collection('access_tokens', selfPath(request), items);
    });

    app.get(`${userTokens}/:accessTokenId`, { schema: { params: accessTokenParams } }, async function getAccessToken(request) {
      const caller = await context.authorize(request, 'get_access_token');
      requireUndelegated(caller, delegatedMessage);
      const token = await usersAccessToken(request.params.userId, request.params.accessTokenId);
      return { access_token: renderAccessToken(context.renderer(request), token) };
    });

    app.delete(`${userTokens}/:accessTokenId`, { schema: { params: accessTokenParams } }, async function deleteAccessToken(request, reply) {
      const { userId, accessTokenId } = request.params;
      // Keystone checks this route with its EC2 credential rule: an admin, or the user in the path.
      const caller = await context.authorize(request, 'delete_access_token', { userId });
      requireUndelegated(caller, delegatedMessage);
      const token = await oauth1.getAccessToken(accessTokenId);
      if (token.authorizingUserId !== userId) throw new UnauthorizedError('User IDs do not match');
      await oauth1.deleteAccessToken(accessTokenId);
      noContent(reply);
    });

    app.get(`${userTokens}/:accessTokenId/roles`, { schema: { params: accessTokenParams } }, async function listAccessTokenRoles(request) {
      await context.authorize(request, 'list_access_token_roles');
      const token = await usersAccessToken(request.params.userId, request.params.accessTokenId);
      const renderer = context.renderer(request);
      const roles = await Promise.all(token.roleIds.map((id) => renderRole(renderer, id)));
      return renderer.collection('roles', selfPath(request), roles);
    });

    app.get(`${userTokens}/:accessTokenId/roles/:roleId`, { schema: { params: accessTokenRoleParams } }, async function getAccessTokenRole(request) {
      await context.authorize(request, 'get_access_token_role');
      const token = await oauth1.getAccessToken(request.params.accessTokenId);
      if (token.authorizingUserId !== request.params.userId) throw new UnauthorizedError('User IDs do not match');
      if (!token.roleIds.includes(request.params.roleId)) throw NotFoundError.entity('role', request.params.roleId);
      return { role: await renderRole(context.renderer(request), request.params.roleId) };
    });
  };
}
