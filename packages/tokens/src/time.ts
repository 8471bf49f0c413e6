// Time values in tokens: `expires_at` is a float of epoch seconds in the payload, and the API
// shows times as Keystone's isotime(subsecond=True) does.

// Python's datetime range: years 1..9999; we take the non-negative part of it.
const MAX_SECONDS = 253402300800;

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ` as Keystone renders token times. Keystone first rounds the
 * float to microseconds (datetime.utcfromtimestamp, half-even) and then drops them, so the
 * six digits are always 000000 and x.9999996 shows as the next second.
 */
export function formatKeystoneTime(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds) || epochSeconds < 0 || epochSeconds >= MAX_SECONDS) {
    throw new TypeError(`time ${epochSeconds} is outside 1970-01-01 .. 9999-12-31`);
  }
  let seconds = Math.trunc(epochSeconds);
  if (roundHalfEven((epochSeconds - seconds) * 1e6) >= 1e6) seconds += 1;
  if (seconds >= MAX_SECONDS) throw new TypeError(`time ${epochSeconds} is outside 1970-01-01 .. 9999-12-31`);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '.000000Z');
}

/**
 * Whether a token expiring at `expiresAt` is still acceptable at `now` with a grace window
 * (Keystone's allow_expired check, spec G.1): valid iff now < expiresAt + window, strictly.
 * Use a window of 0 for the plain expiry check.
 */
export function isWithinWindow(expiresAt: number, now: number, windowSeconds: number): boolean {
  if (!Number.isFinite(expiresAt) || !Number.isFinite(now)) throw new TypeError('times must be finite numbers');
  if (!Number.isFinite(windowSeconds) || windowSeconds < 0) throw new TypeError('windowSeconds must be >= 0');
  return now < expiresAt + windowSeconds;
}
