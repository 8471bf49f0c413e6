import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Load = { connections: number; warmupSeconds: number; seconds: number };

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
  /** ms: raw with one connection, wrk's (corrected for coordinated omission) with more; see README. */
  p50: number;
  p99: number;
  /** response count per HTTP status, plus "error" for socket errors and "timeout" */
  statuses: Record<string, number>;
  /**
   * CPU the servers spent per request, in ms: the machine's busy time over the run less
   * wrk's and this process's own. req/s is capped by the load generator sharing the two
   * cores; this figure is not, and is the one the reference baseline also trusts here.
   */
  serverCpuMs: number;
};

const LUA_SCRIPT = join(import.meta.dirname, 'measure.lua');
const WRK_MISSING = 'wrk is not installed: `apt-get install wrk` (or `bash .ci/run`, which installs it)';
/** Linux's USER_HZ: /proc/stat and /proc/<pid>/stat count CPU time in 10 ms ticks. */
const TICK_MS = 10;

/** Fails fast, before any service is started, when the load generator is missing. */
export function requireWrk(): void {
  const probe = spawnSync('wrk', ['-v'], { stdio: 'ignore' });
  if ((probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(WRK_MISSING);
}

/** Busy CPU time of the whole machine so far, in ms (/proc/stat). */
function machineBusyMs(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

/** This process's CPU time so far, in ms. */
function ownMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A Lua string literal of any text: every byte outside printable ASCII, `"` and `\` as a \ddd escape. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function luaTable(headers: Readonly<Record<string, string>>): string {
  return `{ ${Object.entries(headers).map(([name, value]) => `[${luaString(name)}] = ${luaString(value)}`).join(', ')} }`;
}

/** The request as the Lua chunk measure.lua loads (see there). */
function requestChunk(spec: RequestSpec, connections: number): string {
  // Host spelled out: wrk adds it only to the request it formats itself, not to rotated ones.
  const headers = { Host: new URL(spec.url).host, ...spec.headers };
  const fields = [`method = ${luaString(spec.method)}`, `headers = ${luaTable(headers)}`];
  if (spec.body !== undefined) fields.push(`body = ${luaString(spec.body)}`);
  // One connection: measure.lua times each request itself (raw, see there).
  if (connections === 1) fields.push('raw = true');
  const sets = spec.rotateHeaders ?? [];
  if (sets.length > 0) fields.push(`rotate = {\n  ${sets.map(luaTable).join(',\n  ')}\n}`);
  return `return {\n${fields.map((f) => `  ${f},`).join('\n')}\n}\n`;
}

/** The BENCH_JSON line measure.lua prints in done(). */
type WrkReport = {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  errors: { connect: number; read: number; write: number; timeout: number };
  statuses: Record<string, number>;
  cpuTicks: number;
};

function parseReport(stdout: string): WrkReport | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  return line === undefined ? undefined : (JSON.parse(line.slice('BENCH_JSON '.length)) as WrkReport);
}

/** One wrk run: one thread, `connections` keep-alive connections, for `seconds`. */
function runWrk(spec: RequestSpec, requestFile: string, connections: number, seconds: number): Promise<WrkReport> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '30s', '-s', LUA_SCRIPT, spec.url];
  return new Promise((resolve, reject) => {
    const wrk = spawn('wrk', args, { env: { ...process.env, BATON_BENCH_REQUEST: requestFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    wrk.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
    wrk.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    wrk.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(WRK_MISSING) : error));
    wrk.on('close', (code) => {
      const report = parseReport(stdout);
      if (code === 0 && report !== undefined) resolve(report);
      else reject(new Error(`wrk ${args.join(' ')} exited ${code} without a BENCH_JSON line: ${(stderr || stdout).trim()}`));
    });
  });
}

async function drive(spec: RequestSpec, requestFile: string, connections: number, seconds: number): Promise<Measurement> {
  const busyBefore = machineBusyMs();
  const ownBefore = ownMs();
  const report = await runWrk(spec, requestFile, connections, seconds);
  // wrk reports its own CPU (read from /proc/self/stat at the end of done()); this process
  // only waits for it, but whatever it spends is not the servers' either.
  const serverMs = machineBusyMs() - busyBefore - (ownMs() - ownBefore) - report.cpuTicks * TICK_MS;
  const statuses: Record<string, number> = { ...report.statuses };
  const { connect, read, write, timeout } = report.errors;
  if (connect + read + write > 0) statuses.error = connect + read + write;
  if (timeout > 0) statuses.timeout = timeout;
  const elapsed = report.durationUs / 1e6;
  const answered = report.requests > 0;
  return {
    requests: report.requests,
    seconds: elapsed,
    rps: report.requests / elapsed,
    p50: answered ? report.p50Us / 1000 : Number.NaN,
    p99: answered ? report.p99Us / 1000 : Number.NaN,
    statuses,
    serverCpuMs: answered ? Math.max(0, serverMs) / report.requests : Number.NaN,
  };
}

/** Called around the measured run only (not the warm-up), e.g. to read a counter. */
export type MeasureHooks = { beforeMeasured?(): Promise<void>; afterMeasured?(): Promise<void> };

/** A warm-up run (discarded), then the measured run, each a wrk run bounded by time. */
export async function measure(spec: RequestSpec, load: Load, hooks: MeasureHooks = {}): Promise<Measurement> {
  // The request (tokens included) goes to wrk's Lua through a private file.
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  try {
    const requestFile = join(dir, 'request.lua');
    writeFileSync(requestFile, requestChunk(spec, load.connections), { mode: 0o600 });
    await drive(spec, requestFile, load.connections, load.warmupSeconds);
    await hooks.beforeMeasured?.();
    const measured = await drive(spec, requestFile, load.connections, load.seconds);
    await hooks.afterMeasured?.();
    return measured;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
