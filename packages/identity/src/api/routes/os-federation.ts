// /v3/OS-FEDERATION (keystone/api/os_federation.py): identity providers, their protocols,
// mappings and service providers, for the cloud admin (system readers read). Every write
// is a PUT to the id the client chose. Policy comes first, then the body (401, 403, 400).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static, type TObject, type TSchema } from 'typebox';
import type { FederationProtocol, IdentityProvider, Mapping, ServiceProvider } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import type { Renderer } from '../render.ts';
import { memberBody, validBody } from '../request-schema.ts';
import { listQuery, noContent } from './crud.ts';
import { enabledFilter, selfPath, type Json } from './request.ts';
import { identityProviderSchemas, mappingSchema, protocolSchemas, serviceProviderSchemas } from './schemas.ts';

const BASE = '/v3/OS-FEDERATION';

interface EntitySpec<T, P extends TObject, C extends TSchema, U extends TSchema, Q extends TObject> {
  /** Member key and policy noun: 'mapping' → identity:create_mapping. */
  member: string;
  /** Collection key and policy noun: 'mappings' → identity:list_mappings. */
  collection: string;
  /** The collection's path and the member's path below it, in Fastify's syntax. */
  listPath: string;
  memberPath: string;
  listParams: TObject;
  params: P;
  /** PUT's path parameters: ids no longer than their columns (PostgreSQL refuses longer ones). */
  createParams: TObject;
  createSchema: C;
  updateSchema: U;
  listQuery: Q;
  /** Keystone filters a member's attributes, but not a listed one's. */
  render(renderer: Renderer, entity: T, listed: boolean): Json;
  create(params: Static<P>, body: Static<C>): Promise<T>;
  get(params: Static<P>): Promise<T>;
  list(params: Record<string, string>, query: Static<Q>): Promise<T[]>;
  update(params: Static<P>, body: Static<U>): Promise<T>;
  remove(params: Static<P>): Promise<void>;
}

function registerEntity<T, P extends TObject, C extends TSchema, U extends TSchema, Q extends TObject>(
  instance: FastifyInstance,
  context: ApiContext,
  spec: EntitySpec<T, P, C, U, Q>,
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { member, collection } = spec;
  const memberOf = (request: FastifyRequest): unknown => (validBody(request) as Record<string, unknown>)[member];
  const one = (request: FastifyRequest, entity: T): Json => ({ [member]: spec.render(context.renderer(request), entity, false) });

  app.get(spec.listPath, { schema: { params: spec.listParams, querystring: spec.listQuery } }, async function listFederationEntities(request) {
    await context.authorize(request, `list_${collection}`);
    const renderer = context.renderer(request);
    const items = await spec.list(request.params as Record<string, string>, request.query as Static<Q>);
    return renderer.collection(collection, selfPath(request), items.map((entity) => spec.render(renderer, entity, true)));
  });

  app.put(spec.memberPath, { schema: { params: spec.createParams, body: memberBody(member, spec.createSchema) }, attachValidation: true }, async function createFederationEntity(request, reply) {
    await context.authorize(request, `create_${member}`);
    const entity = await spec.create(request.params as Static<P>, memberOf(request) as Static<C>);
    reply.code(201);
    return one(request, entity);
  });

  app.get(spec.memberPath, { schema: { params: spec.params } }, async function getFederationEntity(request) {
    await context.authorize(request, `get_${member}`);
    return one(request, await spec.get(request.params as Static<P>));
  });

  app.patch(spec.memberPath, { schema: { params: spec.params, body: memberBody(member, spec.updateSchema) }, attachValidation: true }, async function updateFederationEntity(request) {
    await context.authorize(request, `update_${member}`);
    return one(request, await spec.update(request.params as Static<P>, memberOf(request) as Static<U>));
  });

  app.delete(spec.memberPath, { schema: { params: spec.params } }, async function deleteFederationEntity(request, reply) {
    await context.authorize(request, `delete_${member}`);
    await spec.remove(request.params as Static<P>);
    noContent(reply);
  });
}

