// Ports as neutron keeps them: fixed IPs allocated from the network's subnets, a MAC from
// `base_mac`, and the binding (`binding:host_id` and friends) that only admins and services
// may set — compute moves it to the destination host during a live migration.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { NeutronBadRequest, NeutronConflict, NeutronForbidden, notFound } from './errors.ts';
import { contains, formatAddress, parseAddress, parseCidr, type AddressRange } from './ipv4.ts';
import { matches, ownerOf, privileged, timestamp, type Filters, type NetworkCaller, type NetworkManager } from './network-manager.ts';
import type { NetworkDatabase, PortRow } from './storage.ts';
import { fromDbBoolean, toDbBoolean } from '@baton/storage';

export interface FixedIp {
  subnet_id?: string;
  ip_address?: string;
}

export interface PortInput {
  network_id?: string;
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  mac_address?: string;
  fixed_ips?: FixedIp[];
  device_id?: string;
  device_owner?: string;
  project_id?: string;
  'binding:host_id'?: string;
  'binding:profile'?: Record<string, unknown>;
  'binding:vnic_type'?: string;
}

export type Port = Selectable<PortRow> & { fixed_ips: { subnet_id: string; ip_address: string }[] };

const BINDING_ATTRIBUTES = ['binding:host_id', 'binding:profile', 'binding:vnic_type'] as const;
export const VNIC_TYPES = ['normal', 'direct', 'macvtap', 'baremetal', 'direct-physical', 'virtio-forwarder', 'smart-nic', 'remote-managed'] as const;
/** Attempts at a fresh MAC or address when a concurrent creation took the one chosen. */
const ALLOCATION_ATTEMPTS = 16;

/** A port is ACTIVE once bound to a host for a compute device; DOWN otherwise (no agents here). */
export function portStatus(port: Selectable<PortRow>): 'ACTIVE' | 'DOWN' {
  return port.binding_host_id !== '' && port.device_owner.startsWith('compute:') && fromDbBoolean(port.admin_state_up) ? 'ACTIVE' : 'DOWN';
}

export function portAttributes(port: Port): Record<string, unknown> {
  return {
    id: port.id,
    name: port.name,
    description: port.description,
    project_id: port.project_id,
    tenant_id: port.project_id,
    network_id: port.network_id,
    mac_address: port.mac_address,
    admin_state_up: fromDbBoolean(port.admin_state_up),
    status: portStatus(port),
    device_id: port.device_id,
    device_owner: port.device_owner,
    'binding:host_id': port.binding_host_id,
    'binding:vnic_type': port.binding_vnic_type,
  };
}

export class PortManager {
  readonly #db: Kysely<NetworkDatabase>;
  readonly #networks: NetworkManager;
  readonly #baseMac: string[];
  readonly #isUniqueViolation: (error: unknown) => boolean;

  constructor(options: {
    db: Kysely<NetworkDatabase>;
    networks: NetworkManager;
    baseMac: string;
    isUniqueViolation: (error: unknown) => boolean;
  }) {
    this.#db = options.db;
    this.#networks = options.networks;
    this.#baseMac = options.baseMac.toLowerCase().split(':');
    this.#isUniqueViolation = options.isUniqueViolation;
  }

  // POST /v2.0/ports
  async create(caller: NetworkCaller, input: PortInput): Promise<Port> {
    if (input.network_id === undefined) throw new NeutronBadRequest("Failed to parse request. Required attribute 'network_id' not specified");
    const network = await this.#networks.getNetwork(caller, input.network_id);
    checkBinding(caller, input, 'create_port');
    const projectId = ownerOf(caller, input.project_id, 'create_port');
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction().execute((trx) => this.#insert(trx, network.id, projectId, input));
      } catch (error) {
        if (!this.#isUniqueViolation(error) || attempt >= ALLOCATION_ATTEMPTS) throw this.#taken(error, input);
      }
    }
  }

