// /v3/credentials (keystone/api/credentials.py): blobs owned by a user, optionally for a
// project; an ec2 blob is JSON with an `access` key whose SHA-256 is the credential's id.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { expecting } from '../../auth/auth-body.ts';
import { ForbiddenError, ValidationError, findOrNull } from '../../errors.ts';
import { EC2_TYPE, ec2Blob, ec2CredentialId, type Credential } from '../../credential/credential-manager.ts';
import type { ValidatedToken } from '../../token/token-provider.ts';
import { credentials as policyCredentials, type ApiContext } from '../context.ts';
import { isDelegated } from '../../token/delegation.ts';
import type { Renderer } from '../render.ts';
import { memberBody, validBody } from '../request-schema.ts';
import { authorizeOn, idParams, listQuery, noContent } from './crud.ts';
import { credentialSchemas } from './schemas.ts';
import { extraAttributes, selfPath, type Json } from './request.ts';

const KNOWN = ['blob', 'project_id', 'type', 'user_id'];

/** Delegated tokens (isDelegated) never touch credentials: a delegation cannot mint a lasting secret. */
export function requirePrimaryAuth(caller: ValidatedToken): void {
  if (isDelegated(caller)) {
    throw ForbiddenError.forAction('Delegated tokens cannot access credentials directly');
  }
}

/** An ec2 blob must be a JSON object with `access` (CredentialResource._validate_blob_json). */
function validEc2Blob(blob: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(blob);
  } catch {
    throw new ValidationError('Invalid blob in credential');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
    throw expecting('blob', 'credential');
  }
  if ((value as Json).access === undefined || (value as Json).access === null) {
    throw expecting('access', 'credential');
  }
  return value as Json;
}

const isEc2 = (type: string): boolean => type.toLowerCase() === EC2_TYPE;

function render(renderer: Renderer, c: Credential): Json {
  return { user_id: c.userId, project_id: c.projectId, type: c.type, id: c.id, blob: c.blob, ...c.extra, links: renderer.link(`credentials/${c.id}`) };
}

export function credentialRoutes(context: ApiContext) {
  const { credentials } = context.service;
  const target = (c: Credential) => ({ credentialUserId: c.userId });

  return async function credentialPlugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    // POST /v3/credentials
    const create = { body: memberBody('credential', credentialSchemas.create) };
    app.post('/v3/credentials', { schema: create, attachValidation: true }, async function createCredential(request, reply) {
      await context.caller(request);
      const raw: unknown = (request.body as Json | null | undefined)?.credential;
      const owner = typeof raw === 'object' && raw !== null ? (raw as Json).user_id : undefined;
      const caller = await context.authorize(request, 'create_credential', { credentialUserId: typeof owner === 'string' ? owner : null });
      const body = validBody(request).credential;
      requirePrimaryAuth(caller);
      // Any spelling of ec2 gets the access key's hash as id; only `ec2` needs a project.
      const id = isEc2(body.type) ? ec2CredentialId(String(validEc2Blob(body.blob).access)) : undefined;
      const credential = await credentials.create({
        ...(id === undefined ? {} : { id }),
        userId: body.user_id,
        projectId: body.project_id ?? null,
        type: body.type,
        blob: body.blob,
        extra: extraAttributes(body, KNOWN),
      });
      reply.code(201);
      return { credential: render(context.renderer(request), credential) };
    });

    // GET /v3/credentials
    app.get('/v3/credentials', { schema: { querystring: listQuery(['user_id', 'type']) } }, async function listCredentials(request) {
      const caller = await context.caller(request);
      const own = caller.scope.kind === 'system' ? {} : { credentialUserId: caller.user.id };
      await context.authorize(request, 'list_credentials', own);
      const { user_id: userId, type } = request.query;
      const found = await credentials.list({ ...(userId === undefined ? {} : { userId }), ...(type === undefined ? {} : { type }) });
      // Each credential is shown only if the caller may get it (a project admin sees others' only by policy).
      const creds = policyCredentials(caller);
      const visible = found.filter((c) => {
        try {
          context.service.policy.enforce('get_credential', creds, target(c));
          requirePrimaryAuth(caller);
          return true;
        } catch (error) {
          if (error instanceof ForbiddenError) return false;
          throw error;
        }
      });
      const renderer = context.renderer(request);
      return renderer.collection('credentials', selfPath(request), visible.map((c) => render(renderer, c)));
    });

    // GET /v3/credentials/{credential_id}
    app.get('/v3/credentials/:id', { schema: { params: idParams } }, async function getCredential(request) {
      const { id } = request.params;
      const { caller, entity } = await authorizeOn(context, request, 'get_credential', () => credentials.get(id), target);
      requirePrimaryAuth(caller);
      return { credential: render(context.renderer(request), entity) };
    });

    // PATCH /v3/credentials/{credential_id}: only the blob changes (LP#2159643).
    const update = { params: idParams, body: memberBody('credential', credentialSchemas.update) };
    app.patch('/v3/credentials/:id', { schema: update, attachValidation: true }, async function updateCredential(request) {
      const { id } = request.params;
      await context.caller(request);
      const existing = await findOrNull(() => credentials.get(id));
      const caller = await context.authorize(request, 'update_credential', existing === null ? {} : target(existing));
      // Keystone checks the body before it reports a missing credential.
      const { blob } = validBody(request).credential;
      const current = existing ?? (await credentials.get(id));
      requirePrimaryAuth(caller);
      if (isEc2(current.type)) {
        const before = ec2Blob(current);
        const after = validEc2Blob(blob);
        for (const key of ['trust_id', 'app_cred_id', 'access_token_id', 'access_id']) {
          if (before[key] !== after[key]) throw new ValidationError(`${key} can not be updated for credential`);
        }
      }
      return { credential: render(context.renderer(request), await credentials.updateBlob(id, blob)) };
    });

    // DELETE /v3/credentials/{credential_id}
    app.delete('/v3/credentials/:id', { schema: { params: idParams } }, async function deleteCredential(request, reply) {
      const { id } = request.params;
      const { caller } = await authorizeOn(context, request, 'delete_credential', () => credentials.get(id), target);
      requirePrimaryAuth(caller);
      await credentials.delete(id);
      noContent(reply);
    });
  };
}
