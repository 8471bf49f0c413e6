// Checks of identity's keystone.conf and its Fernet key repository, per node: how long an
// expired token can still be used, whether the keys live that long, and whether the key
// repository is complete, private and the same on every node.
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { decodeFernetKey } from '@baton/fernet';
import { formatDuration } from './duration.ts';
import type { IdentityConfig } from './files.ts';
import type { Finding } from './findings.ts';

export interface IdentityLimits {
  /** --longest-job, seconds. */
  readonly longestJob?: number | undefined;
  /** --fernet-rotation-interval, seconds; else inferred from the key files' ages. */
  readonly rotationInterval?: number | undefined;
  /** Above this [token] expiration is reported (--max-token-expiration). */
  readonly maxExpiration: number;
}

/** Below this an allow_expired_window helps only jobs that end within minutes of a token's expiry. */
export const LOW_ALLOW_EXPIRED_WINDOW = 3600;
/** Key files written closer together than this are one set-up, not a rotation. */
const SETUP_SPREAD_SECONDS = 60;

interface KeyFile {
  readonly index: number;
  readonly path: string;
  readonly stat: Stats;
  /** The key text, or null when it is not a valid Fernet key. */
  readonly key: string | null;
}

export function checkIdentity(config: IdentityConfig, limits: IdentityLimits): { findings: Finding[]; keys: ReadonlyMap<number, string> | null } {
  const findings = [...checkTokenLifetimes(config, limits)];
  const repo = readRepository(config, findings);
  if (repo !== null) findings.push(...checkRotation(config, limits, repo));
  const keys = repo === null ? null : new Map(repo.flatMap((k) => (k.key === null ? [] : [[k.index, k.key] as const])));
  return { findings, keys };
}

function checkTokenLifetimes(config: IdentityConfig, limits: IdentityLimits): Finding[] {
  const { file } = config;
  const findings: Finding[] = [];
  const window = Math.max(0, config.allowExpiredWindow);
  const at = { file, section: 'token', option: 'allow_expired_window' };
  if (limits.longestJob !== undefined && window < limits.longestJob) {
    findings.push({
      id: 'allow-expired-window-shorter-than-job',
      severity: 'error',
      location: at,
      why: `A job of ${formatDuration(limits.longestJob)} started near the end of a user's token needs it accepted that long past its expiry, and identity stops after ${formatDuration(window)}.`,
      fix: `allow_expired_window = ${limits.longestJob}`,
    });
  } else if (limits.longestJob === undefined && window < LOW_ALLOW_EXPIRED_WINDOW) {
    findings.push({
      id: 'allow-expired-window-too-low',
      severity: window === 0 ? 'error' : 'warning',
      location: at,
      why: window === 0
        ? 'Identity never accepts an expired token, so service tokens cannot save any long job.'
        : `Identity accepts an expired token for only ${formatDuration(window)}, so service tokens save only jobs that end that soon after the user's token expires.`,
      fix: 'allow_expired_window = 172800   (two days, the default; or the length of your longest job: baton doctor --longest-job)',
    });
  }
  if (config.expiration > limits.maxExpiration) {
    findings.push({
      id: 'token-expiration-too-long',
      severity: 'warning',
      location: { file, section: 'token', option: 'expiration' },
      why: `Tokens live ${formatDuration(config.expiration)}, longer than the stated limit of ${formatDuration(limits.maxExpiration)}: a leaked token stays usable that long, and service tokens make long lifetimes unnecessary.`,
      fix: `expiration = ${limits.maxExpiration}`,
    });
  }
  return findings;
}

function readRepository(config: IdentityConfig, findings: Finding[]): KeyFile[] | null {
  const { file, keyRepository: dir } = config;
  const at = { file, section: 'fernet_tokens', option: 'key_repository' };
  const setup = `baton manage fernet-setup --config ${file}   (Keystone: keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone)`;
  let dirStat: Stats;
  let names: string[];
  try {
    dirStat = statSync(dir);
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    findings.push({
      id: 'key-repository-missing',
      severity: 'error',
      location: at,
      why: code === 'ENOENT' || code === 'ENOTDIR'
        ? `The key repository ${dir} does not exist, so identity can neither issue nor validate tokens.`
        : `The key repository ${dir} cannot be read (${code}), so the doctor could not check it.`,
      fix: code === 'ENOENT' || code === 'ENOTDIR' ? setup : `Run the doctor as the identity service's user (or root) to check ${dir}.`,
    });
    return null;
  }
  const keys: KeyFile[] = [];
  for (const name of names.filter((n) => /^\d+$/.test(n))) {
    const path = join(dir, name);
    try {
      const stat = statSync(path);
      if (!stat.isFile() || stat.size === 0) continue;
      let key: string | null = readFileSync(path, 'utf8').trim();
      try {
        decodeFernetKey(key);
      } catch {
        key = null;
        findings.push({ id: 'key-repository-invalid-key', severity: 'error', location: { ...at, file: path }, why: `${path} is not a Fernet key (32 bytes, base64url), so identity fails to load its keys.`, fix: `Remove ${path}, then: ${setup}` });
      }
      keys.push({ index: Number(name), path, stat, key });
    } catch (error) {
      findings.push({ id: 'key-repository-permissions', severity: 'error', location: { ...at, file: path }, why: `${path} cannot be read (${(error as NodeJS.ErrnoException).code}), so the doctor could not check it.`, fix: `Run the doctor as the identity service's user (or root).` });
    }
  }
  if (!keys.some((k) => k.index === 0)) {
    findings.push({ id: 'key-repository-no-staged', severity: 'error', location: at, why: `${dir} has no staged key 0, so the next rotation fails and a node that copied the keys cannot validate tokens of the next primary.`, fix: setup });
  }
  if (!keys.some((k) => k.index > 0)) {
    findings.push({ id: 'key-repository-no-primary', severity: 'error', location: at, why: `${dir} has no primary key (a file numbered 1 or more), so identity cannot issue tokens.`, fix: setup });
  }
  const open = [dirStat, ...keys.map((k) => k.stat)].some((s) => (s.mode & 0o077) !== 0);
  if (open) {
    findings.push({
      id: 'key-repository-permissions',
      severity: 'error',
      location: at,
      why: `${dir} or a key in it can be read by other users; whoever reads a key can forge a token for any user.`,
      fix: `chmod 700 ${dir} && chmod 600 ${dir}/*`,
    });
  }
  const strangers = keys.filter((k) => k.stat.uid !== dirStat.uid || k.stat.gid !== dirStat.gid);
  if (strangers.length > 0) {
    findings.push({
      id: 'key-repository-owner',
      severity: 'error',
      location: at,
      why: `${strangers.map((k) => k.index).join(', ')} ${strangers.length === 1 ? 'is' : 'are'} not owned by the owner of ${dir} (uid ${dirStat.uid}), so the identity service may fail to read ${strangers.length === 1 ? 'it' : 'them'} or the next rotation may fail to replace ${strangers.length === 1 ? 'it' : 'them'}.`,
      fix: `chown ${dirStat.uid}:${dirStat.gid} ${strangers.map((k) => k.path).join(' ')}`,
    });
  }
  return keys;
}

