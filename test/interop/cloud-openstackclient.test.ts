// The real openstack CLI (python3-openstackclient 6.0 with its nova, cinder, glance and neutron
// clients) against the cloud `baton up` starts, using the clouds.yaml it writes: volumes, a volume
// from an image (block-storage reads the image from the image service as the user, with its
// service token), networks, servers from an image and from a volume, attaching, live migration,
// snapshot, instance actions, a second start that keeps the data, and a busy port refused before
// anything is written.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BATON_BIN, freePort, issuePasswordToken, openstackCloud, runCommand, startBatonCommand, type Running } from '@baton/test-support';

type Json = Record<string, any>;

const SERVICES = ['identity', 'compute', 'block-storage', 'image', 'network'] as const;

describe('openstack CLI against baton up', () => {
  let dir: string;
  let dataDir: string;
  let clouds: string;
  let ports: Record<string, number>;
  let up: Running;
  const upArgs = () => ['up', '--data-dir', dataDir, ...SERVICES.flatMap((name) => [`--${name}-port`, String(ports[name])])];

  const demo = (args: string[]) => openstackCloud(clouds, 'baton-demo', args, { json: true }) as Promise<Json>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cloud-cli-'));
    dataDir = join(dir, 'cloud');
    clouds = join(dataDir, 'clouds.yaml');
    ports = {};
    for (const name of SERVICES) ports[name] = await freePort();
    up = await startBatonCommand(upArgs(), { waitFor: /^(ready)$/m, readyMs: 120_000 });
  });

  after(async () => {
    await up?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Polls the volume API as demo until the volume has `status`. */
  const waitForVolume = async (id: string, status: string): Promise<void> => {
    const authUrl = `http://127.0.0.1:${ports.identity}/v3`;
    const password = (JSON.parse(readFileSync(join(dataDir, 'passwords.json'), 'utf8')) as { demo: string }).demo;
    const { token, body } = await issuePasswordToken(authUrl, 'demo', password, { project: 'demo' });
    for (let i = 0; i < 300; i++) {
      const response = await fetch(`http://127.0.0.1:${ports['block-storage']}/v3/${body.token.project?.id}/volumes/${id}`, { headers: { 'x-auth-token': token } });
      const shown = (await response.json()) as Json;
      if (shown.volume?.status === status) return;
      assert.notEqual(shown.volume?.status, 'error', `volume ${id} went to error`);
      await sleep(100);
    }
    throw new Error(`volume ${id} never became ${status}`);
  };

  it('writes the config files, clouds.yaml and admin-openrc, and prints every endpoint', () => {
    for (const file of ['keystone.conf', 'nova.conf', 'cinder.conf', 'glance-api.conf', 'neutron.conf', 'clouds.yaml', 'admin-openrc']) {
      assert.ok(existsSync(join(dataDir, file)), file);
    }
    for (const name of SERVICES) assert.match(up.output(), new RegExp(`${name}\\s+http://127\\.0\\.0\\.1:${ports[name]}`));
    assert.match(readFileSync(clouds, 'utf8'), /baton-admin:[\s\S]*baton-demo:/);
  });

  it('creates, lists, shows and deletes a volume', async () => {
    const created = await demo(['volume', 'create', '--size', '1', 'cli-volume']);
    assert.equal(created.name, 'cli-volume');
    assert.equal(created.size, 1);
    await waitForVolume(created.id as string, 'available');
    const listed = (await demo(['volume', 'list'])) as unknown as Json[];
    assert.deepEqual(listed.map((v) => [v.Name, v.Status, v.Size]), [['cli-volume', 'available', 1]]);
    const shown = await demo(['volume', 'show', 'cli-volume']);
    assert.equal(shown.id, created.id);
    assert.equal(shown.status, 'available');
    await openstackCloud(clouds, 'baton-demo', ['volume', 'delete', 'cli-volume'], { json: false });
    assert.deepEqual(await demo(['volume', 'list']), []);
  });

  it('creates a volume from an image uploaded with image create --file', async () => {
    const file = join(dir, 'disk.img');
    writeFileSync(file, Buffer.alloc(64 * 1024, 7));
    await demo(['image', 'create', '--file', file, '--disk-format', 'raw', '--container-format', 'bare', 'cli-image']);
    const image = await demo(['image', 'show', 'cli-image']);
    assert.equal(image.status, 'active');
    assert.equal(image.size, 64 * 1024);
    const created = await demo(['volume', 'create', '--size', '1', '--image', 'cli-image', 'boot-volume']);
    await waitForVolume(created.id as string, 'available');
    const shown = await demo(['volume', 'show', 'boot-volume']);
    assert.equal(shown.bootable, 'true');
    assert.equal(shown.volume_image_metadata.image_id, image.id);
    assert.equal(shown.volume_image_metadata.checksum, image.checksum);
  });

  it('runs servers on a network, from an image and from a volume, attaches, live-migrates, snapshots and deletes them', async () => {
    const admin = (args: string[]) => openstackCloud(clouds, 'baton-admin', args, { json: true }) as Promise<Json>;
    const network = await demo(['network', 'create', 'cli-net']);
    assert.equal(network.name, 'cli-net');
    const subnet = await demo(['subnet', 'create', '--network', 'cli-net', '--subnet-range', '10.0.0.0/24', 'cli-subnet']);
    assert.equal(subnet.cidr, '10.0.0.0/24');
    const port = await demo(['port', 'create', '--network', 'cli-net', 'cli-port']);
    assert.match(JSON.stringify(port.fixed_ips), /10\.0\.0\.\d+/);

    // Independent steps run side by side: each openstack run is a Python start-up, and each
    // --wait polls every 5 s, so overlapping them saves whole seconds of waiting.
    const [server, data] = await Promise.all([
      demo(['server', 'create', '--image', 'cli-image', '--flavor', '1', '--network', 'cli-net', '--wait', 'vm1']),
      demo(['volume', 'create', '--size', '1', 'data-volume']),
    ]);
    assert.equal(server.status, 'ACTIVE');
    await waitForVolume(data.id as string, 'available');
    await openstackCloud(clouds, 'baton-demo', ['server', 'add', 'volume', 'vm1', 'data-volume'], { json: false });
    await waitForVolume(data.id as string, 'in-use');

    // The second server (from the volume) boots while the first one migrates and is snapshotted.
    const booting = demo(['server', 'create', '--volume', 'boot-volume', '--flavor', '1', '--network', 'cli-net', '--wait', 'vm2']);
    booting.catch(() => undefined); // awaited below; an early failure must not count as unhandled meanwhile
    // --host needs microversion 2.30; the admin names the server by id (it is demo's).
    await openstackCloud(clouds, 'baton-admin', ['--os-compute-api-version', '2.30', 'server', 'migrate', '--live-migration', '--host', 'node2', '--wait', server.id as string], { json: false });
    const migrated = await admin(['server', 'show', server.id as string]);
    assert.equal(migrated['OS-EXT-SRV-ATTR:host'], 'node2');
    assert.equal(migrated.status, 'ACTIVE');
    const snapshot = await demo(['server', 'image', 'create', '--wait', '--name', 'vm1-snapshot', 'vm1']);
    assert.equal(snapshot.status, 'active');
    const events = (await demo(['server', 'event', 'list', 'vm1'])) as unknown as Json[];
    const actions = events.map((event) => event.Action as string);
    for (const action of ['create', 'attach_volume', 'live-migration', 'createImage']) assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);

    const fromVolume = await booting;
    assert.equal(fromVolume.status, 'ACTIVE');
    await openstackCloud(clouds, 'baton-demo', ['server', 'delete', '--wait', 'vm1', 'vm2'], { json: false });
    assert.deepEqual(await demo(['server', 'list']), []);
    await waitForVolume(data.id as string, 'available');
  });

  it('keeps the data across a second start, and refuses a busy port naming the service', async () => {
    // Free ports for the others, not their defaults: on a shared machine 5000 may be taken,
    // and then identity (checked first) would be the one refused.
    const others = await Promise.all(SERVICES.map(() => freePort()));
    const busyPorts = SERVICES.flatMap((name, i) => [`--${name}-port`, String(name === 'block-storage' ? ports[name] : others[i])]);
    const busy = await runCommand(process.execPath, [BATON_BIN, 'up', '--data-dir', join(dir, 'other'), ...busyPorts], { timeoutMs: 300_000 });
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, new RegExp(`block-storage cannot listen on 127\\.0\\.0\\.1:${ports['block-storage']}: the port is already in use \\(choose another with --block-storage-port\\)`));
    assert.equal(existsSync(join(dir, 'other')), false, 'nothing written before the ports are checked');

    await up.stop();
    assert.equal(up.child.exitCode, 0, 'Ctrl-C (SIGTERM here) stops every service cleanly');
    up = await startBatonCommand(upArgs(), { waitFor: /^(ready)$/m, readyMs: 120_000 });
    const listed = (await demo(['volume', 'list'])) as unknown as Json[];
    assert.deepEqual(listed.map((v) => v.Name).sort(), ['boot-volume', 'data-volume']);
  });
});
