// The network service's tables, after neutron's models: networks, their subnets, ports and
// the fixed IPs allocated to ports. One unique key per (subnet, address) is what keeps two
// concurrent port creations from taking the same address. Booleans are 0/1 integers; lists
// and dicts are JSON text.
import type { Kysely, Migration } from 'kysely';

export interface NetworkRow {
  id: string;
  project_id: string;
  name: string;
  description: string;
  admin_state_up: number;
  shared: number;
  mtu: number;
  created_at: string;
  updated_at: string;
  revision_number: number;
}

export interface SubnetRow {
  id: string;
  project_id: string;
  network_id: string;
  name: string;
  description: string;
  ip_version: number;
  cidr: string;
  gateway_ip: string | null;
  /** JSON array of {start, end}. */
  allocation_pools: string;
  enable_dhcp: number;
  /** JSON array of strings. */
  dns_nameservers: string;
  created_at: string;
  updated_at: string;
  revision_number: number;
}

export interface PortRow {
  id: string;
  project_id: string;
  network_id: string;
  name: string;
  description: string;
  mac_address: string;
  admin_state_up: number;
  device_id: string;
  device_owner: string;
  binding_host_id: string;
  binding_vnic_type: string;
  /** JSON object. */
  binding_profile: string;
  created_at: string;
  updated_at: string;
  revision_number: number;
}

export interface IpAllocationRow {
  subnet_id: string;
  ip_address: string;
  port_id: string;
  network_id: string;
}

export interface NetworkDatabase {
  network: NetworkRow;
  subnet: SubnetRow;
  port: PortRow;
  ip_allocation: IpAllocationRow;
}

const ID = 'varchar(36)';

export const networkMigrations: Record<string, Migration> = {
  '0001-networks': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('network')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('project_id', 'varchar(255)', (col) => col.notNull())
        .addColumn('name', 'varchar(255)', (col) => col.notNull())
        .addColumn('description', 'varchar(255)', (col) => col.notNull())
        .addColumn('admin_state_up', 'integer', (col) => col.notNull())
        .addColumn('shared', 'integer', (col) => col.notNull())
        .addColumn('mtu', 'integer', (col) => col.notNull())
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('revision_number', 'integer', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('subnet')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('project_id', 'varchar(255)', (col) => col.notNull())
        .addColumn('network_id', ID, (col) => col.notNull().references('network.id'))
        .addColumn('name', 'varchar(255)', (col) => col.notNull())
        .addColumn('description', 'varchar(255)', (col) => col.notNull())
        .addColumn('ip_version', 'integer', (col) => col.notNull())
        .addColumn('cidr', 'varchar(64)', (col) => col.notNull())
        .addColumn('gateway_ip', 'varchar(64)')
        .addColumn('allocation_pools', 'text', (col) => col.notNull())
        .addColumn('enable_dhcp', 'integer', (col) => col.notNull())
        .addColumn('dns_nameservers', 'text', (col) => col.notNull())
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('revision_number', 'integer', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('port')
        .addColumn('id', ID, (col) => col.primaryKey())
        .addColumn('project_id', 'varchar(255)', (col) => col.notNull())
        .addColumn('network_id', ID, (col) => col.notNull().references('network.id'))
        .addColumn('name', 'varchar(255)', (col) => col.notNull())
        .addColumn('description', 'varchar(255)', (col) => col.notNull())
        .addColumn('mac_address', 'varchar(32)', (col) => col.notNull())
        .addColumn('admin_state_up', 'integer', (col) => col.notNull())
        .addColumn('device_id', 'varchar(255)', (col) => col.notNull())
        .addColumn('device_owner', 'varchar(255)', (col) => col.notNull())
        .addColumn('binding_host_id', 'varchar(255)', (col) => col.notNull())
        .addColumn('binding_vnic_type', 'varchar(64)', (col) => col.notNull())
        .addColumn('binding_profile', 'text', (col) => col.notNull())
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('revision_number', 'integer', (col) => col.notNull())
        .addUniqueConstraint('uniq_port_network_mac', ['network_id', 'mac_address'])
        .execute();
      await db.schema.createIndex('ix_port_device_id').on('port').column('device_id').execute();
      await db.schema
        .createTable('ip_allocation')
        .addColumn('subnet_id', ID, (col) => col.notNull().references('subnet.id'))
        .addColumn('ip_address', 'varchar(64)', (col) => col.notNull())
        .addColumn('port_id', ID, (col) => col.notNull().references('port.id').onDelete('cascade'))
        .addColumn('network_id', ID, (col) => col.notNull())
        .addPrimaryKeyConstraint('pk_ip_allocation', ['subnet_id', 'ip_address'])
        .execute();
      await db.schema.createIndex('ix_ip_allocation_port').on('ip_allocation').column('port_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['ip_allocation', 'port', 'subnet', 'network']) await db.schema.dropTable(table).execute();
    },
  },
};
