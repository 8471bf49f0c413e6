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
};

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
