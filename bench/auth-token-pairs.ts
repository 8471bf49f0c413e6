// The two systems the auth-token benchmark compares, each an identity service plus a trivial
// echo service behind its middleware, with the same worker counts:
//   baton:  `baton identity serve` + `baton echo-service` (@baton/auth-token, in-process cache)
//   python: Keystone under uwsgi ([cache] memcached) + keystonemiddleware (memcached token
//           cache) in front of a WSGI echo app under uwsgi
// The measured echo services reach identity directly. Identity calls are counted on a twin
// of each echo service whose identity endpoint (region "Counted" of the catalog) is a counting
// proxy: a proxy in the measured path would add two socket hops to every validation, a tax
// that is most of the cost of a fast identity call and nothing beside a slow one.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startBaton,
  freePort,
  callApi,
  issuePasswordToken,
  startKeystone,
  startMemcached,
  novaAuthtokenConf,
  seedServiceUsers,
  type ServiceUsers,
} from '@baton/test-support';
import { startBatonCommand, startCountingProxy, startUwsgi, type Running } from './auth-token-processes.ts';

export type PairName = 'baton' | 'python';

/** [token] expiration of the short-lived identity instance that issues the expired user token. */
export const SHORT_EXPIRATION_SECONDS = 10;
/**
 * Distinct tokens per kind. The cache-off scenarios send them in turn, so no two requests in
 * flight carry the same token and every request is validated at identity (Baton's middleware
 * would otherwise merge concurrent validations of one token into a single call).
 */
export const TOKEN_SET_SIZE = 32;
const KSM_APP = fileURLToPath(new URL('./python/ksm_bench_app.py', import.meta.url));
const KEYSTONE_WSGI = '/usr/bin/keystone-wsgi-public';

/** The echo services of one route to identity. */
export type EchoUrls = {
  /** Echo service behind the middleware with a token cache (and /noauth/ without it). */
  cachedUrl: string;
  /** The same with token_cache_time = -1. */
  nocacheUrl: string;
};

export type Pair = {
  name: PairName;
  setup: string;
  /** Reaching identity directly: the ones measured. */
  direct: EchoUrls;
  /** Twins reaching identity through the counting proxy: the ones identity calls are counted on. */
  counted: EchoUrls;
  /** TOKEN_SET_SIZE distinct demo tokens (project demo), valid for an hour */
  userTokens: string[];
  /** TOKEN_SET_SIZE demo tokens issued with a 10 s lifetime; past expiry after `expiredAfter` */
  expiredUserTokens: string[];
  expiredAfter: number;
  /** TOKEN_SET_SIZE fresh nova (role service) tokens. */
  serviceTokens(): Promise<string[]>;
  /** Requests identity has received so far (through the proxy). */
  identityCalls(): Promise<number>;
  stop(): Promise<void>;
};

type Identity = { url: string; adminPassword: string; stateDir: string; configPath: string; stop(): Promise<void> };

