// `baton demo`: the issue's story on a real cloud. It starts identity, compute, block-storage,
// image and network on free loopback ports (through `baton up`'s machinery) with a short user
// token lifetime, runs a live migration and a snapshot that outlive the user's token — they
// finish because compute sends its service token — and prints each job's timeline of
// cross-service calls. Then it runs the same jobs on a compute service with
// `send_service_user_token = false` and shows them fail, and why.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { startCompute } from '@baton/cloud';
import { CommandError } from '../load-config.ts';
import { CLOUD_SERVICES, startCloud, type RunningCloud } from './up.ts';
import { createSilentLogger } from '@baton/logging';

// Bodies of the services answering the demo, read field by field.
type Json = Record<string, any>;

interface DemoOptions {
  dataDir?: string;
  format: 'text' | 'json';
  tokenLifetime: number;
}

interface JobReport {
  readonly job: 'live-migration' | 'snapshot';
  readonly serviceTokens: boolean;
  readonly outcome: 'succeeded' | 'failed';
  readonly expected: boolean;
  readonly fault: string | null;
  readonly timeline: readonly Json[];
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** The demo user's calls: a fresh token per job, so the job's own token is the one that expires. */
class DemoUser {
  constructor(
    private readonly cloud: RunningCloud,
    private readonly password: string,
  ) {}

