// `baton demo`: the issue's story on a real cloud: a `baton up --token-lifetime N` cloud that is
// running in --data-dir, or its own on free loopback ports. A live migration and a snapshot
// outlive the user's token and finish, because compute sends its service token; the same jobs
// on a second compute service with `send_service_user_token = false` fail, and say why. All four
// jobs run at once (each on its own server), then each job's timeline of cross-service calls is printed.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { startCompute, type RunningService } from '@baton/cloud';
import { createSilentLogger } from '@baton/logging';
import { CommandError } from '../load-config.ts';
import { findUpCloud, startOwnCloud, type DemoCloud, type DemoUser, type Json } from './demo-cloud.ts';
import { parseTokenLifetime } from './up.ts';

interface DemoOptions {
  dataDir?: string;
  format: 'text' | 'json';
  tokenLifetime: number;
}

type JobKind = 'live-migration' | 'snapshot';

interface JobReport {
  readonly job: JobKind;
  readonly serviceTokens: boolean;
  readonly outcome: 'succeeded' | 'failed';
  readonly expected: boolean;
  readonly fault: string | null;
  readonly timeline: readonly Json[];
}

/** The jobs in report order: with service tokens, then without. */
const JOBS: readonly { job: JobKind; serviceTokens: boolean }[] = [
  { job: 'live-migration', serviceTokens: true },
  { job: 'snapshot', serviceTokens: true },
  { job: 'snapshot', serviceTokens: false },
  { job: 'live-migration', serviceTokens: false },
];

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
async function runJob(user: DemoUser, compute: string, serverId: string, spec: (typeof JOBS)[number], snapshotName: string, bar: cliProgress.SingleBar | null): Promise<JobReport> {
  const { job, serviceTokens } = spec;
  const body = job === 'live-migration' ? { 'os-migrateLive': { host: 'node2', block_migration: 'auto' } } : { createImage: { name: snapshotName } };
  await user.call('POST', `${compute}/servers/${serverId}/action`, body, COMPUTE_VERSION);
  const server = await waitFor(`the ${job} job finishing`, async () => {
    const shown = (await user.call('GET', `${compute}/servers/${serverId}`)).body.server as Json;
    bar?.update(Number(shown.progress ?? 0));
    return shown['OS-EXT-STS:task_state'] === null ? shown : undefined;
  });
  const actions = (await user.call('GET', `${compute}/servers/${serverId}/os-instance-actions`)).body.instanceActions as Json[];
  const requestId = actions.find((a) => a.action === (job === 'snapshot' ? 'createImage' : job))?.request_id as string;
  // task_state clears before a failed job's clean-up calls end and its fault is recorded:
  // the action is final once every event of it has finished.
  const action = await waitFor(`the ${job} job's record`, async () => {
    const shown = (await user.call('GET', `${compute}/servers/${serverId}/os-instance-actions/${requestId}`)).body.instanceAction as Json;
    return (shown.events as Json[]).every((e) => e.finish_time !== null) ? shown : undefined;
  });
  const failedEvent = (action.events as Json[]).find((e) => e.result === 'Error');
  const outcome = action.message === 'Error' || server.status === 'ERROR' ? 'failed' : 'succeeded';
  if (outcome === 'succeeded') bar?.update(100);
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

/** Deletes what the demo made on a cloud it does not own: servers first (their ports go with them), then images and the network. */
async function cleanUp(user: DemoUser, cloud: DemoCloud, made: { servers: { compute: string; id: string }[]; images: string[]; network: string | null }): Promise<void> {
  await Promise.all(
    made.servers.map(async ({ compute, id }) => {
      await user.call('DELETE', `${compute}/servers/${id}`);
      await waitFor(`server ${id} being deleted`, async () => {
        const response = await fetch(`${compute}/servers/${id}`, { headers: { 'x-auth-token': await user.token(false) } });
        return response.status === 404 ? true : undefined;
      });
    }),
  );
  for (const name of made.images) {
    const found = (await user.call('GET', `${cloud.urls.image}/v2/images?name=${encodeURIComponent(name)}`)).body.images as Json[];
    for (const image of found) await user.call('DELETE', `${cloud.urls.image}/v2/images/${image.id}`);
  }
  if (made.network !== null) await user.call('DELETE', `${cloud.urls.network}/v2.0/networks/${made.network}`);
}

/** Runs the four jobs on `cloud`; `bare` is its extra compute service without service tokens. */
async function runJobs(cloud: DemoCloud, bareCompute: string, prefix: string, text: boolean, made: Parameters<typeof cleanUp>[2]): Promise<JobReport[]> {
  const { user } = cloud;
  made.network = (await user.call('POST', `${cloud.urls.network}/v2.0/networks`, { network: { name: `${prefix}-net` } })).body.network.id as string;
  await user.call('POST', `${cloud.urls.network}/v2.0/subnets`, { subnet: { network_id: made.network, cidr: '10.0.0.0/24', ip_version: 4 } });
  made.images.push(`${prefix}-image`);
  const image = (await user.call('POST', `${cloud.urls.image}/v2/images`, { name: `${prefix}-image`, disk_format: 'raw', container_format: 'bare' })).body.id as string;
  await user.call('PUT', `${cloud.urls.image}/v2/images/${image}/file`, 'baton demo disk image');
  const seed = { network: made.network, image };
  // The new compute service authenticates its own user on its first request: done here, not while booting.
  await user.call('GET', `${bareCompute}/flavors`);

  const label = (spec: (typeof JOBS)[number]) => `${spec.job} ${spec.serviceTokens ? 'with' : 'without'}`;
  // One boot at a time, those without service tokens first: on a busy machine, requests that
  // carry only the user's token must not queue behind others until it expires.
  const servers: { compute: string; id: string }[] = [];
  for (const i of [2, 3, 0, 1]) {
    const spec = JOBS[i] as (typeof JOBS)[number];
    const compute = spec.serviceTokens ? cloud.urls.compute : bareCompute;
    const id = await bootServer(user, compute, seed, `${prefix}-${label(spec).replace(' ', '-')}`);
    made.servers.push({ compute, id });
    servers[i] = { compute, id };
  }
  const bars = text ? new cliProgress.MultiBar({ format: '  {job} [{bar}] {percentage}%', hideCursor: false, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic) : null;
  try {
    return await Promise.all(
      JOBS.map((spec, i) => {
        const snapshotName = `${prefix}-snapshot-${spec.serviceTokens ? 'with' : 'without'}`;
        if (spec.job === 'snapshot') made.images.push(snapshotName);
        const bar = bars?.create(100, 0, { job: `${label(spec)} service tokens`.padEnd(36) }) ?? null;
        const server = servers[i] as { compute: string; id: string };
        return runJob(user, server.compute, server.id, spec, snapshotName, bar);
      }),
    );
  } finally {
    bars?.stop();
  }
}

async function runDemo(options: DemoOptions): Promise<boolean> {
  const text = options.format === 'text';
  const say = (line: string): void => {
    if (text) process.stdout.write(`${line}\n`);
  };
  const debug = process.env.BATON_DEMO_DEBUG !== undefined;
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const up = dataDir === undefined ? undefined : await findUpCloud(dataDir, options.dataDir as string);
  const scratch = mkdtempSync(join(tmpdir(), 'baton-demo-'));
  const reports: JobReport[] = [];
  let cleanedUp = true;
  try {
    let cloud: DemoCloud;
    if (up !== undefined) {
      cloud = up;
      say(`Using the baton up cloud in ${dataDir} (user tokens live ${cloud.tokenLifetime} s); what the demo makes there is deleted afterwards.`);
    } else {
      const own = dataDir ?? join(scratch, 'cloud');
      say(`Starting identity, compute, block-storage, image and network in ${own} (user tokens live ${options.tokenLifetime} s)…`);
      cloud = await startOwnCloud(own, options.tokenLifetime, debug);
    }
    let bare: RunningService | undefined;
    const made: Parameters<typeof cleanUp>[2] = { servers: [], images: [], network: null };
    try {
      // A second compute service on the same nova.conf, its own database, and no service token.
      bare = await startCompute({
        files: [cloud.novaConf],
        port: 0,
        env: {
          ...process.env,
          OS_SERVICE_USER__SEND_SERVICE_USER_TOKEN: 'false',
          OS_DATABASE__CONNECTION: `sqlite:///${join(scratch, 'nova-without-service-token.db')}`,
          OS_COMPUTE__WORKER_NAME: 'demo-without-service-token',
        },
        log: (line) => (debug ? process.stderr.write(`[compute without service token] ${line}\n`) : undefined),
        ...(debug ? {} : { logger: createSilentLogger() }),
      });
      say('\nThe same live migration and snapshot, each on its own server, on compute services that send their service token ([service_user] send_service_user_token = true) and that do not (false):');
      reports.push(...(await runJobs(cloud, `${bare.url}/v2.1`, `baton-demo-${randomBytes(3).toString('hex')}`, text, made)));
    } finally {
      // A failed clean-up is reported, and never hides why the demo stopped.
      if (cloud.kind === 'up') {
        await cleanUp(cloud.user, cloud, made).catch((error: unknown) => {
          cleanedUp = false;
          process.stderr.write(`baton demo: could not delete everything it made in the cloud: ${(error as Error).message}\n`);
        });
      }
      await bare?.close();
      await cloud.stop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const ok = cleanedUp && reports.every((r) => r.expected);
  if (text) {
    for (const report of reports) printTimeline(report);
    say(ok ? '\nEverything behaved as described: with service tokens the jobs outlived the user token; without, they failed and said why.' : '\nSomething did not behave as described (see above).');
  } else {
    process.stdout.write(`${JSON.stringify({ ok, tokenLifetimeSeconds: up?.tokenLifetime ?? options.tokenLifetime, jobs: reports }, null, 2)}\n`);
  }
  return ok;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run a live migration and a snapshot that outlive the user token, with and without service tokens, on a running `baton up --token-lifetime N` cloud or on its own')
    .option('--data-dir <dir>', 'the data directory of a running `baton up --token-lifetime N` cloud to use (left running, what the demo makes deleted); a directory without one keeps the demo\'s own cloud instead of a temporary directory removed afterwards')
    .option('--format <format>', 'text (progress bars and timelines) or json', 'text')
    .option('--token-lifetime <seconds>', 'user token lifetime ([token] expiration) of the demo\'s own cloud; a baton up cloud keeps its own', parseTokenLifetime, 15)
    .action(async (options: DemoOptions) => {
      if (options.format !== 'text' && options.format !== 'json') throw new CommandError('baton demo: --format must be text or json', 2);
      const ok = await runDemo(options);
      process.exit(ok ? 0 : 1);
    });
}
