// Durations as operators write them: `90s`, `30m`, `12h`, `2d`, `1w`, or plain seconds.

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(\d{1,9})([smhdw]?)$/;

/** Seconds, or throws a TypeError whose message says what is accepted. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (match === null) {
    throw new TypeError(`invalid duration ${JSON.stringify(text)}: expected a whole number with s, m, h, d or w (e.g. 90s, 30m, 12h, 2d, 1w)`);
  }
  return Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] as number);
}

/** The largest unit that divides evenly, so a fix reads `49h`, not `176400s`. */
export function formatDuration(seconds: number): string {
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const size = UNIT_SECONDS[unit] as number;
    if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
