// Networks and subnets as neutron keeps them: who sees what (owner, shared, admin or a
// service), subnet addressing checked (cidr, gateway, allocation pools, no overlap on one
// network) and the in-use rules on delete.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { NeutronBadRequest, NeutronConflict, NeutronForbidden, notFound } from './errors.ts';
import {
  contains,
  defaultPools,
  formatAddress,
  formatCidr,
  hostRange,
  overlaps,
  parseAddress,
  parseCidr,
  type AddressRange,
  type Cidr,
} from './ipv4.ts';
import type { NetworkDatabase, NetworkRow, SubnetRow } from './storage.ts';
import { fromDbBoolean, toDbBoolean } from '@baton/storage';

export interface NetworkCaller {
  projectId: string;
  isAdmin: boolean;
  /** The caller's own token holds the `service` role (neutron's `service_api` rule). */
  isService: boolean;
}

/** Admins and services (compute binding ports) see and change every project's resources. */
export function privileged(caller: NetworkCaller): boolean {
  return caller.isAdmin || caller.isService;
}

export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** List filters: attribute → accepted values (a repeated query parameter means any of them). */
export type Filters = Record<string, string[]>;

export interface NetworkInput {
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  shared?: boolean;
  mtu?: number;
  project_id?: string;
}

export interface SubnetInput {
  network_id?: string;
  name?: string;
  description?: string;
  ip_version?: number;
  cidr?: string;
  gateway_ip?: string | null;
  allocation_pools?: { start: string; end: string }[];
  enable_dhcp?: boolean;
  dns_nameservers?: string[];
  project_id?: string;
}

export type Network = Selectable<NetworkRow> & { subnets: string[] };
export type Subnet = Selectable<SubnetRow>;

export class NetworkManager {
  readonly #db: Kysely<NetworkDatabase>;
  readonly #maxMtu: number;

  constructor(db: Kysely<NetworkDatabase>, options: { globalPhysnetMtu: number }) {
    this.#db = db;
    this.#maxMtu = options.globalPhysnetMtu;
  }

