// EC2 credentials (keystone/api/users.py OS-EC2 resources) and POST /v3/ec2tokens
// (keystone/api/ec2tokens.py): the same credentials as /v3/credentials with type ec2, seen
// as access/secret pairs and addressed by their access key.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError, UnauthorizedError } from '../../errors.ts';
import { EC2_TYPE, ec2Blob, ec2CredentialId, type Credential } from '../../credential/credential-manager.ts';
import { newId } from '../../ids.ts';
import type { ApiContext } from '../context.ts';
import { adminProjectOf, renderToken, type Renderer } from '../render.ts';
import { validBody } from '../request-schema.ts';
import { noContent } from './crud.ts';
import { requirePrimaryAuth } from './credentials.ts';
import { ec2CredentialCreateSchema, ec2TokensSchema } from './schemas.ts';
import { selfPath, type Json } from './request.ts';

const userParams = Type.Object({ userId: Type.String() });
const oneParams = Type.Object({ userId: Type.String(), credentialId: Type.String() });

/** The EC2 view of a credential (_convert_v3_to_ec2_credential), linked by its access key. */
function render(renderer: Renderer, c: Credential): Json {
  const blob = ec2Blob(c);
  return {
    user_id: c.userId,
    tenant_id: c.projectId,
    access: blob.access ?? null,
    secret: blob.secret ?? null,
    trust_id: blob.trust_id ?? null,
    links: renderer.link(`users/${c.userId}/credentials/OS-EC2/${String(blob.access)}`),
  };
}

/** json.dumps's text (", " and ": "), so the blob reads the same through /v3/credentials. */
function pythonJson(members: Json): string {
  return `{${Object.entries(members).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
}

export function ec2CredentialRoutes(context: ApiContext) {
  const { credentials, identity, resource, catalog } = context.service;
  const adminProject = adminProjectOf(context.service.config.resource);
  const base = '/v3/users/:userId/credentials/OS-EC2';

  /** The credential by access key: missing is 404 before policy (Keystone's build_target looks it up). */
  async function authorizeOne(request: FastifyRequest & { params: { userId: string; credentialId: string } }, action: string): Promise<Credential> {
    const { userId, credentialId } = request.params;
    await context.caller(request);
    const credential = await credentials.get(ec2CredentialId(credentialId));
    const caller = await context.authorize(request, action, { userId, credentialUserId: credential.userId });
    await identity.getUser(userId);
    if (credential.type !== EC2_TYPE) throw new UnauthorizedError(undefined, { debugMessage: 'EC2 access key not found.' });
    requirePrimaryAuth(caller);
    return credential;
  }

  return async function ec2Plugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    // GET /v3/users/{user_id}/credentials/OS-EC2
    app.get(base, { schema: { params: userParams } }, async function listEc2Credentials(request) {
      const { userId } = request.params;
      const caller = await context.authorize(request, 'ec2_list_credentials', { userId });
      requirePrimaryAuth(caller);
      await identity.getUser(userId);
      const renderer = context.renderer(request);
      const found = await credentials.list({ userId, type: EC2_TYPE });
      return renderer.collection('credentials', selfPath(request), found.map((c) => render(renderer, c)));
    });

    // POST /v3/users/{user_id}/credentials/OS-EC2
    const create = { params: userParams, body: ec2CredentialCreateSchema };
    app.post(base, { schema: create, attachValidation: true }, async function createEc2Credential(request, reply) {
      const { userId } = request.params;
      const caller = await context.authorize(request, 'ec2_create_credential', { userId, credentialUserId: userId });
      const { tenant_id: tenantId } = validBody(request);
      await identity.getUser(userId);
      // Keystone looks up whatever it is given; a missing tenant_id is "None".
      if (typeof tenantId !== 'string') throw NotFoundError.entity('project', tenantId === undefined || tenantId === null ? 'None' : JSON.stringify(tenantId));
      await resource.getProject(tenantId);
      requirePrimaryAuth(caller);
      const access = newId();
      const credential = await credentials.create({
        id: ec2CredentialId(access),
        userId,
        projectId: tenantId,
        type: EC2_TYPE,
        blob: pythonJson({ access, secret: newId(), trust_id: null }),
        extra: {},
      });
      reply.code(201);
      return { credential: render(context.renderer(request), credential) };
    });

    const one = `${base}/:credentialId`;

    // GET /v3/users/{user_id}/credentials/OS-EC2/{credential_id}
    app.get(one, { schema: { params: oneParams } }, async function getEc2Credential(request) {
      const credential = await authorizeOne(request, 'ec2_get_credential');
      return { credential: render(context.renderer(request), credential) };
    });

    // DELETE /v3/users/{user_id}/credentials/OS-EC2/{credential_id}
    app.delete(one, { schema: { params: oneParams } }, async function deleteEc2Credential(request, reply) {
      const credential = await authorizeOne(request, 'ec2_delete_credential');
      await credentials.delete(credential.id);
      noContent(reply);
    });

    // POST /v3/ec2tokens: for services (admin or the service role) that front EC2 or S3.
    app.post('/v3/ec2tokens', { schema: { body: ec2TokensSchema } }, async function ec2Tokens(request, reply) {
      await context.authorize(request, 'ec2tokens_validate');
      const token = await context.service.ec2Tokens.authenticate(request.body);
      const scope = token.scope.kind === 'project' ? token.scope.project.id : null;
      const tokenCatalog = await catalog.catalogFor({ projectId: scope, userId: token.user.id });
      reply.code(200).header('X-Subject-Token', token.id);
      return renderToken(token, tokenCatalog, adminProject);
    });
  };
}