  // GET /v2.0/ports/{port_id}
  async get(caller: NetworkCaller, portId: string): Promise<Port> {
    const row = await this.#db.selectFrom('port').selectAll().where('id', '=', portId).executeTakeFirst();
    if (row === undefined || !(privileged(caller) || row.project_id === caller.projectId)) throw notFound('Port', portId);
    return (await this.#withFixedIps([row]))[0] as Port;
  }

  // GET /v2.0/ports (?network_id=, ?device_id=, …; fixed_ips=ip_address=… or subnet_id=…)
  async list(caller: NetworkCaller, filters: Filters): Promise<Port[]> {
    const { fixed_ips: fixedIpFilters, ...attributeFilters } = filters;
    let query = this.#db.selectFrom('port').selectAll();
    if (!privileged(caller)) query = query.where('project_id', '=', caller.projectId);
    // The filters compute uses on every call go to SQL; matches() re-checks all of them.
    if (filters.device_id !== undefined) query = query.where('device_id', 'in', filters.device_id);
    if (filters.network_id !== undefined) query = query.where('network_id', 'in', filters.network_id);
    const ports = await this.#withFixedIps(await query.orderBy('created_at').orderBy('id').execute());
    return ports.filter(
      (port) =>
        matches(portAttributes(port), attributeFilters) &&
        (fixedIpFilters ?? []).every((filter) => port.fixed_ips.some((ip) => `ip_address=${ip.ip_address}` === filter || `subnet_id=${ip.subnet_id}` === filter)),
    );
  }

  // PUT /v2.0/ports/{port_id}
  async update(caller: NetworkCaller, portId: string, input: PortInput): Promise<Port> {
    const port = await this.get(caller, portId);
    for (const fixed of ['network_id', 'project_id', 'mac_address', 'fixed_ips'] as const) {
      if (input[fixed] !== undefined) throw new NeutronBadRequest(`Baton does not support updating ${fixed} of a port`);
    }
    checkBinding(caller, input, 'update_port');
    await this.#db
      .updateTable('port')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.admin_state_up !== undefined ? { admin_state_up: toDbBoolean(input.admin_state_up) } : {}),
        ...(input.device_id !== undefined ? { device_id: input.device_id } : {}),
        ...(input.device_owner !== undefined ? { device_owner: input.device_owner } : {}),
        ...(input['binding:host_id'] !== undefined ? { binding_host_id: input['binding:host_id'] } : {}),
        ...(input['binding:vnic_type'] !== undefined ? { binding_vnic_type: input['binding:vnic_type'] } : {}),
        ...(input['binding:profile'] !== undefined ? { binding_profile: JSON.stringify(input['binding:profile']) } : {}),
        updated_at: timestamp(),
        revision_number: port.revision_number + 1,
      })
      .where('id', '=', portId)
      .execute();
    return this.get(caller, portId);
  }

  // DELETE /v2.0/ports/{port_id}
  async delete(caller: NetworkCaller, portId: string): Promise<void> {
    await this.get(caller, portId);
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('ip_allocation').where('port_id', '=', portId).execute();
      await trx.deleteFrom('port').where('id', '=', portId).execute();
    });
  }

  async #insert(trx: Transaction<NetworkDatabase>, networkId: string, projectId: string, input: PortInput): Promise<Port> {
    const subnets = await trx.selectFrom('subnet').selectAll().where('network_id', '=', networkId).orderBy('created_at').orderBy('id').execute();
    const requested = input.fixed_ips ?? (subnets.length > 0 ? [{}] : []);
    const stamp = timestamp();
    const row: PortRow = {
      id: randomUUID(),
      project_id: projectId,
      network_id: networkId,
      name: input.name ?? '',
      description: input.description ?? '',
      mac_address: input.mac_address?.toLowerCase() ?? this.#generateMac(),
      admin_state_up: input.admin_state_up === false ? 0 : 1,
      device_id: input.device_id ?? '',
      device_owner: input.device_owner ?? '',
      binding_host_id: input['binding:host_id'] ?? '',
      binding_vnic_type: input['binding:vnic_type'] ?? 'normal',
      binding_profile: JSON.stringify(input['binding:profile'] ?? {}),
      created_at: stamp,
      updated_at: stamp,
      revision_number: 1,
    };
    await trx.insertInto('port').values(row).execute();
    const fixedIps: { subnet_id: string; ip_address: string }[] = [];
    for (const wanted of requested) {
      const allocation = await allocate(trx, networkId, subnets, wanted, fixedIps);
      await trx.insertInto('ip_allocation').values({ ...allocation, port_id: row.id, network_id: networkId }).execute();
      fixedIps.push(allocation);
    }
    return { ...row, fixed_ips: fixedIps };
  }

  /** neutron's MAC: base_mac's non-zero octets kept, the zero ones random. */
  #generateMac(): string {
    const random = randomBytes(6);
    return this.#baseMac.map((octet, i) => (octet === '00' ? (random[i] ?? 0).toString(16).padStart(2, '0') : octet)).join(':');
  }

  /** A unique violation that retries could not get past: a MAC or address the caller asked for is taken. */
  #taken(error: unknown, input: PortInput): unknown {
    if (!this.#isUniqueViolation(error)) return error;
    if (input.mac_address !== undefined) {
      return new NeutronConflict('MacAddressInUse', `Unable to complete operation for network. The mac address ${input.mac_address} is in use.`);
    }
    const address = input.fixed_ips?.find((ip) => ip.ip_address !== undefined)?.ip_address;
    return new NeutronConflict('IpAddressAlreadyAllocated', `IP address ${address ?? ''} already allocated in subnet`);
  }

  async #withFixedIps(rows: Selectable<PortRow>[]): Promise<Port[]> {
    if (rows.length === 0) return [];
    const allocations = await this.#db
      .selectFrom('ip_allocation')
      .select(['port_id', 'subnet_id', 'ip_address'])
      .where('port_id', 'in', rows.map((row) => row.id))
      .execute();
    return rows.map((row) => ({
      ...row,
      fixed_ips: allocations
        .filter((a) => a.port_id === row.id)
        .map((a) => ({ subnet_id: a.subnet_id, ip_address: a.ip_address }))
        .sort((a, b) => (parseAddress(a.ip_address) ?? 0) - (parseAddress(b.ip_address) ?? 0)),
    }));
  }
}

