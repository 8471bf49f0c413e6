// `npm run bench -- cloud`: `baton up`'s cloud (identity, compute, block-storage, image, network,
// each its own process on 127.0.0.1) running live migrations and snapshots steadily, with every
// request the services send to identity going through the counting proxy. Prints identity calls
// per 1,000 inter-service calls (target ≤ 1: one service-user login per process, warm
// auth-token caches) and what a job's cross-service calls add to its configured transfer time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callApi, freePort, issuePasswordToken, startBatonCommand } from '@baton/test-support';
import { startCountingProxy } from './auth-token-processes.ts';

export const CLOUD_SUITE = 'cloud';

export interface CloudBenchOptions {
  /** Servers migrated and snapshotted side by side. */
  readonly servers: number;
  /** Rounds of one live migration then one snapshot per server; the first warms up and is not counted. */
  readonly rounds: number;
  /** [compute] live_migration_duration and snapshot_duration, in seconds. */
  readonly transferSeconds: number;
  /** The measured rounds stop starting once this many seconds have passed. */
  readonly maxSeconds: number;
}

type Json = Record<string, unknown>;

interface JobSample {
  readonly kind: 'live-migration' | 'snapshot';
  readonly wallMs: number;
  readonly calls: number;
  /** The job's recorded calls' own durations, summed. */
  readonly callMs: number;
  readonly failed: boolean;
}