  // POST /v2.0/networks
  async createNetwork(caller: NetworkCaller, input: NetworkInput): Promise<Network> {
    const projectId = ownerOf(caller, input.project_id, 'create_network');
    if (input.shared === true && !caller.isAdmin) throw new NeutronForbidden('rule:create_network and rule:create_network:shared');
    const mtu = input.mtu ?? this.#maxMtu;
    if (mtu > this.#maxMtu) throw new NeutronBadRequest(`Requested MTU is too big, maximum is ${this.#maxMtu}`);
    const stamp = timestamp();
    const row: NetworkRow = {
      id: randomUUID(),
      project_id: projectId,
      name: input.name ?? '',
      description: input.description ?? '',
      admin_state_up: input.admin_state_up === false ? 0 : 1,
      shared: toDbBoolean(input.shared === true),
      mtu,
      created_at: stamp,
      updated_at: stamp,
      revision_number: 1,
    };
    await this.#db.insertInto('network').values(row).execute();
    return { ...row, subnets: [] };
  }

  // GET /v2.0/networks/{network_id}
  async getNetwork(caller: NetworkCaller, networkId: string): Promise<Network> {
    const row = await this.#db.selectFrom('network').selectAll().where('id', '=', networkId).executeTakeFirst();
    if (row === undefined || !(privileged(caller) || row.project_id === caller.projectId || fromDbBoolean(row.shared))) {
      throw notFound('Network', networkId);
    }
    return (await this.#withSubnets([row]))[0] as Network;
  }

  // GET /v2.0/networks
  async listNetworks(caller: NetworkCaller, filters: Filters): Promise<Network[]> {
    let query = this.#db.selectFrom('network').selectAll();
    if (!privileged(caller)) query = query.where((eb) => eb.or([eb('project_id', '=', caller.projectId), eb('shared', '=', 1)]));
    const rows = await query.orderBy('created_at').orderBy('id').execute();
    return (await this.#withSubnets(rows)).filter((network) => matches(networkAttributes(network), filters));
  }

  // PUT /v2.0/networks/{network_id}
  async updateNetwork(caller: NetworkCaller, networkId: string, input: NetworkInput): Promise<Network> {
    const network = await this.#ownNetwork(caller, networkId);
    if (input.project_id !== undefined) throw new NeutronBadRequest('project_id cannot be updated');
    if (input.shared !== undefined && !caller.isAdmin) throw new NeutronForbidden('rule:update_network and rule:update_network:shared');
    if (input.mtu !== undefined && input.mtu > this.#maxMtu) throw new NeutronBadRequest(`Requested MTU is too big, maximum is ${this.#maxMtu}`);
    await this.#db
      .updateTable('network')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.admin_state_up !== undefined ? { admin_state_up: toDbBoolean(input.admin_state_up) } : {}),
        ...(input.shared !== undefined ? { shared: toDbBoolean(input.shared) } : {}),
        ...(input.mtu !== undefined ? { mtu: input.mtu } : {}),
        updated_at: timestamp(),
        revision_number: network.revision_number + 1,
      })
      .where('id', '=', networkId)
      .execute();
    return this.getNetwork(caller, networkId);
  }

  // DELETE /v2.0/networks/{network_id}: refused while a port other than the network's own uses it.
  async deleteNetwork(caller: NetworkCaller, networkId: string): Promise<void> {
    await this.#ownNetwork(caller, networkId);
    await this.#db.transaction().execute(async (trx) => {
      const inUse = await trx
        .selectFrom('port')
        .select('id')
        .where('network_id', '=', networkId)
        .where('device_owner', 'not like', 'network:%')
        .executeTakeFirst();
      if (inUse !== undefined) {
        throw new NeutronConflict(
          'NetworkInUse',
          `Unable to complete operation on network ${networkId}. There are one or more ports still in use on the network.`,
        );
      }
      await trx.deleteFrom('ip_allocation').where('network_id', '=', networkId).execute();
      await trx.deleteFrom('port').where('network_id', '=', networkId).execute();
      await trx.deleteFrom('subnet').where('network_id', '=', networkId).execute();
      await trx.deleteFrom('network').where('id', '=', networkId).execute();
    });
  }

  // POST /v2.0/subnets
  async createSubnet(caller: NetworkCaller, input: SubnetInput): Promise<Subnet> {
    if (input.network_id === undefined) throw new NeutronBadRequest("Failed to parse request. Required attribute 'network_id' not specified");
    const network = await this.getNetwork(caller, input.network_id);
    if (!privileged(caller) && network.project_id !== caller.projectId) {
      throw new NeutronForbidden('rule:create_subnet and rule:create_subnet:network_id');
    }
    const projectId = ownerOf(caller, input.project_id, 'create_subnet');
    const { cidr, gateway, pools } = addressing(input);
    const existing = await this.#db.selectFrom('subnet').select(['id', 'cidr']).where('network_id', '=', network.id).execute();
    for (const other of existing) {
      const parsed = parseCidr(other.cidr)?.cidr;
      if (parsed !== undefined && overlaps({ start: cidr.network, end: cidr.last }, { start: parsed.network, end: parsed.last })) {
        throw new NeutronBadRequest(
          `Requested subnet with cidr: ${formatCidr(cidr)} for network: ${network.id} overlaps with another subnet`,
        );
      }
    }
    const stamp = timestamp();
    const row: SubnetRow = {
      id: randomUUID(),
      project_id: projectId,
      network_id: network.id,
      name: input.name ?? '',
      description: input.description ?? '',
      ip_version: 4,
      cidr: formatCidr(cidr),
      gateway_ip: gateway === null ? null : formatAddress(gateway),
      allocation_pools: JSON.stringify(pools.map((pool) => ({ start: formatAddress(pool.start), end: formatAddress(pool.end) }))),
      enable_dhcp: input.enable_dhcp === false ? 0 : 1,
      dns_nameservers: JSON.stringify(input.dns_nameservers ?? []),
      created_at: stamp,
      updated_at: stamp,
      revision_number: 0,
    };
    await this.#db.insertInto('subnet').values(row).execute();
    return row;
  }

  // GET /v2.0/subnets/{subnet_id}
  async getSubnet(caller: NetworkCaller, subnetId: string): Promise<Subnet> {
    const row = await this.#db.selectFrom('subnet').selectAll().where('id', '=', subnetId).executeTakeFirst();
    if (row === undefined) throw notFound('Subnet', subnetId);
    if (!privileged(caller) && row.project_id !== caller.projectId) {
      // A subnet of a shared network is visible to everyone who sees the network.
      await this.getNetwork(caller, row.network_id).catch(() => {
        throw notFound('Subnet', subnetId);
      });
    }
    return row;
  }

  // GET /v2.0/subnets
  async listSubnets(caller: NetworkCaller, filters: Filters): Promise<Subnet[]> {
    let query = this.#db.selectFrom('subnet').selectAll('subnet');
    if (!privileged(caller)) {
      query = query
        .innerJoin('network', 'network.id', 'subnet.network_id')
        .where((eb) => eb.or([eb('subnet.project_id', '=', caller.projectId), eb('network.shared', '=', 1)]));
    }
    const rows = await query.orderBy('subnet.created_at').orderBy('subnet.id').execute();
    return rows.filter((subnet) => matches(subnetAttributes(subnet), filters));
  }

  // PUT /v2.0/subnets/{subnet_id}
  async updateSubnet(caller: NetworkCaller, subnetId: string, input: SubnetInput): Promise<Subnet> {
    const subnet = await this.getSubnet(caller, subnetId);
    if (!privileged(caller) && subnet.project_id !== caller.projectId) throw notFound('Subnet', subnetId);
    for (const fixed of ['network_id', 'cidr', 'ip_version', 'project_id', 'gateway_ip', 'allocation_pools'] as const) {
      if (input[fixed] !== undefined) throw new NeutronBadRequest(`Cannot update read-only attribute ${fixed}`);
    }
    await this.#db
      .updateTable('subnet')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.enable_dhcp !== undefined ? { enable_dhcp: toDbBoolean(input.enable_dhcp) } : {}),
        ...(input.dns_nameservers !== undefined ? { dns_nameservers: JSON.stringify(input.dns_nameservers) } : {}),
        updated_at: timestamp(),
        revision_number: subnet.revision_number + 1,
      })
      .where('id', '=', subnetId)
      .execute();
    return this.getSubnet(caller, subnetId);
  }

  // DELETE /v2.0/subnets/{subnet_id}: refused while a port holds one of its addresses.
  async deleteSubnet(caller: NetworkCaller, subnetId: string): Promise<void> {
    const subnet = await this.getSubnet(caller, subnetId);
    if (!privileged(caller) && subnet.project_id !== caller.projectId) throw notFound('Subnet', subnetId);
    await this.#db.transaction().execute(async (trx) => {
      const inUse = await trx.selectFrom('ip_allocation').select('port_id').where('subnet_id', '=', subnetId).executeTakeFirst();
      if (inUse !== undefined) {
        throw new NeutronConflict(
          'SubnetInUse',
          `Unable to complete operation on subnet ${subnetId}: One or more ports have an IP allocation from this subnet.`,
        );
      }
      await trx.deleteFrom('subnet').where('id', '=', subnetId).execute();
    });
  }

  async #ownNetwork(caller: NetworkCaller, networkId: string): Promise<Network> {
    const network = await this.getNetwork(caller, networkId);
    // A shared network is visible to all but belongs to its project.
    if (!privileged(caller) && network.project_id !== caller.projectId) {
      throw new NeutronForbidden('rule:update_network or rule:delete_network');
    }
    return network;
  }

  async #withSubnets(rows: Selectable<NetworkRow>[]): Promise<Network[]> {
    if (rows.length === 0) return [];
    const subnets = await this.#db
      .selectFrom('subnet')
      .select(['id', 'network_id'])
      .where('network_id', 'in', rows.map((row) => row.id))
      .orderBy('created_at')
      .execute();
    return rows.map((row) => ({ ...row, subnets: subnets.filter((s) => s.network_id === row.id).map((s) => s.id) }));
  }
}

