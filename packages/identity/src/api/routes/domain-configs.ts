// /v3/domains/{domain_id}/config[/{group}[/{option}]] and /v3/domains/config/…/default
// (keystone/api/domains.py DomainConfig*Resource, DefaultConfig*Resource).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { ApiContext } from '../context.ts';
import { optionalMemberBody, validBody } from '../request-schema.ts';
import { noContent } from './crud.ts';

// Keystone reads `config` without a schema; its groups are checked by the manager.
const configBody = optionalMemberBody('config', Type.Record(Type.String(), Type.Unknown()));
const configParams = Type.Object({ id: Type.String(), group: Type.Optional(Type.String()), option: Type.Optional(Type.String()) });
const defaultParams = Type.Object({ group: Type.Optional(Type.String()), option: Type.Optional(Type.String()) });
type ConfigRequest = FastifyRequest & { params: Static<typeof configParams> };

const GROUP_PATHS = ['/v3/domains/:id/config', '/v3/domains/:id/config/:group', '/v3/domains/:id/config/:group/:option'];
const DEFAULT_PATHS = ['/v3/domains/config/default', '/v3/domains/config/:group/default', '/v3/domains/config/:group/:option/default'];

export function domainConfigRoutes(context: ApiContext) {
  const { domainConfigs, resource } = context.service;

  /** Policy, then the domain (404), as Keystone's writes do. */
  async function writable(request: ConfigRequest, action: string): Promise<string> {
    await context.authorize(request, action);
    return (await resource.getDomain(request.params.id)).id;
  }

  const requestConfig = (request: ConfigRequest & { body: unknown }): Record<string, unknown> =>
    (validBody(request) as Static<typeof configBody> | undefined)?.config ?? {};

  return async function domainConfigPlugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    // GET/HEAD /v3/domains/{domain_id}/config[/{group}[/{option}]]
    for (const url of GROUP_PATHS) {
      app.route({
        method: 'GET',
        url,
        schema: { params: configParams },
        handler: async function getDomainConfig(request) {
          const { id, group, option } = request.params;
          // The default domain's password rules are anyone's to read; nothing else there is.
          if (group === 'security_compliance') {
            await context.authorize(request, 'get_security_compliance_domain_config');
            return { config: domainConfigs.securityCompliance(id, option) };
          }
          // A missing domain answers as a missing config: existence is not leaked.
          await context.authorize(request, 'get_domain_config');
          return { config: await domainConfigs.get(id, group, option) };
        },
      });
    }

    // PUT /v3/domains/{domain_id}/config
    const put = { params: configParams, body: configBody };
    app.put('/v3/domains/:id/config', { schema: put, attachValidation: true }, async function createDomainConfig(request, reply: FastifyReply) {
      const domainId = await writable(request, 'create_domain_config');
      const existed = await domainConfigs.hasConfig(domainId);
      const config = await domainConfigs.create(domainId, requestConfig(request));
      reply.code(existed ? 200 : 201);
      return { config };
    });

    // PATCH /v3/domains/{domain_id}/config[/{group}[/{option}]]
    for (const url of GROUP_PATHS) {
      app.patch(url, { schema: put, attachValidation: true }, async function updateDomainConfig(request) {
        const domainId = await writable(request, 'update_domain_config');
        const { group, option } = request.params;
        return { config: await domainConfigs.update(domainId, requestConfig(request), group, option) };
      });
    }

    // DELETE /v3/domains/{domain_id}/config[/{group}[/{option}]]
    for (const url of GROUP_PATHS) {
      app.delete(url, { schema: { params: configParams } }, async function deleteDomainConfig(request, reply) {
        const domainId = await writable(request, 'delete_domain_config');
        await domainConfigs.delete(domainId, request.params.group, request.params.option);
        noContent(reply);
      });
    }

    // GET/HEAD /v3/domains/config[/{group}[/{option}]]/default
    for (const url of DEFAULT_PATHS) {
      app.route({
        method: 'GET',
        url,
        schema: { params: defaultParams },
        handler: async function getDomainConfigDefault(request) {
          await context.authorize(request, 'get_domain_config_default');
          return { config: domainConfigs.defaults(request.params.group, request.params.option) };
        },
      });
    }
  };
}