  async token(): Promise<string> {
    const response = await fetch(`${this.cloud.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: this.password } } },
          scope: { project: { name: 'demo', domain: { id: 'default' } } },
        },
      }),
    });
    if (response.status !== 201) throw new CommandError(`baton demo: identity refused the demo user (${response.status})`, 1);
    return response.headers.get('x-subject-token') ?? '';
  }

  async call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
    const raw = typeof body === 'string';
    const response = await fetch(url, {
      method,
      headers: { 'x-auth-token': await this.token(), ...(body === undefined ? {} : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }), ...headers },
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = (text === '' ? {} : JSON.parse(text)) as Json;
    if (response.status >= 400) throw new CommandError(`baton demo: ${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`, 1);
    return { status: response.status, body: parsed };
  }
}

const COMPUTE_VERSION = { 'OpenStack-API-Version': 'compute 2.45' };

async function waitFor<T>(what: string, poll: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await poll();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new CommandError(`baton demo: ${what} did not happen within ${timeoutMs / 1000} s`, 1);
    await sleep(300);
  }
}

async function bootServer(user: DemoUser, compute: string, seed: { network: string; image: string }, name: string): Promise<string> {
  const created = await user.call('POST', `${compute}/servers`, { server: { name, imageRef: seed.image, flavorRef: '1', networks: [{ uuid: seed.network }] } });
  const id = created.body.server.id as string;
  await waitFor(`server ${name} becoming ACTIVE`, async () => ((await user.call('GET', `${compute}/servers/${id}`)).body.server.status === 'ACTIVE' ? true : undefined));
  return id;
}

/** Starts one job with a fresh token, shows its progress, and reads its instance action back. */
async function runJob(user: DemoUser, compute: string, serverId: string, job: JobReport['job'], serviceTokens: boolean, bar: cliProgress.SingleBar | null): Promise<JobReport> {
  const body = job === 'live-migration' ? { 'os-migrateLive': { host: 'node2', block_migration: 'auto' } } : { createImage: { name: `demo-snapshot-${serviceTokens ? 'with' : 'without'}` } };
  await user.call('POST', `${compute}/servers/${serverId}/action`, body, COMPUTE_VERSION);
  bar?.start(100, 0, { job: `${job} (${serviceTokens ? 'service tokens' : 'no service token'})` });
  const server = await waitFor(`the ${job} job finishing`, async () => {
    const shown = (await user.call('GET', `${compute}/servers/${serverId}`)).body.server as Json;
    bar?.update(Number(shown.progress ?? 0));
    return shown['OS-EXT-STS:task_state'] === null ? shown : undefined;
  });
  const actions = (await user.call('GET', `${compute}/servers/${serverId}/os-instance-actions`)).body.instanceActions as Json[];
  const requestId = actions.find((a) => a.action === (job === 'snapshot' ? 'createImage' : job))?.request_id as string;
  const action = (await user.call('GET', `${compute}/servers/${serverId}/os-instance-actions/${requestId}`)).body.instanceAction as Json;
  const failedEvent = (action.events as Json[]).find((e) => e.result === 'Error');
  const outcome = action.message === 'Error' || server.status === 'ERROR' ? 'failed' : 'succeeded';
  if (outcome === 'succeeded') bar?.update(100);
  bar?.stop();
  const calls = action['baton:calls'] as Json[];
  const outlived = calls.some((c) => c.userTokenExpired === true && c.serviceToken === true && c.status < 400);
  const expected = serviceTokens
    ? outcome === 'succeeded' && outlived
    : outcome === 'failed' && String(failedEvent?.traceback ?? '').includes('send_service_user_token = true');
  return { job, serviceTokens, outcome, expected, fault: (failedEvent?.traceback as string | undefined) ?? null, timeline: calls };
}

function printTimeline(report: JobReport): void {
  const title = `${report.job} ${report.serviceTokens ? 'with' : 'without'} service tokens: ${report.outcome}${report.expected ? ' (as expected)' : ' (NOT as expected)'}`;
  process.stdout.write(`\n${title}\n`);
  const start = Date.parse(report.timeline[0]?.at ?? '') || 0;
  for (const call of report.timeline) {
    const offset = ((Date.parse(call.at) - start) / 1000).toFixed(1).padStart(5);
    const token = (call.as === 'service' ? "compute's own token" : `user token ${call.userTokenExpired ? 'EXPIRED' : 'valid'}${call.serviceToken ? ' + service token' : ''}`).padEnd(34);
    process.stdout.write(`  +${offset}s  ${call.step.padEnd(27)} ${String(call.method).padEnd(6)} ${String(call.serviceType).padEnd(13)} ${token}  → ${call.status ?? 'no answer'}${call.error ? ` (${call.error})` : ''}\n`);
  }
  if (report.fault !== null) process.stdout.write(`  fault: ${report.fault.replaceAll('\n', '\n         ')}\n`);
}

async function runDemo(options: DemoOptions): Promise<boolean> {
  const text = options.format === 'text';
  const say = (line: string): void => {
    if (text) process.stdout.write(`${line}\n`);
  };
  const lifetime = options.tokenLifetime;
  const ownDir = options.dataDir === undefined;
  const dataDir = ownDir ? mkdtempSync(join(tmpdir(), 'baton-demo-')) : resolve(options.dataDir as string);
  // A `baton up` cloud issues hour-long tokens and its files would be rewritten under it.
  if (!ownDir && existsSync(join(dataDir, 'clouds.yaml'))) {
    throw new CommandError(`baton demo: ${dataDir} holds a cloud from baton up; the demo needs its own short-lived tokens: run it without --data-dir or with an empty directory`, 2);
  }
  // The children read these through their config loaders (OS_<GROUP>__<OPTION>).
  process.env.OS_TOKEN__EXPIRATION = String(lifetime);
  process.env.OS_COMPUTE__LIVE_MIGRATION_DURATION = String(lifetime + 5);
  process.env.OS_COMPUTE__SNAPSHOT_DURATION = String(lifetime + 5);
  process.env.OS_COMPUTE__SPAWN_DURATION = '0.5';
  const ports: Record<string, number> = { identity: await freePort() };
  for (const spec of CLOUD_SERVICES) ports[spec.name] = await freePort();
  say(`Starting identity, compute, block-storage, image and network in ${dataDir} (user tokens live ${lifetime} s)…`);
  const cloud = await startCloud({ dataDir, host: '127.0.0.1', ports, onOutput: (s, l) => process.env.BATON_DEMO_DEBUG ? process.stderr.write(`[${s}] ${l}\n`) : undefined });
  const reports: JobReport[] = [];
  try {
    const user = new DemoUser(cloud, cloud.demoPassword);
    const compute = `${cloud.endpoints.compute}/v2.1`;
    const network = (await user.call('POST', `${cloud.endpoints.network}/v2.0/networks`, { network: { name: 'demo-net' } })).body.network.id as string;
    await user.call('POST', `${cloud.endpoints.network}/v2.0/subnets`, { subnet: { network_id: network, cidr: '10.0.0.0/24', ip_version: 4 } });
    const image = (await user.call('POST', `${cloud.endpoints.image}/v2/images`, { name: 'demo-image', disk_format: 'raw', container_format: 'bare' })).body.id as string;
    await user.call('PUT', `${cloud.endpoints.image}/v2/images/${image}/file`, 'baton demo disk image');
    const seed = { network, image };
    const bar = (): cliProgress.SingleBar | null =>
      text ? new cliProgress.SingleBar({ format: '  {job} [{bar}] {percentage}%', hideCursor: false, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic) : null;

    say('\n1. compute sends its service token ([service_user] send_service_user_token = true):');
    const withTokens = await bootServer(user, compute, seed, 'demo-with-service-tokens');
    reports.push(await runJob(user, compute, withTokens, 'live-migration', true, bar()));
    reports.push(await runJob(user, compute, withTokens, 'snapshot', true, bar()));

    say('\n2. the same jobs on a compute service with send_service_user_token = false:');
    const bare = await startCompute({
      files: [join(dataDir, 'nova.conf')],
      port: 0,
      env: {
        ...process.env,
        OS_SERVICE_USER__SEND_SERVICE_USER_TOKEN: 'false',
        OS_DATABASE__CONNECTION: `sqlite:///${join(dataDir, 'nova-without-service-token.db')}`,
        OS_COMPUTE__WORKER_NAME: 'demo-without-service-token',
      },
      log: () => undefined,
      logger: createSilentLogger(),
    });
    try {
      const bareCompute = `${bare.url}/v2.1`;
      const server = await bootServer(user, bareCompute, seed, 'demo-without-service-tokens');
      reports.push(await runJob(user, bareCompute, server, 'snapshot', false, bar()));
      reports.push(await runJob(user, bareCompute, server, 'live-migration', false, bar()));
    } finally {
      await bare.close();
    }
  } finally {
    await cloud.stop();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  }
  const ok = reports.every((r) => r.expected);
  if (text) {
    for (const report of reports) printTimeline(report);
    say(ok ? '\nEverything behaved as described: with service tokens the jobs outlived the user token; without, they failed and said why.' : '\nSomething did not behave as described (see above).');
  } else {
    process.stdout.write(`${JSON.stringify({ ok, tokenLifetimeSeconds: lifetime, jobs: reports }, null, 2)}\n`);
  }
  return ok;
}

function positiveInt(value: string): number {
  const n = Number(value);
  // Below ~10 s a token can expire while a busy machine is still validating it.
  if (!Number.isInteger(n) || n < 10 || n > 600) throw new CommandError('baton demo: --token-lifetime must be an integer from 10 to 600', 2);
  return n;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start a cloud and run a live migration and a snapshot that outlive the user token, with and without service tokens')
    .option('--data-dir <dir>', 'keep the demo cloud here (an empty directory, not one of baton up) instead of a temporary directory removed afterwards')
    .option('--format <format>', 'text (progress bars and timelines) or json', 'text')
    .option('--token-lifetime <seconds>', 'user token lifetime ([token] expiration) for the demo cloud', positiveInt, 15)
    .action(async (options: DemoOptions) => {
      if (options.format !== 'text' && options.format !== 'json') throw new CommandError('baton demo: --format must be text or json', 2);
      const ok = await runDemo(options);
      process.exit(ok ? 0 : 1);
    });
}
