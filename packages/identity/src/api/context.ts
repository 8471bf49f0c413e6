// What every route needs: the managers, the caller's validated token, policy, links.
import type { FastifyRequest } from 'fastify';
import type { IdentityService } from '../service.ts';
import { assertAccessRulesSupported, type TokenCheck, type ValidatedToken } from '../token/token-provider.ts';
import type { PolicyCredentials, PolicyTarget } from '../policy.ts';
import { NotFoundError, UnauthorizedError } from '../errors.ts';
import { Renderer } from './render.ts';

const checks = new WeakMap<FastifyRequest, TokenCheck>();
const callers = new WeakMap<FastifyRequest, Promise<ValidatedToken>>();

export function credentials(token: ValidatedToken): PolicyCredentials {
  const { scope } = token;
  return {
    userId: token.user.id,
    roles: new Set(token.roles.map((r) => r.name.toLowerCase())),
    projectId: scope.kind === 'project' ? scope.project.id : null,
    projectDomainId: scope.kind === 'project' ? scope.domain.id : null,
    domainId: scope.kind === 'domain' ? scope.domain.id : null,
    system: scope.kind === 'system',
  };
}

/** The header value, trimmed; a header sent twice counts as absent (ambiguous). */
export function headerToken(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

export class ApiContext {
  readonly service: IdentityService;
  readonly #publicEndpoint: string | null;

  constructor(service: IdentityService, publicEndpoint: string | null) {
    this.service = service;
    this.#publicEndpoint = publicEndpoint?.replace(/\/+$/, '') ?? null;
  }

  /** Scheme://host[:port] the client used, or [DEFAULT] public_endpoint without /v3. */
  origin(request: FastifyRequest): string {
    if (this.#publicEndpoint !== null) return this.#publicEndpoint.replace(/\/v3$/, '');
    // Standard ports are left out, as Keystone's base_url does.
    const standard = request.protocol === 'https' ? ':443' : ':80';
    const host = request.host.endsWith(standard) ? request.host.slice(0, -standard.length) : request.host;
    return `${request.protocol}://${host}`;
  }

  renderer(request: FastifyRequest): Renderer {
    return new Renderer(`${this.origin(request)}/v3`);
  }

  /** Validation of the request's X-Auth-Token and X-Subject-Token together (TokenProvider.check). */
  tokens(request: FastifyRequest): TokenCheck {
    let check = checks.get(request);
    if (check === undefined) {
      check = this.service.tokens.check([headerToken(request, 'x-auth-token'), headerToken(request, 'x-subject-token')]);
      checks.set(request, check);
    }
    return check;
  }

  /** The validated X-Auth-Token of the request (never with an expired window), or 401. */
  caller(request: FastifyRequest): Promise<ValidatedToken> {
    let pending = callers.get(request);
    if (pending === undefined) {
      pending = this.#validateCaller(request);
      callers.set(request, pending);
    }
    return pending;
  }

  async #validateCaller(request: FastifyRequest): Promise<ValidatedToken> {
    const tokenId = headerToken(request, 'x-auth-token');
    if (tokenId === null) throw new UnauthorizedError();
    try {
      const token = await this.tokens(request).validate(tokenId, { allowExpired: false });
      // Identity itself enforces no access rules, so such a token is never its caller.
      assertAccessRulesSupported(token, null);
      return token;
    } catch (error) {
      if (error instanceof NotFoundError) throw new UnauthorizedError(undefined, { cause: error });
      throw error;
    }
  }

  /** Authenticates the caller and checks identity:<action> against the target. */
  async authorize(request: FastifyRequest, action: string, target: PolicyTarget = {}): Promise<ValidatedToken> {
    const caller = await this.caller(request);
    this.service.policy.enforce(action, credentials(caller), target);
    return caller;
  }
}
