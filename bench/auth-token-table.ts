// The auth-token benchmark's table: each scenario on both systems, the latency it adds over the
// bare echo app of the same system and load, identity calls per 1,000 requests, and the ratios.
import type { Measurement } from './measure.ts';
import type { PairName } from './auth-token-pairs.ts';

/** identityCallsPer1000 comes from the same scenario run on the counted twin (auth-token-pairs.ts). */
export type MwResult = Measurement & { identityCallsPer1000: number };

export type MwRow = { scenario: string; connections: number; results: Partial<Record<PairName, MwResult>> };

const fixed = (n: number | undefined, digits: number): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '-');
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '-' : `${(a / b).toFixed(2)}x`;

function statusText(m: Measurement): string {
  const parts = Object.entries(m.statuses).map(([status, n]) => `${status}x${n}`);
  return Object.keys(m.statuses).every((s) => s === '200') ? parts.join(' ') : `${parts.join(' ')} (!)`;
}

/** Scenario minus the bare echo app, same system and connection count; undefined without a bare run. */
export function added(rows: readonly MwRow[], row: MwRow, name: PairName): { p50: number; p99: number } | undefined {
  const bare = rows.find((r) => r.scenario === 'mw-bare' && r.connections === row.connections)?.results[name];
  const m = row.results[name];
  if (bare === undefined || m === undefined || row.scenario === 'mw-bare') return undefined;
  return { p50: m.p50 - bare.p50, p99: m.p99 - bare.p99 };
}

export function formatMwTable(rows: readonly MwRow[]): string {
  const lines = [
    '| scenario | conns | target | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | server CPU ms/req | identity calls / 1000 req | requests | statuses |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    for (const name of ['baton', 'python'] as const) {
      const m = row.results[name];
      if (m === undefined) continue;
      const plus = added(rows, row, name);
      lines.push(
        `| ${row.scenario} | ${row.connections} | ${name} | ${fixed(m.rps, 1)} | ${fixed(m.p50, 2)} | ${fixed(m.p99, 2)} | ` +
          `${fixed(plus?.p50, 2)} | ${fixed(plus?.p99, 2)} | ${fixed(m.serverCpuMs, 3)} | ${fixed(m.identityCallsPer1000, 1)} | ${m.requests} | ${statusText(m)} |`,
      );
    }
    const { baton, python } = row.results;
    if (baton !== undefined && python !== undefined) {
      const b = added(rows, row, 'baton');
      const p = added(rows, row, 'python');
      lines.push(
        `| ${row.scenario} | ${row.connections} | **Baton/Python** | **${ratio(baton.rps, python.rps)}** | ${ratio(baton.p50, python.p50)} | ` +
          `${ratio(baton.p99, python.p99)} | ${ratio(b?.p50, p?.p50)} | ${ratio(b?.p99, p?.p99)} | **${ratio(python.serverCpuMs, baton.serverCpuMs)}** per CPU | | | |`,
      );
    }
  }
  return lines.join('\n');
}

type Check = { text: string; ok: boolean | undefined };


/** The targets, each with the figure that decides it (undefined: not measured in this run). */
export function targetChecks(rows: readonly MwRow[]): Check[] {
  const find = (scenario: string, connections: number) => rows.find((r) => r.scenario === scenario && r.connections === connections);
  const checks: Check[] = [];
  const connectionCounts = [...new Set(rows.map((r) => r.connections))].sort((a, b) => b - a);
  const rpsRatio = (scenario: string, connections: number, min: number): void => {
    const row = find(scenario, connections);
    const b = row?.results.baton?.rps;
    const p = row?.results.python?.rps;
    const r = b !== undefined && p !== undefined ? b / p : undefined;
    checks.push({ text: `${scenario}, ${connections} conns: req/s Baton/Python ${fixed(r, 1)}x (target >= ${min}x)`, ok: r === undefined ? undefined : r >= min });
  };
  // Requests per server CPU-second: what req/s would be if the load generator did not share the cores.
  const cpuRatio = (scenario: string, connections: number, min: number): void => {
    const row = find(scenario, connections);
    const b = row?.results.baton?.serverCpuMs;
    const p = row?.results.python?.serverCpuMs;
    const r = b !== undefined && p !== undefined && b > 0 ? p / b : undefined;
    checks.push({ text: `${scenario}, ${connections} conns: requests per server CPU-second Baton/Python ${fixed(r, 1)}x (target >= ${min}x)`, ok: r === undefined ? undefined : r >= min });
  };
  for (const c of connectionCounts.slice(0, 1)) {
    for (const [scenario, min] of [['mw-valid-warm', 10], ['mw-expired-service-warm', 10], ['mw-valid-nocache', 30], ['mw-expired-service-nocache', 30]] as const) {
      rpsRatio(scenario, c, min);
      cpuRatio(scenario, c, min);
    }
  }
  for (const c of connectionCounts) {
    for (const scenario of ['mw-valid-warm', 'mw-expired-service-warm']) {
      const row = find(scenario, c);
      const plus = row === undefined ? undefined : added(rows, row, 'baton');
      checks.push({ text: `${scenario}, ${c} conns: Baton added p99 ${fixed(plus?.p99, 3)} ms (target < 1 ms)`, ok: plus === undefined ? undefined : plus.p99 < 1 });
    }
  }
  return checks.filter((c) => c.ok !== undefined);
}

export function formatChecks(checks: readonly Check[]): string {
  return checks.map((c) => `- ${c.ok === true ? 'MET' : 'NOT MET'}: ${c.text}`).join('\n');
}