function checkBinding(caller: NetworkCaller, input: PortInput, action: string): void {
  for (const attribute of BINDING_ATTRIBUTES) {
    if (input[attribute] !== undefined && !privileged(caller)) throw new NeutronForbidden(`rule:${action} and rule:${action}:${attribute}`);
  }
  const vnic = input['binding:vnic_type'];
  if (vnic !== undefined && !(VNIC_TYPES as readonly string[]).includes(vnic)) {
    throw new NeutronBadRequest(`${vnic} is not in valid vnic types: ${VNIC_TYPES.join(', ')}`);
  }
}

type SubnetRecord = { id: string; cidr: string; allocation_pools: string };

/** One fixed IP: the address asked for, or the lowest free one of the subnet's pools. */
async function allocate(
  trx: Transaction<NetworkDatabase>,
  networkId: string,
  subnets: SubnetRecord[],
  wanted: FixedIp,
  taken: { subnet_id: string; ip_address: string }[],
): Promise<{ subnet_id: string; ip_address: string }> {
  if (wanted.ip_address !== undefined) {
    const address = parseAddress(wanted.ip_address);
    if (address === null) throw new NeutronBadRequest(`'${wanted.ip_address}' is not a valid IP address`);
    const subnet = subnets.find(
      (s) => (wanted.subnet_id === undefined || s.id === wanted.subnet_id) && contains(parseCidr(s.cidr)!.cidr, address),
    );
    if (subnet === undefined) {
      throw new NeutronBadRequest(`IP address ${wanted.ip_address} is not a valid IP for the specified subnet`);
    }
    const cidr = parseCidr(subnet.cidr)!.cidr;
    if (cidr.prefix < 31 && (address === cidr.network || address === cidr.last)) {
      throw new NeutronBadRequest(`IP address ${wanted.ip_address} is not a valid IP for the specified subnet`);
    }
    const existing = await trx.selectFrom('ip_allocation').select('port_id').where('subnet_id', '=', subnet.id).where('ip_address', '=', formatAddress(address)).executeTakeFirst();
    if (existing !== undefined) {
      throw new NeutronConflict('IpAddressAlreadyAllocated', `IP address ${wanted.ip_address} already allocated in subnet ${subnet.id}`);
    }
    return { subnet_id: subnet.id, ip_address: formatAddress(address) };
  }
  const candidates = wanted.subnet_id === undefined ? subnets : subnets.filter((s) => s.id === wanted.subnet_id);
  if (wanted.subnet_id !== undefined && candidates.length === 0) {
    throw new NeutronBadRequest(`Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${wanted.subnet_id}`);
  }
  for (const subnet of candidates) {
    const used = new Set(
      (await trx.selectFrom('ip_allocation').select('ip_address').where('subnet_id', '=', subnet.id).execute()).map((a) => a.ip_address),
    );
    for (const ip of taken) if (ip.subnet_id === subnet.id) used.add(ip.ip_address);
    const pools = (JSON.parse(subnet.allocation_pools) as { start: string; end: string }[]).map(
      (pool): AddressRange => ({ start: parseAddress(pool.start) ?? 0, end: parseAddress(pool.end) ?? -1 }),
    );
    for (const pool of pools) {
      for (let address = pool.start; address <= pool.end; address++) {
        const text = formatAddress(address);
        if (!used.has(text)) return { subnet_id: subnet.id, ip_address: text };
      }
    }
  }
  throw new NeutronConflict('IpAddressGenerationFailure', `No more IP addresses available on network ${networkId}.`);
}
