// /v2.0/networks, /v2.0/subnets, /v2.0/ports (neutron/api/v2/base.py): {"<member>": {…}}
// bodies, list filters (a repeated parameter means any of its values; an unknown one is
// refused, as with neutron's filter_validation), `fields` to pick attributes, and neutron's
// own error JSON.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toCloudError } from '../common/app.ts';
import { contextOf } from '../common/context.ts';
import { UnexpectedError } from '../common/errors.ts';
import { NeutronBadRequest, NeutronNotFound, neutronTypeOf, type NeutronTyped } from './errors.ts';
import {
  networkAttributes,
  privileged,
  subnetAttributes,
  type Filters,
  type Network,
  type NetworkCaller,
  type NetworkInput,
  type NetworkManager,
  type Subnet,
  type SubnetInput,
} from './network-manager.ts';
import { portAttributes, portStatus, type Port, type PortInput, type PortManager } from './port-manager.ts';

const name = { type: 'string', maxLength: 255 };
const bool = { type: 'boolean' };
const id = { type: 'string', maxLength: 255 };
const address = { type: 'string', maxLength: 64 };

function memberBody(member: string, properties: Record<string, unknown>) {
  return {
    type: 'object',
    required: [member],
    additionalProperties: false,
    properties: { [member]: { type: 'object', additionalProperties: false, properties } },
  };
}

