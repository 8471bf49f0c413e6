import type { Measurement } from './measure.ts';

export type Row = { scenario: string; expect: number; results: Partial<Record<'baton' | 'keystone', Measurement>> };

const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function statusText(m: Measurement, expect: number): string {
  const parts = Object.entries(m.statuses).map(([status, n]) => `${status}x${n}`);
  const clean = Object.keys(m.statuses).every((s) => s === String(expect));
  return clean ? parts.join(' ') : `${parts.join(' ')} (!)`;
}

/** ratio = Baton / Keystone: above 1 means Baton is higher (better for req/s, worse for latency). */
function ratio(baton: number | undefined, keystone: number | undefined): string {
  if (baton === undefined || keystone === undefined || keystone === 0) return '-';
  return `${(baton / keystone).toFixed(2)}x`;
}

/** A Markdown table: one line per scenario and target, then the Baton/Keystone ratios. */
export function formatTable(rows: readonly Row[]): string {
  const lines = [
    '| scenario | target | req/s | p50 ms | p99 ms | server CPU ms/req | requests | statuses |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    for (const name of ['baton', 'keystone'] as const) {
      const m = row.results[name];
      if (m === undefined) continue;
      lines.push(
        `| ${row.scenario} | ${name} | ${fixed(m.rps, 1)} | ${fixed(m.p50, 2)} | ${fixed(m.p99, 2)} | ${fixed(m.serverCpuMs, 3)} | ${m.requests} | ${statusText(m, row.expect)} |`,
      );
    }
    const { baton, keystone } = row.results;
    if (baton !== undefined && keystone !== undefined) {
      // The CPU column is inverted (Keystone / Baton): how many more requests per CPU-second.
      lines.push(
        `| ${row.scenario} | **Baton/Keystone** | **${ratio(baton.rps, keystone.rps)}** | ${ratio(baton.p50, keystone.p50)} | ${ratio(baton.p99, keystone.p99)} | **${ratio(keystone.serverCpuMs, baton.serverCpuMs)}** per CPU | | |`,
      );
    }
  }
  return lines.join('\n');
}
