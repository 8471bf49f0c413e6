// The cloud `baton demo` runs its jobs on: the one `baton up --data-dir DIR` is running, when
// DIR holds one (used as it is: nothing in DIR is written), or its own, started on free ports.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadComputeConfig } from '@baton/cloud';
import { CommandError } from '../load-config.ts';
import { CLOUD_SERVICES, startCloud, TOKEN_LIFETIME_RANGE } from './up.ts';

// Bodies of the services answering the demo, read field by field.
export type Json = Record<string, any>;

/** A cloud to run the demo on. */
export interface DemoCloud {
  /** 'up' for a running `baton up` cloud (left running), 'own' for one the demo started. */
  readonly kind: 'up' | 'own';
  readonly user: DemoUser;
  /** Public URLs from the catalog: compute's ends with /v2.1. */
  readonly urls: { readonly compute: string; readonly image: string; readonly network: string };
  /** The compute service's file, which the demo's compute without service tokens also reads. */
  readonly novaConf: string;
  /** Seconds a user token lives, as identity issues them. */
  readonly tokenLifetime: number;
  stop(): Promise<void>;
}

/**
 * The demo user's calls. Each action that starts something takes a fresh token, so a job's own
 * token is the one that expires; polls reuse one for the first half of its life (and once more
 * with a fresh one if it expired on the way), since every password authentication costs identity a password hash.
 */
export class DemoUser {
  #current: { token: string; renewAt: number } | undefined;

  constructor(
    readonly authUrl: string,
    private readonly password: string,
  ) {}

  async token(fresh: boolean): Promise<string> {
    if (!fresh && this.#current !== undefined && Date.now() < this.#current.renewAt) return this.#current.token;
    const { token, body } = await this.issue();
    const issuedAt = Date.parse(body.token.issued_at);
    this.#current = { token, renewAt: issuedAt + (Date.parse(body.token.expires_at) - issuedAt) / 2 };
    return token;
  }

  async issue(): Promise<{ token: string; body: Json }> {
    const response = await fetch(`${this.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: this.password } } },
          scope: { project: { name: 'demo', domain: { id: 'default' } } },
        },
      }),
    });
    if (response.status !== 201) throw new CommandError(`baton demo: identity refused the demo user (${response.status})`, 1);
    return { token: response.headers.get('x-subject-token') ?? '', body: (await response.json()) as Json };
  }

  /** Calls with the current token; a method other than GET gets a fresh one. */
  async call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, fresh = method !== 'GET'): Promise<{ status: number; body: Json }> {
    const raw = typeof body === 'string';
    const response = await fetch(url, {
      method,
      headers: { 'x-auth-token': await this.token(fresh), ...(body === undefined ? {} : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }), ...headers },
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status === 401 && !fresh) return this.call(method, url, body, headers, true);
    const parsed = (text === '' ? {} : JSON.parse(text)) as Json;
    if (response.status >= 400) throw new CommandError(`baton demo: ${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`, 1);
    return { status: response.status, body: parsed };
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Starts identity and the four services in `dataDir` on free ports, with short user tokens. */
export async function startOwnCloud(dataDir: string, tokenLifetime: number, debug: boolean): Promise<DemoCloud> {
  const ports: Record<string, number> = { identity: await freePort() };
  for (const spec of CLOUD_SERVICES) ports[spec.name] = await freePort();
  const cloud = await startCloud({
    dataDir,
    host: '127.0.0.1',
    ports,
    tokenLifetime,
    // Every token of this throwaway loopback cloud lives seconds, so users and services log in
    // again all the time (some 160 password checks a demo): at bcrypt's default cost of 12 the
    // demo would mostly wait on hashing. Its passwords are random and gone with it.
    passwordHashRounds: 4,
    onOutput: (s, l) => (debug ? process.stderr.write(`[${s}] ${l}\n`) : undefined),
  });
  return {
    kind: 'own',
    user: new DemoUser(cloud.authUrl, cloud.demoPassword),
    urls: { compute: `${cloud.endpoints.compute}/v2.1`, image: cloud.endpoints.image ?? '', network: cloud.endpoints.network ?? '' },
    novaConf: join(cloud.dataDir, 'nova.conf'),
    tokenLifetime,
    stop: () => cloud.stop(),
  };
}

/** What to run so that `dataDir` holds a cloud the demo can use. */
function upCommand(dataDirArg: string): string {
  return `baton up --data-dir ${dataDirArg} --token-lifetime 15`;
}

/**
 * The cloud `baton up --data-dir dataDir` runs, or undefined when dataDir holds none. A cloud
 * that is not running, or whose tokens outlive the jobs, is refused (exit 2) saying what to run.
 */
export async function findUpCloud(dataDir: string, dataDirArg: string): Promise<DemoCloud | undefined> {
  const cloudsFile = join(dataDir, 'clouds.yaml');
  if (!existsSync(cloudsFile)) return undefined;
  const auth = (parseYaml(readFileSync(cloudsFile, 'utf8')) as Json | null)?.clouds?.['baton-demo']?.auth as Json | undefined;
  if (typeof auth?.auth_url !== 'string' || typeof auth.password !== 'string') {
    throw new CommandError(`baton demo: ${cloudsFile} has no cloud baton-demo with auth_url and password; was it written by baton up?`, 2);
  }
  const user = new DemoUser(auth.auth_url.replace(/\/$/, ''), auth.password);
  const answering = await fetch(user.authUrl).then(
    (r) => r.ok,
    () => false,
  );
  if (!answering) {
    throw new CommandError(`baton demo: ${dataDir} holds a baton up cloud, but its identity (${user.authUrl}) does not answer; start it in another terminal with \`${upCommand(dataDirArg)}\` and run the demo again`, 2);
  }
  const { body } = await user.issue();
  const tokenLifetime = Math.round((Date.parse(body.token.expires_at) - Date.parse(body.token.issued_at)) / 1000);
  if (tokenLifetime > TOKEN_LIFETIME_RANGE.max) {
    throw new CommandError(
      `baton demo: the cloud in ${dataDir} issues user tokens that live ${tokenLifetime} s, longer than a demo can wait for them to expire; stop it (Ctrl-C) and start it with \`${upCommand(dataDirArg)}\``,
      2,
    );
  }
  const novaConf = join(dataDir, 'nova.conf');
  const jobs = loadComputeConfig([novaConf]).values.compute;
  const shortest = Math.min(jobs.live_migration_duration, jobs.snapshot_duration);
  if (shortest <= tokenLifetime) {
    throw new CommandError(
      `baton demo: in ${novaConf}, [compute] live_migration_duration (${jobs.live_migration_duration} s) and snapshot_duration (${jobs.snapshot_duration} s) must be longer than the user tokens (${tokenLifetime} s) for the jobs to outlive them; stop the cloud and start it with \`${upCommand(dataDirArg)}\`, which sets them`,
      2,
    );
  }
  const publicUrl = (type: string): string => {
    const entry = (body.token.catalog as Json[]).find((e) => e.type === type);
    const url = (entry?.endpoints as Json[] | undefined)?.find((e) => e.interface === 'public')?.url as string | undefined;
    if (url === undefined) throw new CommandError(`baton demo: the catalog of the cloud in ${dataDir} has no public ${type} endpoint`, 1);
    return url.replace(/\/$/, '');
  };
  return {
    kind: 'up',
    user,
    urls: { compute: publicUrl('compute'), image: publicUrl('image'), network: publicUrl('network') },
    novaConf,
    tokenLifetime,
    stop: async () => undefined,
  };
}
