// /v3/users/{user_id}/application_credentials (keystone/api/users.py): a user delegates
// roles they hold on their token's project; the secret is shown once, at creation.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import type { ApplicationCredential, Role } from '../../storage/types.ts';
import type { ValidatedToken } from '../../token/token-provider.ts';
import { isDelegated } from '../../token/delegation.ts';
import type { ApiContext } from '../context.ts';
import type { Renderer } from '../render.ts';
import { memberBody, validBody } from '../request-schema.ts';
import { listQuery, noContent } from './crud.ts';
import { applicationCredentialSchema } from './schemas.ts';
import { selfPath, type Json } from './request.ts';

const userParams = Type.Object({ userId: Type.String() });
const oneParams = Type.Object({ userId: Type.String(), credentialId: Type.String() });
type RoleRef = NonNullable<Static<typeof applicationCredentialSchema>['roles']>[number];

const CLIENT_ERROR =
  ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

/** ISO 8601 with an implied UTC zone, as Keystone's parse_expiration_date reads it. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?Z$/;

export function parseExpiresAt(value: string, now = Date.now()): number {
  const text = value.endsWith('Z') ? value : `${value}Z`;
  const millis = ISO_UTC.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(millis)) throw new ValidationError(`Timestamp not in expected format.${CLIENT_ERROR}`);
  if (millis < now) throw new ValidationError(`The 'expires_at' must not be before now.${CLIENT_ERROR}`);
  return millis / 1000;
}

/**
 * Policy on the URL's user, then Keystone's _block_delegated_token_app_creds: a trust-scoped,
 * OAuth1 or EC2 token neither reads nor manages application credentials and access rules, since
 * a credential made from one would outlive the delegation and leave its chain. Tokens of
 * application credentials pass; whether they may create one is checked at creation.
 */
export async function authorizeOwner(
  context: ApiContext,
  request: FastifyRequest & { params: { userId: string } },
  action: string,
): Promise<{ userId: string; caller: ValidatedToken }> {
  const { userId } = request.params;
  const caller = await context.authorize(request, action, { userId });
  if (!caller.methods.includes('application_credential') && isDelegated(caller)) {
    throw new ForbiddenError('Cannot manage application credentials with a token issued via delegation.');
  }
  return { userId, caller };
}

/** A restricted application credential's token neither creates nor deletes application credentials. */
function requireUnrestricted(caller: ValidatedToken): void {
  if (caller.applicationCredential !== null && !caller.applicationCredential.unrestricted) {
    throw ForbiddenError.forAction("Using method 'application_credential' is not allowed for managing additional application credentials");
  }
}

export function applicationCredentialRoutes(context: ApiContext) {
  const { applicationCredentials, assignment } = context.service;
  const base = '/v3/users/:userId/application_credentials';

  async function render(renderer: Renderer, credential: ApplicationCredential): Promise<Json> {
    const roles = await Promise.all(credential.roleIds.map((id) => assignment.getRole(id)));
    return renderer.applicationCredential(credential, roles);
  }

  /** Requested roles (by id or by global name) must all be on the caller's token. */
  async function delegatedRoles(requested: RoleRef[] | undefined, caller: ValidatedToken): Promise<Role[]> {
    if (requested === undefined || requested.length === 0) return caller.roles;
    const held = new Set(caller.roles.map((r) => r.id));
    const roles: Role[] = [];
    for (const ref of requested) {
      const role =
        typeof ref.id === 'string' && ref.id !== ''
          ? ({ id: ref.id } as Pick<Role, 'id'>)
          : await assignment.getRoleByName(ref.name ?? '', null);
      if (!held.has(role.id)) {
        throw new ValidationError('Invalid application credential: Cannot create an application credential with unassigned role');
      }
      roles.push(caller.roles.find((r) => r.id === role.id) as Role);
    }
    return roles;
  }

  return async function applicationCredentialPlugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // POST /v3/users/{user_id}/application_credentials
    const create = { params: userParams, body: memberBody('application_credential', applicationCredentialSchema) };
    app.post(base, { schema: create, attachValidation: true }, async function createApplicationCredential(request, reply) {
      const { userId, caller } = await authorizeOwner(context, request, 'create_application_credential');
      const body = validBody(request).application_credential;
      requireUnrestricted(caller);
      if (caller.user.id !== userId) throw ForbiddenError.forAction('Cannot create an application credential for another user');
      if (caller.scope.kind !== 'project') {
        throw new ValidationError('Application credentials can only be created with a project-scoped token.');
      }
      const roles = await delegatedRoles(body.roles, caller);
      const expiresAt = typeof body.expires_at === 'string' && body.expires_at !== '' ? parseExpiresAt(body.expires_at) : null;
      const { credential, secret } = await applicationCredentials.create(
        {
          name: body.name,
          userId,
          projectId: caller.scope.project.id,
          description: body.description ?? null,
          ...(typeof body.secret === 'string' && body.secret !== '' ? { secret: body.secret } : {}),
          expiresAt,
          unrestricted: body.unrestricted ?? null,
          roleIds: roles.map((r) => r.id),
          ...(body.access_rules === undefined ? {} : { accessRules: body.access_rules }),
        },
        caller.roles.map((r) => r.id),
      );
      reply.code(201);
      return { application_credential: { ...(await render(context.renderer(request), credential)), secret } };
    });

    // GET /v3/users/{user_id}/application_credentials
    const list = { params: userParams, querystring: listQuery(['name']) };
    app.get(base, { schema: list }, async function listApplicationCredentials(request) {
      const { userId } = await authorizeOwner(context, request, 'list_application_credentials');
      const { name } = request.query;
      const renderer = context.renderer(request);
      const found = await applicationCredentials.list(userId, name === undefined ? {} : { name });
      const items = await Promise.all(found.map((c) => render(renderer, c)));
      return renderer.collection('application_credentials', selfPath(request), items);
    });

    const one = `${base}/:credentialId`;
    /** The credential, which must belong to the user in the URL. */
    async function find(request: FastifyRequest & { params: Static<typeof oneParams> }, userId: string): Promise<ApplicationCredential> {
      const { credentialId } = request.params;
      const credential = await applicationCredentials.get(credentialId);
      if (credential.userId !== userId) throw NotFoundError.entity('Application Credential', credentialId);
      return credential;
    }

    // GET /v3/users/{user_id}/application_credentials/{application_credential_id}
    app.get(one, { schema: { params: oneParams } }, async function getApplicationCredential(request) {
      const { userId } = await authorizeOwner(context, request, 'get_application_credential');
      return { application_credential: await render(context.renderer(request), await find(request, userId)) };
    });

    // DELETE /v3/users/{user_id}/application_credentials/{application_credential_id}
    app.delete(one, { schema: { params: oneParams } }, async function deleteApplicationCredential(request, reply) {
      const { userId, caller } = await authorizeOwner(context, request, 'delete_application_credential');
      requireUnrestricted(caller);
      await applicationCredentials.delete((await find(request, userId)).id);
      noContent(reply);
    });
  };
}