/**
 * A token sealed with primary P still decrypts for (max_active_keys - 2) more rotations, and
 * must for expiration + allow_expired_window (Keystone's FAQ formula).
 */
function checkRotation(config: IdentityConfig, limits: IdentityLimits, keys: readonly KeyFile[]): Finding[] {
  const need = config.expiration + Math.max(0, config.allowExpiredWindow);
  const at = { file: config.file, section: 'fernet_tokens', option: 'max_active_keys' };
  const interval = limits.rotationInterval ?? inferInterval(keys);
  if (config.maxActiveKeys < 3) {
    return [{
      id: 'fernet-max-active-keys-too-low',
      severity: 'error',
      location: at,
      why: `With max_active_keys = ${config.maxActiveKeys} a token can no longer be decrypted after the first rotation following its issue, however long its expiration and allow_expired_window.`,
      fix: `max_active_keys = ${interval === undefined ? 3 : Math.max(3, Math.ceil(need / interval) + 2)}`,
    }];
  }
  if (interval === undefined || (config.maxActiveKeys - 2) * interval >= need) return [];
  const source = limits.rotationInterval === undefined ? 'the key files\' ages show a rotation' : 'keys are rotated';
  return [{
    id: 'fernet-rotation-too-fast',
    severity: 'error',
    location: at,
    why:
      `${source[0]?.toUpperCase()}${source.slice(1)} every ${formatDuration(interval)}, so a token stays decryptable for ${formatDuration((config.maxActiveKeys - 2) * interval)}, ` +
      `less than expiration + allow_expired_window = ${formatDuration(need)}: a long job's expired token stops validating before identity's window ends.`,
    fix: `max_active_keys = ${Math.ceil(need / interval) + 2}   (or rotate keys at most once every ${formatDuration(Math.ceil(need / (config.maxActiveKeys - 2)))})`,
  }];
}

/**
 * A rotation renames the staged key 0 to the new primary and writes a new 0, and a rename
 * keeps the file's time: consecutive keys' times are one rotation apart. Keys written within
 * a minute of each other come from one set-up. The shortest gap is taken: it is the rotation
 * that endangers tokens.
 */
export function inferInterval(keys: readonly KeyFile[]): number | undefined {
  const order = [...keys].sort((a, b) => (a.index === 0 ? Infinity : a.index) - (b.index === 0 ? Infinity : b.index));
  const gaps: number[] = [];
  for (let i = 1; i < order.length; i++) {
    const gap = Math.round(((order[i] as KeyFile).stat.mtimeMs - (order[i - 1] as KeyFile).stat.mtimeMs) / 1000);
    if (gap >= SETUP_SPREAD_SECONDS) gaps.push(gap);
  }
  return gaps.length === 0 ? undefined : Math.min(...gaps);
}

/** Every node needs the same primary and secondary keys; only the staged key 0 may differ. */
export function checkNodesAgree(nodes: readonly { config: IdentityConfig; keys: ReadonlyMap<number, string> }[]): Finding[] {
  const [first, ...rest] = nodes;
  if (first === undefined) return [];
  const signature = (keys: ReadonlyMap<number, string>) =>
    [...keys].filter(([i]) => i !== 0).sort(([a], [b]) => a - b).map(([i, k]) => `${i}:${k}`).join(' ');
  const reference = signature(first.keys);
  return rest
    .filter((node) => node.config.keyRepository !== first.config.keyRepository && signature(node.keys) !== reference)
    .map((node) => ({
      id: 'key-repositories-differ' as const,
      severity: 'error' as const,
      location: { file: node.config.file, section: 'fernet_tokens', option: 'key_repository' },
      why: `The keys in ${node.config.keyRepository} differ from those in ${first.config.keyRepository} (${first.config.file}), so a token issued by one node fails to validate on the other.`,
      fix: `Copy one node's keys to every other node after each rotation, e.g. rsync -a --delete ${first.config.keyRepository}/ ${node.config.keyRepository}/`,
    }));
}