/** The project a new resource belongs to: the caller's, or any for an admin. */
export function ownerOf(caller: NetworkCaller, requested: string | undefined, action: string): string {
  if (requested === undefined || requested === caller.projectId) return caller.projectId;
  if (!caller.isAdmin) throw new NeutronForbidden(`rule:${action} and rule:${action}:project_id`);
  return requested;
}

/** The cidr, gateway and pools of a new subnet, checked as neutron does. */
function addressing(input: SubnetInput): { cidr: Cidr; gateway: number | null; pools: AddressRange[] } {
  if (input.ip_version === 6) throw new NeutronBadRequest('Baton allocates IPv4 only; ip_version 6 is not supported');
  if (input.ip_version !== undefined && input.ip_version !== 4) throw new NeutronBadRequest(`${input.ip_version} is not in [4, 6]`);
  if (input.cidr === undefined) throw new NeutronBadRequest("Failed to parse request. Required attribute 'cidr' not specified");
  const parsed = parseCidr(input.cidr);
  if (parsed === null) throw new NeutronBadRequest(`'${input.cidr}' is not a valid IP subnet`);
  const { cidr } = parsed;
  if (!parsed.exact) {
    throw new NeutronBadRequest(`'${input.cidr}' isn't a recognized IP subnet cidr, '${formatCidr(cidr)}' is recommended`);
  }
  const hosts = hostRange(cidr);
  let gateway: number | null = hosts.start;
  if (input.gateway_ip === null) gateway = null;
  else if (input.gateway_ip !== undefined) {
    gateway = parseAddress(input.gateway_ip);
    if (gateway === null) throw new NeutronBadRequest(`'${input.gateway_ip}' is not a valid IP address`);
    if (!contains(cidr, gateway) || (cidr.prefix < 31 && (gateway === cidr.network || gateway === cidr.last))) {
      throw new NeutronBadRequest(`Gateway is not valid on subnet`);
    }
  }
  if (input.allocation_pools === undefined) return { cidr, gateway, pools: defaultPools(cidr, gateway) };
  const pools: AddressRange[] = [];
  for (const pool of input.allocation_pools) {
    const start = parseAddress(pool.start);
    const end = parseAddress(pool.end);
    if (start === null || end === null || start > end || start < hosts.start || end > hosts.end) {
      throw new NeutronBadRequest(`The allocation pool ${pool.start}-${pool.end} spans beyond the subnet cidr ${formatCidr(cidr)}`);
    }
    const range = { start, end };
    if (pools.some((other) => overlaps(other, range))) throw new NeutronBadRequest(`Found overlapping allocation pools: ${pool.start}-${pool.end}`);
    if (gateway !== null && start <= gateway && gateway <= end) {
      throw new NeutronConflict(
        'GatewayConflictWithAllocationPools',
        `Gateway ip ${formatAddress(gateway)} conflicts with allocation pool ${pool.start}-${pool.end}.`,
      );
    }
    pools.push(range);
  }
  return { cidr, gateway, pools };
}