const networkBody = memberBody('network', {
  name, description: name, admin_state_up: bool, shared: bool, mtu: { type: 'integer', minimum: 68, maximum: 65535 },
  project_id: id, tenant_id: id,
});
const subnetBody = memberBody('subnet', {
  network_id: id, name, description: name, ip_version: { type: 'integer' }, cidr: address,
  gateway_ip: { type: ['string', 'null'], maxLength: 64 },
  allocation_pools: {
    type: 'array', maxItems: 64,
    items: { type: 'object', required: ['start', 'end'], additionalProperties: false, properties: { start: address, end: address } },
  },
  enable_dhcp: bool, dns_nameservers: { type: 'array', maxItems: 16, items: address }, project_id: id, tenant_id: id,
});
const portBody = memberBody('port', {
  network_id: id, name, description: name, admin_state_up: bool,
  mac_address: { type: 'string', pattern: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$' },
  fixed_ips: {
    type: 'array', maxItems: 16,
    items: { type: 'object', additionalProperties: false, properties: { subnet_id: id, ip_address: address } },
  },
  device_id: name, device_owner: name, project_id: id, tenant_id: id,
  'binding:host_id': name, 'binding:profile': { type: 'object', maxProperties: 32 }, 'binding:vnic_type': { type: 'string', maxLength: 64 },
  security_groups: { type: 'array', maxItems: 0 },
});
// The extensions whose attributes this API really has (binding-extended, nova's multiple
// bindings, is deliberately absent: nova then moves the binding by updating the port).
const EXTENSIONS = [
  ['binding', 'Port Binding', 'Expose port bindings of a virtual port to external application'],
  ['project-id', 'project_id field enabled', 'Extension that indicates that project_id field is enabled.'],
  ['network-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.'],
  ['network-mtu-writable', 'Network MTU (writable)', 'Provides a writable MTU attribute for a network resource.'],
  ['standard-attr-description', 'standard-attr-description', 'Extension to add descriptions to standard attributes'],
  ['standard-attr-revisions', 'Resource revision numbers', 'This extension will display the revision number of neutron resources.'],
  ['standard-attr-timestamp', 'Resource timestamps', 'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.'],
].map(([alias, name, description]) => ({ alias, name, description, updated: '2026-01-01T00:00:00-00:00', links: [] }));

// The attributes each list may be filtered on: what networkAttributes() and friends give.
const NETWORK_FILTERS = ['id', 'name', 'description', 'project_id', 'tenant_id', 'shared', 'admin_state_up', 'status', 'mtu'];
const SUBNET_FILTERS = ['id', 'name', 'description', 'project_id', 'tenant_id', 'network_id', 'cidr', 'ip_version', 'gateway_ip', 'enable_dhcp'];
const PORT_FILTERS = [
  'id', 'name', 'description', 'project_id', 'tenant_id', 'network_id', 'mac_address', 'admin_state_up', 'status',
  'device_id', 'device_owner', 'binding:host_id', 'binding:vnic_type', 'fixed_ips',
];
const params = { type: 'object', properties: { id: { type: 'string', maxLength: 255 } }, required: ['id'] };
type IdParams = { id: string };

function callerOf(request: FastifyRequest): NetworkCaller {
  const context = contextOf(request);
  return { projectId: context.projectId, isAdmin: context.isAdmin, isService: context.roles.includes('service') };
}

/** neutron takes tenant_id as the older spelling of project_id. */
function withProject<T extends { project_id?: string; tenant_id?: string }>(input: T): Omit<T, 'tenant_id'> {
  const { tenant_id: tenantId, ...rest } = input;
  if (tenantId !== undefined && rest.project_id !== undefined && tenantId !== rest.project_id) {
    throw new NeutronBadRequest("'project_id' and 'tenant_id' do not match");
  }
  return tenantId === undefined ? rest : { ...rest, project_id: tenantId };
}

/** The query as filters and the `fields` to show; `known` lists the attributes one may filter on. */
function queryOf(request: FastifyRequest, known: readonly string[]): { filters: Filters; fields: string[] } {
  const filters: Filters = {};
  let fields: string[] = [];
  for (const [key, value] of Object.entries(request.query as Record<string, string | string[]>)) {
    const values = Array.isArray(value) ? value : [value];
    if (key === 'fields') fields = values;
    else if (known.includes(key)) filters[key] = values;
    else throw new NeutronBadRequest(`${key} is an invalid filter`);
  }
  return { filters, fields };
}

function pick(body: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return fields.length === 0 ? body : Object.fromEntries(Object.entries(body).filter(([key]) => fields.includes(key)));
}

function renderNetwork(network: Network): Record<string, unknown> {
  return {
    ...networkAttributes(network),
    subnets: network.subnets,
    availability_zone_hints: [],
    availability_zones: ['nova'],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    'router:external': false,
    port_security_enabled: true,
    l2_adjacency: true,
    tags: [],
    created_at: network.created_at,
    updated_at: network.updated_at,
    revision_number: network.revision_number,
  };
}

function renderSubnet(subnet: Subnet): Record<string, unknown> {
  return {
    ...subnetAttributes(subnet),
    subnetpool_id: null,
    ipv6_ra_mode: null,
    ipv6_address_mode: null,
    allocation_pools: JSON.parse(subnet.allocation_pools) as unknown,
    host_routes: [],
    dns_nameservers: JSON.parse(subnet.dns_nameservers) as unknown,
    service_types: [],
    tags: [],
    created_at: subnet.created_at,
    updated_at: subnet.updated_at,
    revision_number: subnet.revision_number,
  };
}

/** The binding's host, profile and VIF are shown to admins and services only, as in neutron. */
function renderPort(port: Port, caller: NetworkCaller): Record<string, unknown> {
  const { 'binding:host_id': hostId, ...visible } = portAttributes(port);
  const bound = portStatus(port) === 'ACTIVE' || port.binding_host_id !== '';
  return {
    ...visible,
    fixed_ips: port.fixed_ips,
    allowed_address_pairs: [],
    extra_dhcp_opts: [],
    security_groups: [],
    port_security_enabled: true,
    tags: [],
    created_at: port.created_at,
    updated_at: port.updated_at,
    revision_number: port.revision_number,
    ...(privileged(caller)
      ? {
          'binding:host_id': hostId,
          'binding:profile': JSON.parse(port.binding_profile) as unknown,
          'binding:vif_type': bound ? 'ovs' : 'unbound',
          'binding:vif_details': bound ? { port_filter: true, connectivity: 'l2' } : {},
        }
      : {}),
  };
}

/** {"NeutronError": {"type", "message", "detail"}}: what neutron answers and its clients parse. */
export function handleNeutronError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = toCloudError(error);
  if (mapped instanceof UnexpectedError) request.log.error({ err: error }, 'unexpected error');
  const type = neutronTypeOf(mapped as typeof mapped & Partial<NeutronTyped>);
  reply.code(mapped.status).type('application/json').send({ NeutronError: { type, message: mapped.message, detail: '' } });
}

