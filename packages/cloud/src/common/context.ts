// The per-request auth context route code works with: who the caller is (from the
// auth-token middleware), the user's token as it came in and its catalog, so a long job can
// call other services as the user later on.
import type { FastifyRequest } from 'fastify';
import type { CatalogService } from '@baton/session';
import { ForbiddenError } from './errors.ts';

export interface RequestContext {
  readonly requestId: string;
  readonly userId: string;
  readonly userName: string | null;
  readonly projectId: string;
  readonly projectName: string | null;
  readonly roles: readonly string[];
  /** The user holds the admin role (nova's and cinder's default admin rule). */
  readonly isAdmin: boolean;
  /** A valid service token carrying one of [keystone_authtoken] service_token_roles came with the call. */
  readonly isService: boolean;
  /** The user's token as received, for calls made later on the user's behalf. */
  readonly userToken: string;
  readonly userTokenExpiresAt: Date;
  /** The user token was past its expiry and accepted because a service token came with it. */
  readonly userTokenExpired: boolean;
  /** The user token's catalog (X-Service-Catalog); empty when identity sent none. */
  readonly catalog: readonly CatalogService[];
}

const contexts = new WeakMap<FastifyRequest, RequestContext>();

/**
 * The caller's context; throws ForbiddenError for a token without a project scope (every
 * cloud API is per project). Routes behind the middleware always have a confirmed user.
 */
export function contextOf(request: FastifyRequest): RequestContext {
  const known = contexts.get(request);
  if (known !== undefined) return known;
  const auth = request.authToken;
  const user = auth?.user;
  if (auth === null || user === null || user === undefined || auth.identityStatus !== 'Confirmed') {
    throw new ForbiddenError('The request you have made requires a valid token.');
  }
  if (user.projectId === null) throw new ForbiddenError('A project-scoped token is required.');
  const token = request.headers['x-auth-token'];
  const context: RequestContext = Object.freeze({
    requestId: request.id,
    userId: user.userId,
    userName: user.userName,
    projectId: user.projectId,
    projectName: user.projectName,
    roles: user.roles,
    isAdmin: user.roles.includes('admin'),
    isService: auth.isService,
    userToken: typeof token === 'string' ? token : '',
    userTokenExpiresAt: user.expiresAt,
    userTokenExpired: auth.userTokenExpired,
    catalog: catalogOf(request.headers['x-service-catalog']),
  });
  contexts.set(request, context);
  return context;
}

type Json = Record<string, unknown>;

/** X-Service-Catalog holds keystonemiddleware's v2 shape; the session selects from the v3 shape. */
export function catalogOf(header: string | string[] | undefined): CatalogService[] {
  if (typeof header !== 'string' || header === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: Json) => {
    if (typeof entry?.type !== 'string' || !Array.isArray(entry.endpoints)) return [];
    const endpoints = (entry.endpoints as Json[]).flatMap((group) =>
      Object.entries(group ?? {}).flatMap(([key, url]) => {
        const match = /^(public|internal|admin)URL$/.exec(key);
        if (match === null || typeof url !== 'string') return [];
        return [{ interface: match[1] as string, url, region: typeof group.region === 'string' ? group.region : null }];
      }),
    );
    return [{ type: entry.type, ...(typeof entry.name === 'string' ? { name: entry.name } : {}), endpoints }];
  });
}
