import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { ADMIN_PASSWORD } from './identity.ts';
import type { RealKeystone } from './keystone.ts';
import { BATON_BIN, REPO_ROOT, runChecked, startBatonCommand } from './processes.ts';

export type BatonOptions = {
  expiration?: number;
  allowExpiredWindow?: number;
  workers?: number;
  /** More keystone.conf lines, appended as written (as KeystoneOptions.extraConfig). */
  extraConfig?: readonly string[];
};

/** Baton's identity started through its CLI: the same handle as the real Keystone's. */
export type BatonIdentity = RealKeystone;

const READY_TIMEOUT_MS = 180_000;

function renderConfig(stateDir: string, opts: BatonOptions): string {
  return [
    '[DEFAULT]',
    `state_path = ${stateDir}`,
    // One access-log line per request: to a file, not to the pipe startProcess keeps in memory.
    `log_file = ${stateDir}/identity.log`,
    '',
    '[token]',
    `expiration = ${opts.expiration ?? 3600}`,
    `allow_expired_window = ${opts.allowExpiredWindow ?? 172800}`,
    '',
    '[identity]',
    'password_hash_rounds = 4',
    '',
    ...(opts.extraConfig ?? []),
    '',
  ].join('\n');
}

async function baton(args: readonly string[]): Promise<void> {
  await runChecked(process.execPath, [BATON_BIN, ...args], { cwd: REPO_ROOT, timeoutMs: 300_000 });
}

/**
 * Starts Baton's identity service through its own CLI, the way an operator would:
 * fernet-setup, credential-setup, bootstrap (with the same admin/project/role/region as Keystone's
 * bootstrap), then `identity serve` on a free loopback port.
 */
export async function startBaton(opts: BatonOptions = {}): Promise<BatonIdentity> {
  const stateDir = await mkdtemp(join(tmpdir(), 'baton-identity-'));
  try {
    const configPath = join(stateDir, 'keystone.conf');
    await writeFile(configPath, renderConfig(stateDir, opts));
    // The catalog URLs are written by bootstrap, so the port is chosen first.
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const url = `${baseUrl}/v3`;
    // Side by side: bootstrap writes only the database and never reads the keys, and each
    // `baton` run spends seconds starting up.
    await Promise.all([
      baton(['manage', 'fernet-setup', '--config', configPath]),
      baton(['manage', 'credential-setup', '--config', configPath]),
      baton([
        'manage', 'bootstrap', '--config', configPath,
        '--bootstrap-password', ADMIN_PASSWORD,
        '--bootstrap-username', 'admin',
        '--bootstrap-project-name', 'admin',
        '--bootstrap-role-name', 'admin',
        '--bootstrap-region-id', 'RegionOne',
        '--bootstrap-public-url', url,
        '--bootstrap-internal-url', url,
        '--bootstrap-admin-url', url,
      ]),
    ]);
    const serveArgs = ['identity', 'serve', '--config', configPath, '--host', '127.0.0.1', '--port', String(port)];
    if (opts.workers !== undefined) serveArgs.push('--workers', String(opts.workers));
    const running = await startBatonCommand(serveArgs, { waitFor: new RegExp(`listening on (${baseUrl.replace(/[.]/g, '\\.')})`), readyMs: READY_TIMEOUT_MS });
    const stop = async (): Promise<void> => {
      await running.stop();
      await rm(stateDir, { recursive: true, force: true });
    };
    return { url, baseUrl, adminPassword: ADMIN_PASSWORD, stateDir, configPath, stop };
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
}
