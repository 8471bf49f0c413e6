// Fastify adapter: an onRequest hook on the given instance (call it before registering the
// routes it protects), `request.authToken` for handlers, and per-route overrides through
// `config: { authToken: { delayAuthDecision, serviceTokenRolesRequired } }`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setRejectionReason } from '@baton/logging';
import type { AuthContext } from './context.ts';
import type { AuthTokenCore, DecisionOverrides } from './core.ts';
import { requestTarget } from './access-rules.ts';
import { ServiceTokenRequiredError } from './errors.ts';
import type { ErrorResponse } from './responses.ts';
import { rewriteRequestHeaders } from './rewrite-headers.ts';
import { requireServiceToken, serviceTokenRequiredResponse } from './service-only.ts';
import { tokenHeadersOf } from './token-header.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by @baton/auth-token's onRequest hook; null on routes it does not guard. */
    authToken: AuthContext | null;
  }
  interface FastifyContextConfig {
    authToken?: DecisionOverrides;
  }
}

export function installAuthToken(app: FastifyInstance, core: AuthTokenCore): void {
  app.decorateRequest('authToken', null);
  app.addHook('onRequest', async function authTokenHook(request, reply) {
    const overrides = request.routeOptions.config.authToken;
    const headers = tokenHeadersOf(request.raw.rawHeaders);
    const target = requestTarget(request.raw.method, request.raw.url);
    const decision = core.authenticateCached(headers, overrides, target) ?? (await core.authenticate(headers, overrides, target));
    request.authToken = decision.context;
    if (decision.kind === 'reject') {
      setRejectionReason(request.raw, decision.reason);
      return replyWith(reply, decision.response);
    }
    rewriteRequestHeaders(request.raw, decision.removeHeaders, decision.setHeaders);
    return undefined;
  });
  // A 401 from a handler gets the same challenge as the middleware's own.
  app.addHook('onSend', async function authTokenChallenge(_request, reply, payload) {
    if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate')) {
      reply.header('WWW-Authenticate', `Keystone uri="${core.wwwAuthenticateUri}"`);
    }
    return payload;
  });
}

/** preHandler for service-only routes: `{ preHandler: requireServiceTokenHook }`. */
export async function requireServiceTokenHook(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  try {
    requireServiceToken(request.authToken);
  } catch (error) {
    if (error instanceof ServiceTokenRequiredError) {
      setRejectionReason(request.raw, error.message);
      return replyWith(reply, serviceTokenRequiredResponse(error));
    }
    throw error;
  }
  return undefined;
}

function replyWith(reply: FastifyReply, response: ErrorResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}
