// The network managers on a real database (SQLite and PostgreSQL): addressing rules,
// allocation without duplicates under concurrency, visibility and the in-use rules.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '@baton/storage';
import { NetworkManager, type NetworkCaller } from '../../src/network/network-manager.ts';
import { PortManager, portStatus } from '../../src/network/port-manager.ts';
import { networkMigrations, type NetworkDatabase } from '../../src/network/storage.ts';
import { dropSchema, POSTGRES } from '../image/fixture.ts';

const alice: NetworkCaller = { projectId: 'project-a', isAdmin: false, isService: false };
const bob: NetworkCaller = { projectId: 'project-b', isAdmin: false, isService: false };
const nova: NetworkCaller = { projectId: 'service', isAdmin: false, isService: true };

for (const dialect of ['sqlite', 'postgresql'] as const) {
  describe(`network managers on ${dialect}`, () => {
    const schema = `baton_network_${process.pid}_${Date.now()}`;
    let opened: OpenedDatabase<NetworkDatabase>;
    let networks: NetworkManager;
    let ports: PortManager;

    before(async () => {
      opened = await openDatabase<NetworkDatabase>(dialect === 'sqlite' ? 'sqlite://' : `${POSTGRES}?schema=${schema}`);
      await migrateToLatest(opened, networkMigrations);
      networks = new NetworkManager(opened.db, { globalPhysnetMtu: 1500 });
      ports = new PortManager({ db: opened.db, networks, baseMac: 'fa:16:3e:00:00:00', isUniqueViolation: opened.dialect.isUniqueViolation });
    });
    after(async () => {
      await opened.close();
      if (dialect === 'postgresql') await dropSchema(schema);
    });

    it('gives a subnet its default gateway and pool, and allocates from the pool', async () => {
      const net = await networks.createNetwork(alice, { name: 'net' });
      const subnet = await networks.createSubnet(alice, { network_id: net.id, cidr: '10.0.0.0/29' });
      assert.equal(subnet.gateway_ip, '10.0.0.1');
      assert.deepEqual(JSON.parse(subnet.allocation_pools), [{ start: '10.0.0.2', end: '10.0.0.6' }]);
      const port = await ports.create(alice, { network_id: net.id });
      assert.deepEqual(port.fixed_ips, [{ subnet_id: subnet.id, ip_address: '10.0.0.2' }]);
      assert.match(port.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/);
      assert.equal(portStatus(port), 'DOWN');
      assert.deepEqual((await networks.getNetwork(alice, net.id)).subnets, [subnet.id]);
    });

    it('allocates distinct addresses to concurrent ports until the pool is exhausted', async () => {
      const net = await networks.createNetwork(alice, { name: 'busy' });
      await networks.createSubnet(alice, { network_id: net.id, cidr: '10.1.0.0/28' });
      // 13 addresses in the pool (.2-.14); 16 concurrent creations: 13 succeed, 3 get 409.
      const results = await Promise.allSettled(Array.from({ length: 16 }, () => ports.create(alice, { network_id: net.id })));
      const created = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.fixed_ips[0]?.ip_address] : []));
      assert.equal(created.length, 13);
      assert.equal(new Set(created).size, 13);
      for (const result of results) {
        if (result.status === 'rejected') assert.equal((result.reason as { neutronType: string }).neutronType, 'IpAddressGenerationFailure');
      }
    });

    it('refuses bad addressing with neutron errors', async () => {
      const net = await networks.createNetwork(alice, { name: 'checks' });
      const refuse = (input: object, type: string, message: RegExp) =>
        assert.rejects(networks.createSubnet(alice, { network_id: net.id, ...input }), (error: Error & { neutronType: string }) => {
          assert.equal(error.neutronType, type);
          assert.match(error.message, message);
          return true;
        });
      await refuse({ cidr: '10.2.0.1/24' }, 'InvalidInput', /'10.2.0.0\/24' is recommended/);
      await refuse({ cidr: '10.2.0.0/33' }, 'InvalidInput', /not a valid IP subnet/);
      await refuse({ cidr: '300.2.0.0/24' }, 'InvalidInput', /not a valid IP subnet/);
      await refuse({ cidr: '10.2.0.0/24', gateway_ip: '10.3.0.1' }, 'InvalidInput', /Gateway is not valid/);
      await refuse({ cidr: '10.2.0.0/24', allocation_pools: [{ start: '10.2.0.1', end: '10.2.0.9' }] }, 'GatewayConflictWithAllocationPools', /conflicts/);
      await refuse({ cidr: '10.2.0.0/24', allocation_pools: [{ start: '10.2.0.9', end: '10.2.1.9' }] }, 'InvalidInput', /spans beyond/);
      await networks.createSubnet(alice, { network_id: net.id, cidr: '10.2.0.0/24' });
      await refuse({ cidr: '10.2.0.128/25' }, 'InvalidInput', /overlaps with another subnet/);
    });

    it('takes a requested address once, and frees it with the port', async () => {
      const net = await networks.createNetwork(alice, { name: 'fixed' });
      const subnet = await networks.createSubnet(alice, { network_id: net.id, cidr: '10.4.0.0/24' });
      const port = await ports.create(alice, { network_id: net.id, fixed_ips: [{ ip_address: '10.4.0.50' }] });
      assert.deepEqual(port.fixed_ips, [{ subnet_id: subnet.id, ip_address: '10.4.0.50' }]);
      await assert.rejects(ports.create(alice, { network_id: net.id, fixed_ips: [{ ip_address: '10.4.0.50' }] }), { neutronType: 'IpAddressAlreadyAllocated' });
      await assert.rejects(networks.deleteSubnet(alice, subnet.id), { neutronType: 'SubnetInUse' });
      await assert.rejects(networks.deleteNetwork(alice, net.id), { neutronType: 'NetworkInUse' });
      await ports.delete(alice, port.id);
      const again = await ports.create(alice, { network_id: net.id, fixed_ips: [{ ip_address: '10.4.0.50' }] });
      assert.equal(again.fixed_ips[0]?.ip_address, '10.4.0.50');
    });

    it("hides another project's resources and lets only admins and services bind", async () => {
      const net = await networks.createNetwork(alice, { name: 'private' });
      await networks.createSubnet(alice, { network_id: net.id, cidr: '10.5.0.0/24' });
      await assert.rejects(networks.getNetwork(bob, net.id), { neutronType: 'NetworkNotFound', status: 404 });
      await assert.rejects(ports.create(bob, { network_id: net.id }), { neutronType: 'NetworkNotFound' });
      assert.equal((await networks.listNetworks(bob, {})).some((n) => n.id === net.id), false);
      await assert.rejects(ports.create(alice, { network_id: net.id, 'binding:host_id': 'node1' }), { neutronType: 'PolicyNotAuthorized', status: 403 });
      const port = await ports.create(alice, { network_id: net.id, device_id: 'vm-1', device_owner: 'compute:nova' });
      await assert.rejects(ports.get(bob, port.id), { neutronType: 'PortNotFound' });
      const bound = await ports.update(nova, port.id, { 'binding:host_id': 'node2' });
      assert.equal(bound.binding_host_id, 'node2');
      assert.equal(portStatus(bound), 'ACTIVE');
      assert.equal(bound.revision_number, 2);
      assert.deepEqual((await ports.list(nova, { device_id: ['vm-1'] })).map((p) => p.id), [port.id]);
      assert.deepEqual(await ports.list(bob, { device_id: ['vm-1'] }), []);
    });

    it('shares a shared network with every project, made so by an admin only', async () => {
      await assert.rejects(networks.createNetwork(alice, { name: 'pub', shared: true }), { status: 403 });
      const net = await networks.createNetwork({ ...alice, isAdmin: true }, { name: 'pub', shared: true });
      await networks.createSubnet({ ...alice, isAdmin: true }, { network_id: net.id, cidr: '10.6.0.0/24' });
      const port = await ports.create(bob, { network_id: net.id });
      assert.equal(port.project_id, 'project-b');
      await assert.rejects(networks.deleteNetwork(bob, net.id), { status: 403 });
      assert.equal((await networks.listSubnets(bob, { network_id: [net.id] })).length, 1);
    });
  });
}