/** True when every filtered attribute has one of the accepted values (compared as query-string text). */
export function matches(attributes: Record<string, unknown>, filters: Filters): boolean {
  return Object.entries(filters).every(([key, accepted]) => {
    const value = attributes[key];
    return accepted.some((wanted) =>
      typeof value === 'boolean' ? BOOLEAN_TEXT[wanted.toLowerCase()] === value : String(value ?? '') === wanted,
    );
  });
}

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

export function networkAttributes(network: Network): Record<string, unknown> {
  return {
    id: network.id,
    name: network.name,
    description: network.description,
    project_id: network.project_id,
    tenant_id: network.project_id,
    shared: fromDbBoolean(network.shared),
    admin_state_up: fromDbBoolean(network.admin_state_up),
    status: 'ACTIVE',
    mtu: network.mtu,
  };
}

export function subnetAttributes(subnet: Subnet): Record<string, unknown> {
  return {
    id: subnet.id,
    name: subnet.name,
    description: subnet.description,
    project_id: subnet.project_id,
    tenant_id: subnet.project_id,
    network_id: subnet.network_id,
    cidr: subnet.cidr,
    ip_version: subnet.ip_version,
    gateway_ip: subnet.gateway_ip,
    enable_dhcp: fromDbBoolean(subnet.enable_dhcp),
  };
}
