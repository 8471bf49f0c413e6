// The network API over real HTTP, behind the auth-token middleware of a real identity:
// networks, subnets and ports with their filters, binding by a service, neutron's error JSON
// for bad input and other projects' resources, the [DEFAULT] options, and the real openstack
// CLI's `network create`, `subnet create`, `port create`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openstack } from '@baton/test-support';
import type { RunningService } from '../../src/common/index.ts';
import { startNetwork } from '../../src/network/service.ts';
import { startCloudFixture, type CloudFixture } from '../image/fixture.ts';
import { createSilentLogger } from '@baton/logging';

describe('network API', () => {
  let cloud: CloudFixture;
  let network: RunningService;
  const tokens: Record<'demo' | 'alt' | 'nova' | 'admin', string> = { demo: '', alt: '', nova: '', admin: '' };

  async function call(method: string, path: string, token: string, json?: unknown, raw?: string) {
    const response = await fetch(`${network.url}${path}`, {
      method,
      headers: { 'x-auth-token': token, ...(json !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: raw ?? (json === undefined ? undefined : JSON.stringify(json)),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as Record<string, any> };
  }

  before(async () => {
    cloud = await startCloudFixture();
    const config = await cloud.writeConfig('neutron.conf', '[DEFAULT]\nbase_mac = fa:16:3f:00:00:00\nglobal_physnet_mtu = 1450\n');
    network = await startNetwork({ files: [config], port: 0, log: () => {}, logger: createSilentLogger() });
    await cloud.identity.addEndpoint('network', 'neutron', network.url);
    tokens.demo = await cloud.token(cloud.demo);
    tokens.alt = await cloud.token(cloud.alt);
    tokens.nova = await cloud.token(cloud.nova);
    tokens.admin = await cloud.token(cloud.admin);
  });
  after(async () => {
    await network?.close();
    await cloud?.stop();
  });

  it('answers version discovery at / without a token', async () => {
    const response = await fetch(`${network.url}/`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { versions: { id: string }[] };
    assert.equal(body.versions[0]?.id, 'v2.0');
  });

  it('creates a network, a subnet and ports with fixed IPs, MACs from base_mac and the MTU cap', async () => {
    const net = (await call('POST', '/v2.0/networks', tokens.demo, { network: { name: 'private' } })).body!.network;
    assert.equal(net.mtu, 1450);
    assert.equal(net.status, 'ACTIVE');
    assert.equal((await call('POST', '/v2.0/networks', tokens.demo, { network: { name: 'jumbo', mtu: 9000 } })).status, 400);
    const subnet = await call('POST', '/v2.0/subnets', tokens.demo, {
      subnet: { network_id: net.id, cidr: '192.168.10.0/24', ip_version: 4, allocation_pools: [{ start: '192.168.10.100', end: '192.168.10.101' }] },
    });
    assert.equal(subnet.status, 201, JSON.stringify(subnet.body));
    assert.equal(subnet.body!.subnet.gateway_ip, '192.168.10.1');
    const port = (await call('POST', '/v2.0/ports', tokens.demo, { port: { network_id: net.id, device_id: 'vm-1', device_owner: 'compute:nova' } })).body!.port;
    assert.deepEqual(port.fixed_ips, [{ subnet_id: subnet.body!.subnet.id, ip_address: '192.168.10.100' }]);
    assert.match(port.mac_address, /^fa:16:3f(:[0-9a-f]{2}){3}$/);
    assert.equal(port.status, 'DOWN');
    assert.equal('binding:host_id' in port, false, 'binding hidden from a member');
    await call('POST', '/v2.0/ports', tokens.demo, { port: { network_id: net.id } });
    const full = await call('POST', '/v2.0/ports', tokens.demo, { port: { network_id: net.id } });
    assert.equal(full.status, 409);
    assert.equal(full.body!.NeutronError.type, 'IpAddressGenerationFailure');
    const shown = (await call('GET', `/v2.0/networks/${net.id}`, tokens.demo)).body!.network;
    assert.deepEqual(shown.subnets, [subnet.body!.subnet.id]);
    const byDevice = await call('GET', '/v2.0/ports?device_id=vm-1&fields=id&fields=device_id', tokens.demo);
    assert.deepEqual(byDevice.body!.ports, [{ id: port.id, device_id: 'vm-1' }]);
    const byNetwork = await call('GET', `/v2.0/subnets?network_id=${net.id}`, tokens.demo);
    assert.equal(byNetwork.body!.subnets.length, 1);
    const byName = await call('GET', '/v2.0/networks?name=private&name=nothing', tokens.demo);
    assert.deepEqual(byName.body!.networks.map((n: { id: string }) => n.id), [net.id]);
  });

  it('lets a service (role service) bind a port to a host, and refuses a member', async () => {
    const net = (await call('POST', '/v2.0/networks', tokens.demo, { network: { name: 'bound' } })).body!.network;
    await call('POST', '/v2.0/subnets', tokens.demo, { subnet: { network_id: net.id, cidr: '10.20.0.0/24', ip_version: 4 } });
    const port = (await call('POST', '/v2.0/ports', tokens.demo, { port: { network_id: net.id, device_id: 'vm-2', device_owner: 'compute:nova' } })).body!.port;
    const refused = await call('PUT', `/v2.0/ports/${port.id}`, tokens.demo, { port: { 'binding:host_id': 'node1' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body!.NeutronError.type, 'PolicyNotAuthorized');
    const bound = await call('PUT', `/v2.0/ports/${port.id}`, tokens.nova, { port: { 'binding:host_id': 'node2' } });
    assert.equal(bound.status, 200);
    assert.equal(bound.body!.port['binding:host_id'], 'node2');
    assert.equal(bound.body!.port['binding:vif_type'], 'ovs');
    assert.equal(bound.body!.port.status, 'ACTIVE');
    const listed = await call('GET', `/v2.0/ports?device_id=vm-2&binding:host_id=node2`, tokens.admin);
    assert.deepEqual(listed.body!.ports.map((p: { id: string }) => p.id), [port.id]);
  });

  it("answers 404 with neutron's error JSON for unknown ids and another project's resources", async () => {
    const net = (await call('POST', '/v2.0/networks', tokens.demo, { network: { name: 'mine' } })).body!.network;
    const subnet = (await call('POST', '/v2.0/subnets', tokens.demo, { subnet: { network_id: net.id, cidr: '10.30.0.0/24', ip_version: 4 } })).body!.subnet;
    const port = (await call('POST', '/v2.0/ports', tokens.demo, { port: { network_id: net.id } })).body!.port;
    for (const [path, type] of [[`/v2.0/networks/${net.id}`, 'NetworkNotFound'], [`/v2.0/subnets/${subnet.id}`, 'SubnetNotFound'], [`/v2.0/ports/${port.id}`, 'PortNotFound']]) {
      for (const method of ['GET', 'DELETE']) {
        const response = await call(method, path!, tokens.alt);
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal(response.body!.NeutronError.type, type);
      }
    }
    assert.equal((await call('POST', '/v2.0/ports', tokens.alt, { port: { network_id: net.id } })).status, 404);
    assert.equal((await call('GET', '/v2.0/networks', tokens.alt)).body!.networks.some((n: { id: string }) => n.id === net.id), false);
    const unknown = await call('GET', '/v2.0/ports/5ad7b4cc-0000-4000-8000-000000000000', tokens.demo);
    assert.deepEqual(unknown.body, { NeutronError: { type: 'PortNotFound', message: 'Port 5ad7b4cc-0000-4000-8000-000000000000 could not be found.', detail: '' } });
  });

  it('answers malformed and hostile input with 400', async () => {
    const net = (await call('POST', '/v2.0/networks', tokens.demo, { network: { name: 'checks' } })).body!.network;
    const cases: [string, string, unknown, string?][] = [
      ['POST', '/v2.0/networks', undefined, '{"network": '],
      ['POST', '/v2.0/networks', { network: { name: 'x', color: 'blue' } }],
      ['POST', '/v2.0/networks', { networks: [] }],
      ['POST', '/v2.0/subnets', { subnet: { network_id: net.id, cidr: 'not-a-cidr', ip_version: 4 } }],
      ['POST', '/v2.0/subnets', { subnet: { network_id: net.id, cidr: '10.0.0.7/24', ip_version: 4 } }],
      ['POST', '/v2.0/subnets', { subnet: { network_id: net.id, ip_version: 4 } }],
      ['POST', '/v2.0/ports', { port: { network_id: net.id, mac_address: 'zz' } }],
      ['POST', '/v2.0/ports', { port: { network_id: net.id, fixed_ips: [{ ip_address: '999.1.1.1' }] } }],
      ['GET', '/v2.0/ports?colour=blue', undefined],
      ['POST', '/v2.0/networks', undefined, `{"network": ${'['.repeat(100)}${']'.repeat(100)}}`],
    ];
    for (const [method, path, json, raw] of cases) {
      const response = await call(method, path, tokens.demo, json, raw);
      assert.equal(response.status, 400, `${method} ${path} ${raw ?? JSON.stringify(json)}: ${JSON.stringify(response.body)}`);
      assert.equal(typeof response.body!.NeutronError.message, 'string');
    }
    const missing = await call('GET', '/v2.0/routers', tokens.demo);
    assert.equal(missing.status, 404);
    assert.equal(missing.body!.NeutronError.type, 'HTTPNotFound');
  });

  it('serves the openstack CLI: network create, subnet create, port create, port list, network delete in use', async () => {
    const os = (args: string[], json = true) => openstack(cloud.target, cloud.demo, args, { json });
    const net = (await os(['network', 'create', 'cli-net'])) as Record<string, unknown>;
    assert.equal(net.name, 'cli-net');
    const subnet = (await os(['subnet', 'create', '--network', 'cli-net', '--subnet-range', '10.77.0.0/24', 'cli-subnet'])) as Record<string, unknown>;
    assert.equal(subnet.cidr, '10.77.0.0/24');
    assert.equal(subnet.gateway_ip, '10.77.0.1');
    const port = (await os(['port', 'create', '--network', 'cli-net', '--fixed-ip', 'subnet=cli-subnet,ip-address=10.77.0.20', 'cli-port'])) as Record<string, unknown>;
    assert.deepEqual(port.fixed_ips, [{ subnet_id: subnet.id, ip_address: '10.77.0.20' }]);
    const listed = (await os(['port', 'list', '--network', 'cli-net'])) as { ID: string }[];
    assert.deepEqual(listed.map((p) => p.ID), [port.id]);
    await assert.rejects(os(['network', 'delete', 'cli-net'], false), /ports still in use|NetworkInUse|Failed to delete/);
  });
});
