// `npm run bench -- auth-token`: the auth_token middleware, Baton's against keystonemiddleware,
// each in front of a trivial echo app with its own identity service behind it, in one run.
// Every scenario runs under --connections (queueing included), and the warm ones again with one
// connection, where the added latency is the middleware's own per-request cost.
import { setTimeout as sleep } from 'node:timers/promises';
import { startPair, type EchoUrls, type Pair, type PairName } from './auth-token-pairs.ts';
import { formatChecks, formatMwTable, targetChecks, type MwRow } from './auth-token-table.ts';
import { measure, type Load, type RequestSpec } from './measure.ts';
import { keystoneInstalled } from './targets.ts';

export type MwScenario = {
  name: string;
  title: string;
  /** Runs again with one connection (the warm ones: there the target is per-request cost). */
  single: boolean;
  expired: boolean;
  /** The request, to the echo services at `urls` (the direct ones or their counted twins). */
  request(urls: EchoUrls, pair: Pair, serviceTokens: readonly string[]): RequestSpec;
};

const get = (url: string, headers: Record<string, string> = {}): RequestSpec => ({ url, method: 'GET', headers: { accept: 'application/json', ...headers } });

/** One header set per token (pairs index-wise with the service tokens, when given). */
function rotate(users: readonly string[], services?: readonly string[]): Record<string, string>[] {
  return users.map((user, i): Record<string, string> =>
    services === undefined ? { 'x-auth-token': user } : { 'x-auth-token': user, 'x-service-token': services[i % services.length]! });
}

export const AUTH_TOKEN_SCENARIOS: readonly MwScenario[] = [
  { name: 'mw-bare', title: 'echo app without the middleware', single: true, expired: false, request: (u) => get(`${u.cachedUrl}/noauth/v1/servers`) },
  {
    name: 'mw-valid-warm',
    title: 'valid user token, warm token cache',
    single: true,
    expired: false,
    request: (u, p) => get(`${u.cachedUrl}/v1/servers`, { 'x-auth-token': p.userTokens[0]! }),
  },
  {
    name: 'mw-expired-service-warm',
    title: "expired user token + nova's X-Service-Token, warm token cache",
    single: true,
    expired: true,
    request: (u, p, services) => get(`${u.cachedUrl}/v1/servers`, { 'x-auth-token': p.expiredUserTokens[0]!, 'x-service-token': services[0]! }),
  },
  {
    name: 'mw-valid-nocache',
    title: 'valid user tokens in turn, token_cache_time = -1',
    single: false,
    expired: false,
    request: (u, p) => ({ ...get(`${u.nocacheUrl}/v1/servers`), rotateHeaders: rotate(p.userTokens) }),
  },
  {
    name: 'mw-expired-service-nocache',
    title: "expired user tokens + nova's X-Service-Tokens in turn, token_cache_time = -1",
    single: false,
    expired: true,
    request: (u, p, services) => ({ ...get(`${u.nocacheUrl}/v1/servers`), rotateHeaders: rotate(p.expiredUserTokens, services) }),
  },
];

export const AUTH_TOKEN_SUITE = 'auth-token';
/** The run on the counted twin: a warm-up (its own cache), then the counted requests. */
const COUNTED_LOAD = { warmupSeconds: 1, seconds: 3 } as const;

/** The expired scenarios need the 10 s token past its expiry, and refused without a service token. */
async function checkExpired(pair: Pair): Promise<void> {
  const wait = pair.expiredAfter + 1000 - Date.now();
  if (wait > 0) {
    console.log(`# waiting ${(wait / 1000).toFixed(1)} s for ${pair.name}'s short-lived demo token to expire`);
    await sleep(wait);
  }
  const response = await fetch(`${pair.direct.cachedUrl}/v1/servers`, { headers: { 'x-auth-token': pair.expiredUserTokens[0]! } });
  await response.arrayBuffer();
  if (response.status !== 401) throw new Error(`${pair.name}: an expired demo token alone answered ${response.status}, not 401`);
}

export type AuthTokenBenchOptions = { workers: number; load: Load; scenarios: readonly string[] };

/** Runs the suite; prints progress and the table. Resolves false when a system could not be started. */
export async function runAuthTokenBench(options: AuthTokenBenchOptions): Promise<boolean> {
  const { workers, load } = options;
  const scenarios = AUTH_TOKEN_SCENARIOS.filter((s) => options.scenarios.includes(s.name));
  const names: PairName[] = ['baton'];
  if (keystoneInstalled()) names.push('python');
  else console.log('# python3-keystone / uwsgi not installed: measuring Baton only, no ratios');

  const pairs: Pair[] = [];
  let complete = true;
  try {
    for (const name of names) {
      try {
        const pair = await startPair(name, workers, load.connections);
        pairs.push(pair);
        console.log(`# ${name}: ${pair.setup}`);
      } catch (error) {
        complete = false;
        console.error(`# ${name}: could not start: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const checked = new Set<Pair>();
    const rows: MwRow[] = [];
    const runs = [load.connections, ...(load.connections > 1 ? [1] : [])];
    for (const connections of runs) {
      for (const scenario of scenarios.filter((s) => connections === load.connections || s.single)) {
        const row: MwRow = { scenario: scenario.name, connections, results: {} };
        for (const pair of pairs) {
          if (scenario.expired && !checked.has(pair)) {
            await checkExpired(pair);
            checked.add(pair);
          }
          // Issued now, so they are valid for the whole run whatever the wait before.
          const services = scenario.expired ? await pair.serviceTokens() : [];
          console.log(`# ${scenario.name} (${scenario.title}), ${connections} connection(s), on ${pair.name} ...`);
          const m = await measure(scenario.request(pair.direct, pair, services), { ...load, connections });
          let before = 0;
          let after = 0;
          const counted = await measure(scenario.request(pair.counted, pair, services), { ...COUNTED_LOAD, connections }, {
            beforeMeasured: async () => void (before = await pair.identityCalls()),
            afterMeasured: async () => void (after = await pair.identityCalls()),
          });
          // A count over failed requests would say nothing: then no figure ('-').
          const countable = counted.requests > 0 && Object.keys(counted.statuses).every((status) => status === '200');
          if (!countable) console.log(`# ${pair.name}: the counted run answered ${JSON.stringify(counted.statuses)}; no identity-call figure`);
          row.results[pair.name] = { ...m, identityCallsPer1000: countable ? ((after - before) * 1000) / counted.requests : Number.NaN };
        }
        rows.push(row);
      }
    }
    console.log('');
    console.log(formatMwTable(rows));
    console.log('');
    console.log(formatChecks(targetChecks(rows)));
  } finally {
    for (const pair of pairs) await pair.stop();
  }
  return complete;
}
