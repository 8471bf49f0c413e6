import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { Options } from 'autocannon';

export type Load = { connections: number; warmupSeconds: number; seconds: number; maxRequests: number };

export type RequestSpec = {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Header sets added to `headers` in turn, one per request (e.g. distinct tokens, so no two requests in flight share one). */
  rotateHeaders?: readonly Record<string, string>[];
};

export type Measurement = {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** response count per HTTP status, plus "error" for socket errors and "timeout" */
  statuses: Record<string, number>;
  /**
   * CPU the servers spent per request, in ms: the machine's busy time over the run less
   * this process's own (autocannon runs here). req/s is capped by the load generator
   * sharing the two cores; this figure is not, and is the one the reference baseline
   * also trusts on this machine.
   */
  serverCpuMs: number;
};

/** Busy CPU time of the whole machine so far, in ms (/proc/stat, USER_HZ = 100). */
function machineBusyMs(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) * 10;
}

/** This process's CPU time so far, in ms. */
function ownMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

async function drive(spec: RequestSpec, load: Load, seconds: number): Promise<Measurement> {
  const opts: Options = {
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    connections: load.connections,
    duration: seconds,
    maxOverallRequests: load.maxRequests,
    timeout: 30,
  };
  if (spec.body !== undefined) opts.body = spec.body;
  const sets = spec.rotateHeaders ?? [];
  if (sets.length > 0) {
    let next = 0;
    opts.requests = [{ setupRequest: (request) => ({ ...request, headers: { ...spec.headers, ...sets[next++ % sets.length] } }) }];
  }
  const busyBefore = machineBusyMs();
  const ownBefore = ownMs();
  const instance = autocannon(opts);
  // Our own sub-millisecond latencies: autocannon's histogram rounds to whole ms,
  // too coarse for a fast server.
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const result = await instance;
  const serverMs = machineBusyMs() - busyBefore - (ownMs() - ownBefore);
  if (result.errors > 0) statuses.error = result.errors;
  if (result.timeouts > 0) statuses.timeout = result.timeouts;
  latencies.sort((a, b) => a - b);
  const elapsed = result.duration;
  return {
    requests: latencies.length,
    seconds: elapsed,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
    serverCpuMs: latencies.length === 0 ? Number.NaN : Math.max(0, serverMs) / latencies.length,
  };
}

/** Called around the measured run only (not the warm-up), e.g. to read a counter. */
export type MeasureHooks = { beforeMeasured?(): Promise<void>; afterMeasured?(): Promise<void> };

/** A warm-up run (discarded), then the measured run; both bounded by time and by request count. */
export async function measure(spec: RequestSpec, load: Load, hooks: MeasureHooks = {}): Promise<Measurement> {
  await drive(spec, load, load.warmupSeconds);
  await hooks.beforeMeasured?.();
  const measured = await drive(spec, load, load.seconds);
  await hooks.afterMeasured?.();
  return measured;
}