export function networkRoutes(networks: NetworkManager, ports: PortManager) {
  return async function routes(app: FastifyInstance): Promise<void> {
    // Registered under the /v2.0 prefix, so these two cover every neutron path.
    app.setErrorHandler(handleNeutronError);
    app.setNotFoundHandler(() => {
      throw new NeutronNotFound('HTTPNotFound', 'The resource could not be found.');
    });

    // GET /v2.0/extensions, GET /v2.0/extensions/{alias}: clients ask before using a feature.
    app.get('/extensions', async () => ({ extensions: EXTENSIONS }));
    app.get<{ Params: IdParams }>('/extensions/:id', { schema: { params } }, async (request) => {
      const extension = EXTENSIONS.find((e) => e.alias === request.params.id);
      if (extension === undefined) throw new NeutronNotFound('ExtensionNotFound', `Extension with alias ${request.params.id} does not exist`);
      return { extension };
    });

    // POST /v2.0/networks
    app.post<{ Body: { network: NetworkInput & { tenant_id?: string } } }>('/networks', { schema: { body: networkBody } }, async (request, reply) =>
      reply.code(201).send({ network: renderNetwork(await networks.createNetwork(callerOf(request), withProject(request.body.network))) }),
    );
    // GET /v2.0/networks
    app.get('/networks', async (request) => {
      const { filters, fields } = queryOf(request, NETWORK_FILTERS);
      return { networks: (await networks.listNetworks(callerOf(request), filters)).map((n) => pick(renderNetwork(n), fields)) };
    });
    // GET /v2.0/networks/{network_id}
    app.get<{ Params: IdParams }>('/networks/:id', { schema: { params } }, async (request) => {
      const { fields } = queryOf(request, []);
      return { network: pick(renderNetwork(await networks.getNetwork(callerOf(request), request.params.id)), fields) };
    });
    // PUT /v2.0/networks/{network_id}
    app.put<{ Params: IdParams; Body: { network: NetworkInput & { tenant_id?: string } } }>(
      '/networks/:id',
      { schema: { params, body: networkBody } },
      async (request) => ({ network: renderNetwork(await networks.updateNetwork(callerOf(request), request.params.id, withProject(request.body.network))) }),
    );
    // DELETE /v2.0/networks/{network_id}
    app.delete<{ Params: IdParams }>('/networks/:id', { schema: { params } }, async (request, reply) => {
      await networks.deleteNetwork(callerOf(request), request.params.id);
      return reply.code(204).send();
    });

    // POST /v2.0/subnets
    app.post<{ Body: { subnet: SubnetInput & { tenant_id?: string } } }>('/subnets', { schema: { body: subnetBody } }, async (request, reply) =>
      reply.code(201).send({ subnet: renderSubnet(await networks.createSubnet(callerOf(request), withProject(request.body.subnet))) }),
    );
    // GET /v2.0/subnets
    app.get('/subnets', async (request) => {
      const { filters, fields } = queryOf(request, SUBNET_FILTERS);
      return { subnets: (await networks.listSubnets(callerOf(request), filters)).map((s) => pick(renderSubnet(s), fields)) };
    });
    // GET /v2.0/subnets/{subnet_id}
    app.get<{ Params: IdParams }>('/subnets/:id', { schema: { params } }, async (request) => {
      const { fields } = queryOf(request, []);
      return { subnet: pick(renderSubnet(await networks.getSubnet(callerOf(request), request.params.id)), fields) };
    });
    // PUT /v2.0/subnets/{subnet_id}
    app.put<{ Params: IdParams; Body: { subnet: SubnetInput & { tenant_id?: string } } }>(
      '/subnets/:id',
      { schema: { params, body: subnetBody } },
      async (request) => ({ subnet: renderSubnet(await networks.updateSubnet(callerOf(request), request.params.id, withProject(request.body.subnet))) }),
    );
    // DELETE /v2.0/subnets/{subnet_id}
    app.delete<{ Params: IdParams }>('/subnets/:id', { schema: { params } }, async (request, reply) => {
      await networks.deleteSubnet(callerOf(request), request.params.id);
      return reply.code(204).send();
    });

    // POST /v2.0/ports
    app.post<{ Body: { port: PortInput & { tenant_id?: string } } }>('/ports', { schema: { body: portBody } }, async (request, reply) => {
      const caller = callerOf(request);
      return reply.code(201).send({ port: renderPort(await ports.create(caller, portInput(request.body.port)), caller) });
    });
    // GET /v2.0/ports
    app.get('/ports', async (request) => {
      const caller = callerOf(request);
      const { filters, fields } = queryOf(request, PORT_FILTERS);
      return { ports: (await ports.list(caller, filters)).map((p) => pick(renderPort(p, caller), fields)) };
    });
    // GET /v2.0/ports/{port_id}
    app.get<{ Params: IdParams }>('/ports/:id', { schema: { params } }, async (request) => {
      const caller = callerOf(request);
      const { fields } = queryOf(request, []);
      return { port: pick(renderPort(await ports.get(caller, request.params.id), caller), fields) };
    });
    // PUT /v2.0/ports/{port_id}
    app.put<{ Params: IdParams; Body: { port: PortInput & { tenant_id?: string } } }>(
      '/ports/:id',
      { schema: { params, body: portBody } },
      async (request) => {
        const caller = callerOf(request);
        return { port: renderPort(await ports.update(caller, request.params.id, portInput(request.body.port)), caller) };
      },
    );
    // DELETE /v2.0/ports/{port_id}
    app.delete<{ Params: IdParams }>('/ports/:id', { schema: { params } }, async (request, reply) => {
      await ports.delete(callerOf(request), request.params.id);
      return reply.code(204).send();
    });
  };
}

/** The port body without the (always empty) security groups a client may send. */
function portInput(body: PortInput & { tenant_id?: string; security_groups?: unknown[] }): PortInput {
  const { security_groups: _none, ...rest } = body;
  return withProject(rest);
}