/** Stops everything registered so far, last first; used on the way out, failed or not. */
class Stack {
  readonly #stops: (() => Promise<void>)[] = [];
  push<T extends { stop(): Promise<void> }>(item: T): T {
    this.#stops.push(() => item.stop());
    return item;
  }
  defer(stop: () => Promise<void>): void {
    this.#stops.push(stop);
  }
  async unwind(): Promise<void> {
    for (const stop of this.#stops.reverse()) await stop().catch(() => undefined);
  }
}

/** The region of the bootstrap endpoints (test/interop/support), reached directly. */
const DIRECT_REGION = 'RegionOne';
/** Echo services per system: cached and cache-off, each direct and counted. */
const ECHO_APPS = 4;
const COUNTED_REGION = 'Counted';

/** The identity a middleware talks to: the URL of its own token fetch and its catalog region. */
type Route = { url: string; region: string };

function middlewareConf(route: Route, seeded: ServiceUsers, cacheTime: number, extra: readonly string[]): string {
  return novaAuthtokenConf(route.url, seeded, [`region_name = ${route.region}`, `token_cache_time = ${cacheTime}`, ...extra]);
}

/** Identity endpoints for every interface in region Counted, all at the proxy. */
async function addCountedEndpoints(identity: Identity, proxyUrl: string): Promise<void> {
  const { token } = await issuePasswordToken(identity.url, 'admin', identity.adminPassword, { project: 'admin' });
  const { json } = await callApi('GET', `${identity.url}/services?type=identity`, { token, expect: 200 });
  const serviceId = (json as { services: { id: string }[] }).services[0]?.id;
  if (serviceId === undefined) throw new Error('the catalog has no identity service');
  await callApi('POST', `${identity.url}/regions`, { token, body: { region: { id: COUNTED_REGION } }, expect: 201 });
  for (const iface of ['public', 'internal', 'admin']) {
    const endpoint = { service_id: serviceId, interface: iface, url: proxyUrl, region_id: COUNTED_REGION };
    await callApi('POST', `${identity.url}/endpoints`, { token, body: { endpoint }, expect: 201 });
  }
}

/** A second instance of the same identity (same database and keys) whose tokens live 10 s. */
async function startShortLived(name: PairName, identity: Identity, dir: string): Promise<Running> {
  const port = await freePort();
  const short = ['[token]', `expiration = ${SHORT_EXPIRATION_SECONDS}`, ''].join('\n');
  if (name === 'baton') {
    const path = join(dir, 'short-expiry.conf');
    await writeFile(path, short);
    const running = await startBatonCommand(['identity', 'serve', '--config', identity.configPath, '--config', path, '--port', String(port)]);
    return { url: `${running.url}/v3`, stop: running.stop };
  }
  // keystone.conf's directory, so that keystone reads both files (the later one wins).
  const etc = join(identity.stateDir, 'etc');
  await writeFile(join(etc, 'short-expiry.conf'), short);
  const running = await startUwsgi({
    dir,
    name: 'keystone-short',
    port,
    wsgiFile: KEYSTONE_WSGI,
    processes: 1,
    threads: 1,
    env: { OS_KEYSTONE_CONFIG_DIR: etc, OS_KEYSTONE_CONFIG_FILES: 'keystone.conf;short-expiry.conf' },
    readyUrl: `http://127.0.0.1:${port}/v3`,
  });
  return { url: `${running.url}/v3`, stop: running.stop };
}

export async function startPair(name: PairName, workers: number, connections: number): Promise<Pair> {
  const stack = new Stack();
  try {
    const dir = await mkdtemp(join(tmpdir(), `baton-bench-${name}-`));
    stack.defer(() => rm(dir, { recursive: true, force: true }));
    const threads = Math.ceil(connections / workers);
    // A uwsgi thread stays with a keep-alive connection until it has been idle for 4 s
    // (socket-timeout), and each of the four echo apps' threads may hold one to Keystone: so
    // many threads, that the counted twin does not wait for the measured app's idle ones.
    const keystoneThreads = ECHO_APPS * threads + 1;
    const identity: Identity = stack.push(
      name === 'baton'
        ? await startBaton({ workers })
        : await startKeystone({ processes: workers, threads: keystoneThreads, cache: true, requestLog: false, keepAlive: true }),
    );
    const seeded = await seedServiceUsers(identity);
    // One at a time: a uwsgi thread stays with its keep-alive connection, so a burst of
    // parallel connections would wait for threads that never come free.
    const issueSet = async (url: string, user: 'demo' | 'nova'): Promise<string[]> => {
      const tokens: string[] = [];
      for (let i = 0; i < TOKEN_SET_SIZE; i++) {
        tokens.push((await issuePasswordToken(url, user, seeded[user].password, { project: seeded[user].project })).token);
      }
      return tokens;
    };

    const shortLived = await startShortLived(name, identity, dir);
    const expiredUserTokens = await issueSet(shortLived.url, 'demo').finally(() => shortLived.stop());
    const expiredAfter = Date.now() + SHORT_EXPIRATION_SECONDS * 1000;

    const proxy = stack.push(await startCountingProxy(Number(new URL(identity.url).port), await freePort()));
    await addCountedEndpoints(identity, `${proxy.url}/v3`);
    const routes = { direct: { url: identity.url, region: DIRECT_REGION }, counted: { url: `${proxy.url}/v3`, region: COUNTED_REGION } };

    let serve: (route: Route, cacheTime: number, file: string) => Promise<string>;
    let setup: string;
    if (name === 'baton') {
      serve = async (route, cacheTime, file) => {
        const path = join(dir, file);
        // The access log goes to a file, not to the pipe startProcess keeps in memory.
        await writeFile(path, `[DEFAULT]\nlog_file = ${path}.log\n${middlewareConf(route, seeded, cacheTime, ['http_connect_timeout = 10'])}`);
        return stack.push(await startBatonCommand(['echo-service', '--config', path, '--port', '0', '--workers', String(workers)])).url;
      };
      setup = `baton identity serve --workers ${workers}; baton echo-service --workers ${workers} (@baton/auth-token, in-process token cache)`;
    } else {
      serve = async (route, cacheTime, file) => {
        // One memcached per app: keystonemiddleware reads entries whoever wrote them, so a
        // shared one would answer the cache-off app from the cached app's entries.
        const memcached = stack.push(await startMemcached());
        const conf = join(dir, file);
        await writeFile(conf, middlewareConf(route, seeded, cacheTime, [`memcached_servers = ${memcached.host}:${memcached.port}`]));
        const port = await freePort();
        return stack.push(await startUwsgi({
          dir,
          name: file.replace(/\.conf$/, ''),
          port,
          wsgiFile: KSM_APP,
          processes: workers,
          threads,
          env: { KSM_BENCH_CONF: conf },
          readyUrl: `http://127.0.0.1:${port}/noauth/`,
        })).url;
      };
      setup =
        `Keystone 22 under uwsgi http11-socket, ${workers} processes x ${keystoneThreads} threads, [cache] memcached; ` +
        `keystonemiddleware auth_token (memcached token cache) + WSGI echo under uwsgi, ${workers} processes x ${threads} threads`;
    }
    const echoes = async (route: Route, label: string): Promise<EchoUrls> => ({
      cachedUrl: await serve(route, 300, `${label}-cached.conf`),
      nocacheUrl: await serve(route, -1, `${label}-nocache.conf`),
    });
    const direct = await echoes(routes.direct, 'direct');
    const counted = await echoes(routes.counted, 'counted');
    return {
      name,
      setup,
      direct,
      counted,
      userTokens: await issueSet(identity.url, 'demo'),
      expiredUserTokens,
      expiredAfter,
      serviceTokens: () => issueSet(identity.url, 'nova'),
      identityCalls: () => proxy.count(),
      stop: () => stack.unwind(),
    };
  } catch (error) {
    await stack.unwind();
    throw error;
  }
}
