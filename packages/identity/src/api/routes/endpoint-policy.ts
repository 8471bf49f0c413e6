// OS-ENDPOINT-POLICY (keystone/api/policy.py, endpoints.py): policy documents associated
// with an endpoint, a service, or a service in a region, and the policy of an endpoint.
import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { PolicyPlace } from '../../endpoint-policy/endpoint-policy-manager.ts';
import type { ApiContext } from '../context.ts';
import { noContent } from './crud.ts';
import { selfPath } from './request.ts';

const BASE = '/v3/policies/:policyId/OS-ENDPOINT-POLICY';

/** The three association places, each with its URL, its path parameters and its policy noun. */
const PLACES = [
  {
    url: `${BASE}/endpoints/:endpointId`,
    params: Type.Object({ policyId: Type.String(), endpointId: Type.String() }),
    noun: 'endpoint',
    place: (p: Record<string, string>): PolicyPlace => ({ endpointId: p.endpointId ?? '' }),
  },
  {
    url: `${BASE}/services/:serviceId`,
    params: Type.Object({ policyId: Type.String(), serviceId: Type.String() }),
    noun: 'service',
    place: (p: Record<string, string>): PolicyPlace => ({ serviceId: p.serviceId ?? '' }),
  },
  {
    url: `${BASE}/services/:serviceId/regions/:regionId`,
    params: Type.Object({ policyId: Type.String(), serviceId: Type.String(), regionId: Type.String() }),
    noun: 'region_and_service',
    place: (p: Record<string, string>): PolicyPlace => ({ serviceId: p.serviceId ?? '', regionId: p.regionId ?? '' }),
  },
] as const;

export function endpointPolicyRoutes(context: ApiContext) {
  const { endpointPolicy } = context.service;

  return async function endpointPolicyPlugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    // GET /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints
    const policyParams = { params: Type.Object({ policyId: Type.String() }) };
    app.get(`${BASE}/endpoints`, { schema: policyParams }, async function listPolicyEndpoints(request) {
      await context.authorize(request, 'list_endpoints_for_policy');
      const renderer = context.renderer(request);
      const found = await endpointPolicy.listEndpointsForPolicy(request.params.policyId);
      // Keystone lists the stored endpoints here, without the `region` alias.
      const rendered = found.map((e) => {
        const { region: _region, ...rest } = renderer.endpoint(e);
        return rest;
      });
      return renderer.collection('endpoints', selfPath(request), rendered);
    });

    // GET/HEAD, PUT, DELETE /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/{endpoints/{endpoint_id} |
    // services/{service_id} | services/{service_id}/regions/{region_id}}
    for (const { url, params, noun, place } of PLACES) {
      const handler = (action: string, run: (policyId: string, where: PolicyPlace) => Promise<void>) =>
        async function policyAssociation(request: FastifyRequest, reply: FastifyReply): Promise<void> {
          await context.authorize(request, `${action}_policy_association_for_${noun}`);
          const values = request.params as Record<string, string>;
          await run(values.policyId ?? '', place(values));
          noContent(reply);
        };
      app.route({ method: 'GET', url, schema: { params }, handler: handler('check', (id, where) => endpointPolicy.check(id, where)) });
      app.put(url, { schema: { params } }, handler('create', (id, where) => endpointPolicy.associate(id, where)));
      app.delete(url, { schema: { params } }, handler('delete', (id, where) => endpointPolicy.dissociate(id, where)));
    }

    // GET /v3/endpoints/{endpoint_id}/OS-ENDPOINT-POLICY/policy
    const endpointParams = { params: Type.Object({ endpointId: Type.String() }) };
    app.get('/v3/endpoints/:endpointId/OS-ENDPOINT-POLICY/policy', { schema: endpointParams }, async function endpointPolicyOf(request) {
      await context.authorize(request, 'get_policy_for_endpoint');
      const renderer = context.renderer(request);
      const policy = await endpointPolicy.policyForEndpoint(request.params.endpointId);
      // Keystone wraps it as a member of `endpoints`, so its self link is …/v3/endpoints/{policy_id}.
      return { policy: { ...renderer.policy(policy), links: renderer.link(`endpoints/${policy.id}`) } };
    });
  };
}
