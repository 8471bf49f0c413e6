// A whole cloud in one test process, each service on its own loopback port behind a real
// identity: block-storage, image and network as they ship, and compute services started
// with whatever nova.conf a test needs. Services call each other over HTTP through the catalog.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBatonCommand, startCloudIdentity, type CloudIdentity, type Running } from '@baton/test-support';
import { startBlockStorage, startCompute, type RunningService } from '../../src/index.ts';
import { startImage } from '../../src/image/service.ts';
import { startNetwork } from '../../src/network/service.ts';
import { createSilentLogger } from '@baton/logging';

export type Json = Record<string, any>;

export interface TestCloud {
  readonly identity: CloudIdentity;
  readonly dir: string;
  readonly urls: { readonly blockStorage: string; readonly image: string; readonly network: string };
  /** Writes a nova.conf on its own database (or `connection`); `compute` is its [compute] section body. */
  writeComputeConf(name: string, options?: { sendServiceToken?: boolean; compute?: string; connection?: string }): Promise<string>;
  /** Starts a compute service in this process on the conf `writeComputeConf` writes. */
  startCompute(name: string, options?: { sendServiceToken?: boolean; compute?: string; register?: boolean }): Promise<{ service: RunningService; conf: string }>;
  call(method: string, url: string, token: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Json; headers: Headers }>;
  /** A demo network with a subnet, and an active image; their ids. */
  seed(token: string): Promise<{ networkId: string; imageId: string }>;
  close(): Promise<void>;
}

export interface TestCloudOptions {
  readonly tokenSeconds?: number;
  readonly allowExpiredWindow?: number;
  /** Extra [keystone_authtoken] lines for every service. */
  readonly authtoken?: readonly string[];
}

export async function startTestCloud(options: TestCloudOptions = {}): Promise<TestCloud> {
  const identity = await startCloudIdentity({
    ...(options.tokenSeconds === undefined ? {} : { expiration: options.tokenSeconds }),
    ...(options.allowExpiredWindow === undefined ? {} : { allowExpiredWindow: options.allowExpiredWindow }),
  });
  const dir = await mkdtemp(join(tmpdir(), 'baton-compute-'));
  const services: RunningService[] = [];
  const writeConf = async (name: string, extra: string, sendServiceToken = true): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, `[DEFAULT]\nstate_path = ${join(dir, 'state')}\n\n${identity.serviceSections({ sendServiceToken, authtoken: options.authtoken ?? [] })}\n${extra}\n`);
    return path;
  };
  const quiet = { log: () => undefined, logger: createSilentLogger(), port: 0 };
  try {
    const blockStorage = await startBlockStorage({ files: [await writeConf('cinder.conf', '[block_storage]\ncreate_delay = 0.2\n')], ...quiet });
    services.push(blockStorage);
    const image = await startImage({ files: [await writeConf('glance-api.conf', '')], ...quiet });
    services.push(image);
    const network = await startNetwork({ files: [await writeConf('neutron.conf', '')], ...quiet });
    services.push(network);
    await identity.addEndpoint('block-storage', 'cinderv3', `${blockStorage.url}/v3/%(project_id)s`);
    await identity.addEndpoint('image', 'glance', image.url);
    await identity.addEndpoint('network', 'neutron', network.url);
    const call: TestCloud['call'] = async (method, url, token, body, headers = {}) => {
      const response = await fetch(url, {
        method,
        headers: { 'x-auth-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Json, headers: response.headers };
    };
    const writeComputeConf: TestCloud['writeComputeConf'] = (name, computeOptions = {}) =>
      writeConf(
        `${name}.conf`,
        `[database]\nconnection = ${computeOptions.connection ?? `sqlite:///${join(dir, `${name}.db`)}`}\n[compute]\n${computeOptions.compute ?? ''}\n`,
        computeOptions.sendServiceToken ?? true,
      );
    return {
      identity,
      dir,
      urls: { blockStorage: blockStorage.url, image: image.url, network: network.url },
      writeComputeConf,
      async startCompute(name, computeOptions = {}) {
        const conf = await writeComputeConf(name, computeOptions);
        const service = await startCompute({ files: [conf], ...quiet });
        services.push(service);
        if (computeOptions.register === true) await identity.addEndpoint('compute', 'nova', `${service.url}/v2.1`);
        return { service, conf };
      },
      call,
      async seed(token) {
        const net = await call('POST', `${network.url}/v2.0/networks`, token, { network: { name: 'private' } });
        await call('POST', `${network.url}/v2.0/subnets`, token, { subnet: { network_id: net.body.network.id, cidr: '10.0.0.0/24', ip_version: 4 } });
        const img = await call('POST', `${image.url}/v2/images`, token, { name: 'cirros', disk_format: 'raw', container_format: 'bare' });
        const upload = await fetch(`${image.url}/v2/images/${img.body.id}/file`, {
          method: 'PUT',
          headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream' },
          body: 'cirros-disk',
        });
        if (upload.status !== 204) throw new Error(`image upload: ${upload.status} ${await upload.text()}`);
        return { networkId: net.body.network.id as string, imageId: img.body.id as string };
      },
      async close() {
        for (const service of services.reverse()) await service.close();
        await identity.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const service of services.reverse()) await service.close();
    await identity.close();
    throw error;
  }
}

/** The events of a live migration that went through, in order. */
export const LIVE_MIGRATION_EVENTS = [
  'compute_pre_live_migration Success',
  'compute_bind_ports_destination Success',
  'compute_attach_volumes_destination Success',
  'compute_transfer Success',
  'compute_post_live_migration Success',
];

/** Polls a server until `until` holds for its body. */
export async function waitForServer(cloud: TestCloud, url: string, token: () => Promise<string>, until: (server: Json) => boolean, timeoutMs = 60_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await cloud.call('GET', url, await token());
    if (body.server !== undefined && until(body.server)) return body.server as Json;
    if (Date.now() > deadline) throw new Error(`server never reached the state: ${JSON.stringify(body)}`);
    await sleep(200);
  }
}

/**
 * One test cloud for the calling test file (started in `before`) and the `baton compute serve`
 * processes its tests start, all stopped in `after`. `extraCleanup` runs last.
 */
export function testCloudPerFile(extraCleanup: () => Promise<void> = async () => undefined): { cloud: () => TestCloud; serveCompute(conf: string): Promise<Running> } {
  let cloud: TestCloud | undefined;
  const running: Running[] = [];
  before(async () => {
    cloud = await startTestCloud();
  });
  after(async () => {
    for (const process of running) await process.stop();
    await cloud?.close();
    await extraCleanup();
  });
  return {
    cloud: () => cloud as TestCloud,
    async serveCompute(conf) {
      const service = await startBatonCommand(['compute', 'serve', '--config', conf, '--port', '0']);
      running.push(service);
      return service;
    },
  };
}