/** ?id= and ?enabled= (Keystone's list filters for identity and service providers). */
function providerFilter(query: { id?: string | undefined; enabled?: string | undefined }): { id?: string; enabled?: boolean } {
  const enabled = enabledFilter(query);
  return { ...(query.id === undefined ? {} : { id: query.id }), ...(enabled === undefined ? {} : { enabled }) };
}

const noParams = Type.Object({});
const idpParams = Type.Object({ idp_id: Type.String() });
/** An id a PUT stores: Keystone's columns are String(64). */
const newId = Type.String({ maxLength: 64 });

export function federationRoutes(context: ApiContext) {
  const { federation } = context.service;
  const relayStatePrefix = context.service.config.saml.relay_state_prefix;

  return async function osFederation(app: FastifyInstance): Promise<void> {
    // PUT/GET/PATCH/DELETE /v3/OS-FEDERATION/identity_providers/{idp_id}, GET …/identity_providers
    registerEntity(app, context, {
      member: 'identity_provider',
      collection: 'identity_providers',
      listPath: `${BASE}/identity_providers`,
      memberPath: `${BASE}/identity_providers/:idp_id`,
      listParams: noParams,
      params: idpParams,
      createParams: Type.Object({ idp_id: newId }),
      createSchema: identityProviderSchemas.create,
      updateSchema: identityProviderSchemas.update,
      listQuery: listQuery(['id', 'enabled']),
      render: (renderer, idp: IdentityProvider) => {
        const self = renderer.link(`OS-FEDERATION/identity_providers/${idp.id}`).self;
        return {
          id: idp.id,
          domain_id: idp.domainId,
          enabled: idp.enabled,
          description: idp.description,
          remote_ids: idp.remoteIds,
          authorization_ttl: idp.authorizationTtl,
          links: { self, protocols: `${self}/protocols` },
        };
      },
      create: ({ idp_id: id }, m) =>
        federation.createIdentityProvider(id, {
          domainId: m.domain_id ?? null,
          enabled: m.enabled ?? false,
          description: m.description ?? null,
          authorizationTtl: m.authorization_ttl ?? null,
          remoteIds: m.remote_ids ?? [],
        }),
      get: ({ idp_id: id }) => federation.getIdentityProvider(id),
      list: (_params, query) => federation.listIdentityProviders(providerFilter(query)),
      update: ({ idp_id: id }, m) =>
        federation.updateIdentityProvider(id, {
          enabled: m.enabled,
          description: m.description,
          authorizationTtl: m.authorization_ttl,
          remoteIds: m.remote_ids === null ? [] : m.remote_ids,
        }),
      remove: ({ idp_id: id }) => federation.deleteIdentityProvider(id),
    });

    // PUT/GET/PATCH/DELETE …/identity_providers/{idp_id}/protocols/{protocol_id}, GET …/protocols
    registerEntity(app, context, {
      member: 'protocol',
      collection: 'protocols',
      listPath: `${BASE}/identity_providers/:idp_id/protocols`,
      memberPath: `${BASE}/identity_providers/:idp_id/protocols/:protocol_id`,
      listParams: idpParams,
      params: Type.Object({ idp_id: Type.String(), protocol_id: Type.String() }),
      createParams: Type.Object({ idp_id: Type.String(), protocol_id: newId }),
      createSchema: protocolSchemas.create,
      updateSchema: protocolSchemas.update,
      listQuery: noParams,
      render: (renderer, p: FederationProtocol, listed) => {
        // Keystone's protocol links miss their prefix: …/v3/protocols/{id} and …/v3/{idp_id}.
        const links = { self: renderer.link(`protocols/${p.id}`).self, identity_provider: renderer.link(p.idpId).self };
        return listed
          ? { id: p.id, idp_id: p.idpId, mapping_id: p.mappingId, remote_id_attribute: p.remoteIdAttribute, links }
          : { id: p.id, mapping_id: p.mappingId, links };
      },
      create: ({ idp_id: idpId, protocol_id: id }, m) =>
        federation.createProtocol({ id, idpId, mappingId: m.mapping_id, remoteIdAttribute: m.remote_id_attribute ?? null }),
      get: ({ idp_id: idpId, protocol_id: id }) => federation.getProtocol(idpId, id),
      list: ({ idp_id: idpId }) => federation.listProtocols(idpId as string),
      update: ({ idp_id: idpId, protocol_id: id }, m) =>
        federation.updateProtocol(idpId, id, { mappingId: m.mapping_id, remoteIdAttribute: m.remote_id_attribute }),
      remove: ({ idp_id: idpId, protocol_id: id }) => federation.deleteProtocol(idpId, id),
    });

    // PUT/GET/PATCH/DELETE /v3/OS-FEDERATION/mappings/{mapping_id}, GET …/mappings
    registerEntity(app, context, {
      member: 'mapping',
      collection: 'mappings',
      listPath: `${BASE}/mappings`,
      memberPath: `${BASE}/mappings/:mapping_id`,
      listParams: noParams,
      params: Type.Object({ mapping_id: Type.String() }),
      createParams: Type.Object({ mapping_id: newId }),
      createSchema: mappingSchema,
      updateSchema: mappingSchema,
      listQuery: noParams,
      render: (renderer, m: Mapping) => ({ id: m.id, rules: m.rules, links: renderer.link(`OS-FEDERATION/mappings/${m.id}`) }),
      create: ({ mapping_id: id }, m) => federation.createMapping({ id, rules: m.rules }),
      get: ({ mapping_id: id }) => federation.getMapping(id),
      list: () => federation.listMappings(),
      update: ({ mapping_id: id }, m) => federation.updateMapping(id, m.rules),
      remove: ({ mapping_id: id }) => federation.deleteMapping(id),
    });

    // PUT/GET/PATCH/DELETE /v3/OS-FEDERATION/service_providers/{sp_id}, GET …/service_providers
    registerEntity(app, context, {
      member: 'service_provider',
      collection: 'service_providers',
      listPath: `${BASE}/service_providers`,
      memberPath: `${BASE}/service_providers/:sp_id`,
      listParams: noParams,
      params: Type.Object({ sp_id: Type.String() }),
      createParams: Type.Object({ sp_id: newId }),
      createSchema: serviceProviderSchemas.create,
      updateSchema: serviceProviderSchemas.update,
      listQuery: listQuery(['id', 'enabled']),
      render: (renderer, sp: ServiceProvider) => ({
        auth_url: sp.authUrl,
        id: sp.id,
        enabled: sp.enabled,
        description: sp.description,
        relay_state_prefix: sp.relayStatePrefix,
        sp_url: sp.spUrl,
        links: renderer.link(`OS-FEDERATION/service_providers/${sp.id}`),
      }),
      create: ({ sp_id: id }, m) =>
        federation.createServiceProvider({
          id,
          enabled: m.enabled ?? false,
          description: m.description ?? null,
          authUrl: m.auth_url,
          spUrl: m.sp_url,
          // An explicit null would break Keystone's NOT NULL column (a 500); it gets the default here.
          relayStatePrefix: m.relay_state_prefix ?? relayStatePrefix,
        }),
      get: ({ sp_id: id }) => federation.getServiceProvider(id),
      list: (_params, query) => federation.listServiceProviders(providerFilter(query)),
      update: ({ sp_id: id }, m) =>
        federation.updateServiceProvider(id, {
          enabled: m.enabled,
          description: m.description,
          authUrl: m.auth_url,
          spUrl: m.sp_url,
          relayStatePrefix: m.relay_state_prefix ?? undefined,
        }),
      remove: ({ sp_id: id }) => federation.deleteServiceProvider(id),
    });
  };
}