const SERVICES = ['identity', 'compute', 'block-storage', 'image', 'network'] as const;
const COMPUTE_VERSION = { 'openstack-api-version': 'compute 2.60' };
const VOLUME_VERSION = { 'openstack-api-version': 'volume 3.44' };
const POLL_MS = 50;
const WAIT_MS = 120_000;

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`bench cloud: ${what} did not happen within ${WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Runs the suite and prints its figures; false when the cloud could not be started or a job failed. */
export async function runCloudBench(options: CloudBenchOptions): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-cloud-'));
  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const))) as Record<(typeof SERVICES)[number], number>;
  const proxy = await startCountingProxy(ports.identity, await freePort());
  const viaProxy = `${proxy.url}/v3`;
  const stops: (() => Promise<void>)[] = [proxy.stop];
  try {
    const up = await startBatonCommand(['up', '--data-dir', dir, ...SERVICES.flatMap((name) => [`--${name}-port`, String(ports[name])])], {
      waitFor: /^(ready)$/m,
      readyMs: 120_000,
      env: {
        ...process.env,
        // The services reach identity only through the proxy: their service-user logins and
        // auth-token's own login and validations (the catalog's identity endpoint, below).
        OS_SERVICE_USER__AUTH_URL: viaProxy,
        OS_KEYSTONE_AUTHTOKEN__AUTH_URL: viaProxy,
        OS_COMPUTE__LIVE_MIGRATION_DURATION: String(options.transferSeconds),
        OS_COMPUTE__SNAPSHOT_DURATION: String(options.transferSeconds),
        OS_COMPUTE__SPAWN_DURATION: '0.2',
      },
    });
    stops.unshift(up.stop);
    const identity = `http://127.0.0.1:${ports.identity}/v3`;
    const url = (name: (typeof SERVICES)[number]) => `http://127.0.0.1:${ports[name]}`;
    const admin = await issuePasswordToken(identity, 'admin', readFileSync(join(dir, 'admin-password'), 'utf8').trim(), { project: 'admin' });
    const identityService = (await callApi('GET', `${identity}/services?type=identity`, { token: admin.token, expect: 200 })).json as { services: { id: string }[] };
    const endpoints = (await callApi('GET', `${identity}/endpoints?service_id=${identityService.services[0]?.id}`, { token: admin.token, expect: 200 })).json as { endpoints: { id: string }[] };
    for (const endpoint of endpoints.endpoints) {
      await callApi('PATCH', `${identity}/endpoints/${endpoint.id}`, { token: admin.token, body: { endpoint: { url: viaProxy } }, expect: 200 });
    }
    const demoPassword = (JSON.parse(readFileSync(join(dir, 'passwords.json'), 'utf8')) as { demo: string }).demo;
    const demo = await issuePasswordToken(identity, 'demo', demoPassword, { project: 'demo' });
    const projectId = demo.body.token.project?.id ?? '';
    const call = async (method: string, target: string, body?: unknown, headers: Record<string, string> = {}, expect = 200) =>
      callApi(method, target, { token: demo.token, body, headers, expect });
    const compute = `${url('compute')}/v2.1`;
    const volumes = `${url('block-storage')}/v3/${projectId}`;

    // Setup: a network, an image, and servers each with a volume attached, so a migration
    // calls network and block-storage and a snapshot calls image.
    const network = ((await call('POST', `${url('network')}/v2.0/networks`, { network: { name: 'bench-net' } }, {}, 201)).json as { network: { id: string } }).network.id;
    await call('POST', `${url('network')}/v2.0/subnets`, { subnet: { network_id: network, cidr: '10.0.0.0/24', ip_version: 4 } }, {}, 201);
    const image = ((await call('POST', `${url('image')}/v2/images`, { name: 'bench-image', disk_format: 'raw', container_format: 'bare' }, {}, 201)).json as { id: string }).id;
    const upload = await fetch(`${url('image')}/v2/images/${image}/file`, {
      method: 'PUT',
      headers: { 'x-auth-token': demo.token, 'content-type': 'application/octet-stream' },
      body: 'baton bench disk image',
    });
    if (upload.status !== 204) throw new Error(`bench cloud: image upload answered ${upload.status}`);
    const servers = await Promise.all(
      Array.from({ length: options.servers }, async (_, i) => {
        const server = { name: `bench-${i}`, flavorRef: '1', imageRef: image, networks: [{ uuid: network }] };
        const id = ((await call('POST', `${compute}/servers`, { server }, COMPUTE_VERSION, 202)).json as { server: { id: string } }).server.id;
        const volume = ((await call('POST', `${volumes}/volumes`, { volume: { size: 1, name: `bench-${i}` } }, VOLUME_VERSION, 202)).json as { volume: { id: string } }).volume.id;
        await until(`server bench-${i} becoming ACTIVE`, async () => {
          const status = ((await call('GET', `${compute}/servers/${id}`)).json as { server: { status: string } }).server.status;
          if (status === 'ERROR') throw new Error(`bench cloud: server bench-${i} went to ERROR`);
          return status === 'ACTIVE' ? true : undefined;
        });
        await until(`volume bench-${i} becoming available`, async () =>
          ((await call('GET', `${volumes}/volumes/${volume}`, undefined, VOLUME_VERSION)).json as { volume: { status: string } }).volume.status === 'available' ? true : undefined,
        );
        await call('POST', `${compute}/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: volume } }, COMPUTE_VERSION);
        return id;
      }),
    );

    /** One job on one server, timed from the API call to task_state clearing (polled every POLL_MS). */
    const job = async (server: string, kind: JobSample['kind']): Promise<JobSample> => {
      const body = kind === 'live-migration' ? { 'os-migrateLive': { host: null, block_migration: 'auto' } } : { createImage: { name: `bench-snapshot-${server}` } };
      const started = performance.now();
      const accepted = await call('POST', `${compute}/servers/${server}/action`, body, COMPUTE_VERSION, 202);
      const shown = await until(`the ${kind} of ${server} finishing`, async () => {
        const found = ((await call('GET', `${compute}/servers/${server}`)).json as { server: Json }).server;
        return found['OS-EXT-STS:task_state'] === null ? found : undefined;
      });
      const wallMs = performance.now() - started;
      const requestId = accepted.headers.get('x-openstack-request-id') ?? '';
      const action = ((await call('GET', `${compute}/servers/${server}/os-instance-actions/${requestId}`)).json as { instanceAction: Json }).instanceAction;
      const calls = action['baton:calls'] as { durationMs: number }[];
      const failed = action.message === 'Error' || shown.status === 'ERROR';
      return { kind, wallMs, calls: calls.length, callMs: calls.reduce((sum, c) => sum + c.durationMs, 0), failed };
    };
    const round = async (): Promise<JobSample[]> => {
      const samples: JobSample[] = [];
      for (const kind of ['live-migration', 'snapshot'] as const) samples.push(...(await Promise.all(servers.map((server) => job(server, kind)))));
      return samples;
    };

    console.log(`# cloud: ${options.servers} servers, ${options.rounds} rounds (live migration then snapshot each), transfer ${options.transferSeconds} s; round 1 warms up`);
    await round();
    const identityBefore = await proxy.count();
    // Logins and first validations: the proxy sees the services' identity traffic at all.
    console.log(`# identity calls by the services during start-up, set-up and warm-up: ${identityBefore}`);
    const measuredFrom = performance.now();
    const samples: JobSample[] = [];
    let rounds = 0;
    while (rounds < options.rounds - 1 && performance.now() - measuredFrom < options.maxSeconds * 1000) {
      samples.push(...(await round()));
      rounds++;
    }
    const identityCalls = (await proxy.count()) - identityBefore;
    const interService = samples.reduce((sum, s) => sum + s.calls, 0);
    const failures = samples.filter((s) => s.failed).length;

    console.log('');
    console.log(`| measured | jobs | inter-service calls | identity calls | identity calls per 1,000 inter-service calls (target ≤ 1) |`);
    console.log('|---|---|---|---|---|');
    console.log(
      `| ${rounds} rounds, ${((performance.now() - measuredFrom) / 1000).toFixed(1)} s | ${samples.length}${failures > 0 ? ` (${failures} failed (!))` : ''} | ${interService} | ${identityCalls} | ${interService === 0 ? 'n/a' : ((identityCalls * 1000) / interService).toFixed(2)} |`,
    );
    console.log('');
    console.log(`| job | n | calls/job | wall − transfer p50 ms | p95 ms | in calls p50 ms | p95 ms |`);
    console.log('|---|---|---|---|---|---|---|');
    for (const kind of ['live-migration', 'snapshot'] as const) {
      const of = samples.filter((s) => s.kind === kind && !s.failed);
      const extra = of.map((s) => s.wallMs - options.transferSeconds * 1000).sort((a, b) => a - b);
      const inCalls = of.map((s) => s.callMs).sort((a, b) => a - b);
      const perJob = of.length === 0 ? 0 : of.reduce((sum, s) => sum + s.calls, 0) / of.length;
      const ms = (n: number) => n.toFixed(0);
      console.log(`| ${kind} | ${of.length} | ${perJob.toFixed(1)} | ${ms(percentile(extra, 50))} | ${ms(percentile(extra, 95))} | ${ms(percentile(inCalls, 50))} | ${ms(percentile(inCalls, 95))} |`);
    }
    console.log('');
    return failures === 0;
  } catch (error) {
    console.error(`# cloud: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  } finally {
    for (const stop of stops) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
