// Applies an allow decision's headers to a node request (node:http, connect, and Fastify's
// request.raw): spoofable names out of req.headers and req.rawHeaders, then the verdict in,
// so no view of the request keeps a spoofed value. Runs on every request, hence the shortcuts.
import type { IncomingMessage } from 'node:http';
import { SPOOFABLE_HEADERS, type HeaderMap } from './headers.ts';

const SPOOFABLE = new Set(SPOOFABLE_HEADERS);

type Entry = readonly [name: string, lowerCased: string, value: string];
// The core hands out one frozen map per verdict, so each is turned into a list once.
const entriesOf = new WeakMap<Readonly<HeaderMap>, readonly Entry[]>();

function entries(set: Readonly<HeaderMap>): readonly Entry[] {
  let list = entriesOf.get(set);
  if (list === undefined) {
    list = Object.entries(set).map(([name, value]): Entry => [name, name.toLowerCase(), value]);
    entriesOf.set(set, list);
  }
  return list;
}

export function rewriteRequestHeaders(req: IncomingMessage, remove: readonly string[], set: Readonly<HeaderMap>): void {
  const drop = remove === SPOOFABLE_HEADERS ? SPOOFABLE : new Set(remove);
  // Read before rawHeaders changes: node builds req.headers from rawHeaders on first access.
  const headers = req.headers;
  for (const name of remove) if (headers[name] !== undefined) delete headers[name];
  const raw = req.rawHeaders;
  // Most requests carry none of these names; only then is rawHeaders rebuilt.
  let spoofed = false;
  for (let i = 0; i < raw.length && !spoofed; i += 2) spoofed = drop.has((raw[i] as string).toLowerCase());
  if (spoofed) {
    let kept = 0;
    for (let i = 0; i < raw.length; i += 2) {
      if (drop.has((raw[i] as string).toLowerCase())) continue;
      raw[kept] = raw[i] as string;
      raw[kept + 1] = raw[i + 1] as string;
      kept += 2;
    }
    raw.length = kept;
  }
  for (const [name, lowerCased, value] of entries(set)) {
    headers[lowerCased] = value;
    raw.push(name, value);
  }
}
