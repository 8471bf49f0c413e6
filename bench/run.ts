// `npm run bench [-- issue validate auth-token mw-valid-warm cloud …] [--workers 2] [--duration 12] ...`:
// Baton and the real Keystone (and keystonemiddleware) measured in the same run, same worker
// count, all on 127.0.0.1; then Baton's cloud running jobs (`cloud`).
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { AUTH_TOKEN_SCENARIOS, AUTH_TOKEN_SUITE, runAuthTokenBench } from './auth-token.ts';
import { CLOUD_SUITE, runCloudBench } from './cloud.ts';
import { measure, requireWrk } from './measure.ts';
import type { Load } from './measure.ts';
import { SCENARIOS } from './scenarios.ts';
import { formatTable } from './table.ts';
import type { Row } from './table.ts';
import { keystoneInstalled, startBenchTarget } from './targets.ts';
import type { BenchTarget, BenchTargetName } from './targets.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: '2' },
    connections: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '5' },
    duration: { type: 'string', default: '12' },
    servers: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '12' },
    transfer: { type: 'string', default: '1' },
  },
});

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new TypeError(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

const workers = positiveInt('workers', values.workers);
const load: Load = {
  connections: positiveInt('connections', values.connections),
  warmupSeconds: positiveInt('warmup', values.warmup),
  seconds: positiveInt('duration', values.duration),
};
const cloud = {
  servers: positiveInt('servers', values.servers),
  rounds: Math.max(2, positiveInt('rounds', values.rounds)),
  transferSeconds: positiveInt('transfer', values.transfer),
  maxSeconds: 60,
};
const mwNames = AUTH_TOKEN_SCENARIOS.map((s) => s.name);
const known = [...SCENARIOS.map((s) => s.name), AUTH_TOKEN_SUITE, ...mwNames, CLOUD_SUITE];
const unknown = positionals.filter((p) => !known.includes(p));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${known.join(', ')}`);
  process.exit(2);
}
const scenarios = positionals.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => positionals.includes(s.name));
// `auth-token` (or no argument) means every middleware scenario.
const mwScenarios = positionals.length === 0 || positionals.includes(AUTH_TOKEN_SUITE) ? mwNames : mwNames.filter((n) => positionals.includes(n));
const runCloud = positionals.length === 0 || positionals.includes(CLOUD_SUITE);

// Only the identity and middleware scenarios are driven by wrk; the cloud suite drives jobs itself.
if (scenarios.length > 0 || mwScenarios.length > 0) {
  try {
    requireWrk();
  } catch (error) {
    console.error(`# ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
const wanted: BenchTargetName[] = scenarios.length === 0 ? [] : ['baton'];
if (scenarios.length > 0 && keystoneInstalled()) wanted.push('keystone');
else if (scenarios.length > 0) console.log('# python3-keystone / uwsgi not installed: measuring Baton only, no ratios');

console.log(`# ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (scenarios.length > 0 || mwScenarios.length > 0) {
  console.log(`# per scenario and target: ${load.warmupSeconds} s warm-up, then ${load.seconds} s measured, wrk -t1 -c${load.connections}`);
}

const targets: BenchTarget[] = [];
const failures: string[] = [];
try {
  for (const name of wanted) {
    try {
      const target = await startBenchTarget(name, workers, load.connections);
      targets.push(target);
      console.log(`# ${name}: ${target.setup} at ${target.url}`);
    } catch (error) {
      failures.push(name);
      console.error(`# ${name}: could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const rows: Row[] = [];
  for (const scenario of targets.length === 0 ? [] : scenarios) {
    const row: Row = { scenario: scenario.name, expect: scenario.expect, results: {} };
    for (const target of targets) {
      console.log(`# ${scenario.name} (${scenario.title}) on ${target.name} ...`);
      row.results[target.name] = await measure(scenario.request(target), load);
    }
    rows.push(row);
  }
  if (rows.length > 0) {
    console.log('');
    console.log(formatTable(rows));
    console.log('');
  }
} finally {
  await Promise.all(targets.map((t) => t.stop()));
}
// After the identity targets are stopped: the middleware suite starts its own identities.
if (mwScenarios.length > 0) {
  console.log(`# auth-token middleware: ${mwScenarios.join(', ')}`);
  if (!(await runAuthTokenBench({ workers, load, scenarios: mwScenarios }))) failures.push('auth-token pair');
}
if (runCloud && !(await runCloudBench(cloud))) failures.push(CLOUD_SUITE);
console.log(`# load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (failures.length > 0) {
  console.error(`# not measured: ${failures.join(', ')}`);
  process.exitCode = 1;
}
