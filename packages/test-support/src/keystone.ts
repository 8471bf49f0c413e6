import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { ADMIN_PASSWORD } from './identity.ts';
import { startMemcached } from './memcached.ts';
import type { Memcached } from './memcached.ts';
import { runChecked, stopChild, waitForHttp } from './processes.ts';
import { uwsgiIni } from './uwsgi.ts';

/** The Debian Python that has the OpenStack packages (the PATH python may not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const KEYSTONE_WSGI = '/usr/bin/keystone-wsgi-public';

export type KeystoneOptions = {
  /** [token] expiration, seconds (default 3600). */
  expiration?: number;
  /** [token] allow_expired_window, seconds (default keystone's 172800). */
  allowExpiredWindow?: number;
  /** uwsgi worker processes (default 1). */
  processes?: number;
  /** threads per uwsgi worker (default 1, as devstack runs it). */
  threads?: number;
  /** [cache] enabled with our own memcached, keystone's production setting (default false). */
  cache?: boolean;
  /** uwsgi's per-request log line (default true; benchmarks turn it off). */
  requestLog?: boolean;
  /**
   * Serve persistent HTTP/1.1 connections (uwsgi http11-socket) instead of devstack's
   * `Connection: close` on every response (default false). The benchmarks use it so that
   * both systems are measured on keep-alive connections, not on TCP set-up.
   */
  keepAlive?: boolean;
  /** More keystone.conf lines, appended as written (e.g. an [oslo_policy] section). */
  extraConfig?: readonly string[];
};

export type RealKeystone = {
  /** http://127.0.0.1:PORT/v3, also every catalog URL of the identity service. */
  url: string;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  adminPassword: string;
  stateDir: string;
  configPath: string;
  stop(): Promise<void>;
};

const KEYSTONE_SETUP = fileURLToPath(new URL('keystone-setup.py', import.meta.url));

function renderConfig(stateDir: string, opts: KeystoneOptions, memcached: Memcached | undefined): string {
  const cache = memcached === undefined
    ? ['[cache]', 'enabled = false']
    : ['[cache]', 'enabled = true', 'backend = dogpile.cache.memcached', `memcache_servers = ${memcached.host}:${memcached.port}`];
  return [
    '[DEFAULT]',
    `log_dir = ${join(stateDir, 'log')}`,
    'log_file = keystone.log',
    'use_stderr = false',
    '',
    '[database]',
    `connection = sqlite:///${join(stateDir, 'keystone.db')}`,
    '',
    '[token]',
    'provider = fernet',
    `expiration = ${opts.expiration ?? 3600}`,
    `allow_expired_window = ${opts.allowExpiredWindow ?? 172800}`,
    '',
    '[fernet_tokens]',
    `key_repository = ${join(stateDir, 'fernet-keys')}`,
    'max_active_keys = 3',
    '',
    '[credential]',
    `key_repository = ${join(stateDir, 'credential-keys')}`,
    '',
    '[identity]',
    // bcrypt cost 4 instead of 12: every password check in the tests costs ~1 ms, not ~230 ms.
    'password_hash_rounds = 4',
    '',
    ...cache,
    '',
    ...(opts.extraConfig ?? []),
    '',
  ].join('\n');
}

function renderUwsgiIni(stateDir: string, port: number, opts: KeystoneOptions): string {
  return uwsgiIni({
    port,
    wsgiFile: KEYSTONE_WSGI,
    env: { OS_KEYSTONE_CONFIG_DIR: join(stateDir, 'etc'), OS_KEYSTONE_CONFIG_FILES: 'keystone.conf' },
    processes: opts.processes ?? 1,
    threads: opts.threads ?? 1,
    logFile: join(stateDir, 'log', 'uwsgi.log'),
    keepAlive: opts.keepAlive === true,
    requestLog: opts.requestLog !== false,
  });
}

/**
 * Starts the real Keystone (Debian python3-keystone) under uwsgi on a free loopback
 * port, from an empty temp state dir: SQLite database, fernet and credential keys,
 * and an `admin` user (project `admin`, role `admin`, region RegionOne, identity
 * endpoints at its own URL).
 */
export async function startKeystone(opts: KeystoneOptions = {}): Promise<RealKeystone> {
  const stateDir = await mkdtemp(join(tmpdir(), 'baton-keystone-'));
  let memcached: Memcached | undefined;
  try {
    await Promise.all(['etc', 'log'].map((d) => mkdir(join(stateDir, d))));
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const url = `${baseUrl}/v3`;
    if (opts.cache === true) memcached = await startMemcached();
    const configPath = join(stateDir, 'etc', 'keystone.conf');
    await writeFile(configPath, renderConfig(stateDir, opts, memcached));
    const iniPath = join(stateDir, 'etc', 'uwsgi.ini');
    await writeFile(iniPath, renderUwsgiIni(stateDir, port, opts));

    const owner = ['--keystone-user', String(process.getuid?.() ?? 0), '--keystone-group', String(process.getgid?.() ?? 0)];
    const steps = [
      ['db_sync'],
      ['fernet_setup', ...owner],
      ['credential_setup', ...owner],
      [
        'bootstrap',
        '--bootstrap-username', 'admin',
        '--bootstrap-password', ADMIN_PASSWORD,
        '--bootstrap-project-name', 'admin',
        '--bootstrap-role-name', 'admin',
        '--bootstrap-service-name', 'keystone',
        '--bootstrap-region-id', 'RegionOne',
        '--bootstrap-public-url', url,
        '--bootstrap-internal-url', url,
        '--bootstrap-admin-url', url,
      ],
    ];
    // One Python process for every keystone-manage step (keystone-setup.py says why). It ends
    // with eventlet "Exception ignored" noise on Python 3.11; only the exit code says whether it worked.
    await runChecked(SYSTEM_PYTHON, [KEYSTONE_SETUP, configPath, join(stateDir, 'keystone.db'), JSON.stringify(steps)], { timeoutMs: 180_000 });

    // Foreground master in its own process group, so stop() can reach its workers too.
    const uwsgi = spawn('uwsgi', ['--ini', iniPath], { stdio: 'ignore', detached: true });
    uwsgi.once('error', () => undefined);
    const stop = async (): Promise<void> => {
      await stopChild(uwsgi);
      await memcached?.stop();
      await rm(stateDir, { recursive: true, force: true });
    };
    try {
      await waitForHttp(url, 180_000, () => uwsgi.exitCode === null && uwsgi.signalCode === null);
    } catch (error) {
      const log = await readFile(join(stateDir, 'log', 'uwsgi.log'), 'utf8').catch(() => '(no uwsgi log)');
      await stop();
      throw new Error(`keystone did not come up; uwsgi log tail:\n${log.split('\n').slice(-30).join('\n')}`, { cause: error });
    }
    return { url, baseUrl, adminPassword: ADMIN_PASSWORD, stateDir, configPath, stop };
  } catch (error) {
    await memcached?.stop();
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
}

export { seedServiceUsers } from './seed.ts';
export type { SeededUser, ServiceUsers } from './seed.ts';
