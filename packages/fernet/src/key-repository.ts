// A Keystone key repository (keystone/common/fernet_utils.py): a directory of key files named
// by integer. 0 is the staged key (decrypts only), the highest number is the primary
// (encrypts), the rest are secondaries. Layout and rotation order match keystone-manage, so a
// repository can be shared with, or handed over from, a real Keystone.
import {
  chmodSync, closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync,
  unlinkSync, writeSync,
} from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { decodeFernetKey, generateFernetKey } from './fernet.ts';
import { FernetKeyRepositoryError, FernetKeysNotFoundError } from './errors.ts';

export interface FernetKeyRepositoryOptions {
  /** Directory holding the key files (`[fernet_tokens] key_repository`). */
  path: string;
  /** `[fernet_tokens] max_active_keys`: staged + primary + secondaries kept by rotate(). */
  maxActiveKeys: number;
}

// Python's int() would also take "+1", " 1" or "01"; Keystone only ever writes plain
// decimal names, and accepting "01" next to "1" would make two files claim one index.
const KEY_NAME = /^(0|[1-9][0-9]*)$/;

// A change this close to the moment we read the directory may share its mtime with a later
// change (coarse file system clocks), so such a snapshot is never reused ("racy" entries, as
// git treats them). ctime is in the fingerprint too, so restoring an old mtime is still seen.
const RACY_WINDOW_NS = 2_000_000_000n;

interface Snapshot {
  /** Stat fingerprint of the directory and of every key file read. */
  signature: string;
  keys: Uint8Array[];
  indexes: number[];
}

function fingerprint(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

export class FernetKeyRepository {
  readonly path: string;
  readonly maxActiveKeys: number;
  #snapshot: Snapshot | undefined;

  constructor(opts: FernetKeyRepositoryOptions) {
    if (typeof opts?.path !== 'string' || opts.path === '') throw new TypeError('path must be a non-empty string');
    if (!Number.isInteger(opts.maxActiveKeys) || opts.maxActiveKeys < 1) {
      throw new TypeError('maxActiveKeys must be an integer >= 1');
    }
    this.path = opts.path;
    this.maxActiveKeys = opts.maxActiveKeys;
  }

  /**
   * keystone-manage fernet_setup: create the directory (0700) if needed; if key 0 already
   * exists do nothing, else write key 0 and rotate once, leaving keys {0, 1}.
   */
  setup(): void {
    try {
      // mode is filtered by the umask; set it exactly on a directory we created
      if (mkdirSync(this.path, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(this.path, 0o700);
    } catch (cause) {
      throw new FernetKeyRepositoryError(`Cannot create key repository ${this.path}`, this.path, { cause });
    }
    if (this.#indexesOnDisk().includes(0)) return;
    this.#writeStagedKey();
    this.rotate();
  }

  /**
   * keystone-manage fernet_rotate: the staged key 0 becomes primary max+1, a new key 0 is
   * staged, and the lowest non-zero keys are removed until at most maxActiveKeys - 1 remain.
   */
  rotate(): void {
    const before = this.#indexesOnDisk();
    if (before.length === 0) throw new FernetKeysNotFoundError(this.path);
    if (!before.includes(0)) {
      throw new FernetKeyRepositoryError(`Key repository ${this.path} has no staged key 0; run setup first`, this.path);
    }
    const tmp = join(this.path, '0.tmp');
    this.#writeKeyFile(tmp);
    const newPrimary = Math.max(...before) + 1;
    this.#rename(join(this.path, '0'), join(this.path, String(newPrimary)));
    this.#rename(tmp, join(this.path, '0'));
    // As Keystone: a maxActiveKeys of 1 leaves only the staged key.
    const active = [...before.filter((i) => i !== 0), newPrimary].sort((a, b) => a - b);
    while (active.length > this.maxActiveKeys - 1) {
      const purge = active.shift() as number;
      try {
        unlinkSync(join(this.path, String(purge)));
      } catch (cause) {
        throw new FernetKeyRepositoryError(`Cannot remove key ${purge} from ${this.path}`, this.path, { cause });
      }
    }
  }

  /** Key indexes present on disk (non-empty integer-named files), ascending. */
  keyIndexes(): number[] {
    return [...this.#load().indexes].sort((a, b) => a - b);
  }

  /**
   * The keys, primary (highest index) first and staged key 0 last: the order MultiFernet
   * wants. Served from a cache while the directory and the key files are unchanged (one
   * stat of the directory and one per key file), so a rotation or a key sync by another
   * process is seen on the next call without re-reading the keys on every token. The key
   * arrays are shared with the cache: callers must not modify them.
   */
  loadKeys(): Uint8Array[] {
    return [...this.#load().keys];
  }

  #load(): Snapshot {
    const cached = this.#snapshot;
    if (cached !== undefined && cached.signature !== '' && this.#signature(cached.indexes) === cached.signature) {
      return cached;
    }
    this.#snapshot = undefined;
    const snapshot = this.#read();
    this.#snapshot = snapshot;
    return snapshot;
  }

  /** Current fingerprint for the given key files, or '' when it cannot be trusted or read. */
  #signature(indexes: readonly number[]): string {
    try {
      const now = BigInt(Date.now()) * 1_000_000n;
      const all = [statSync(this.path, { bigint: true }), ...indexes.map((i) => statSync(join(this.path, String(i)), { bigint: true }))];
      if (all.some((s) => now - s.mtimeNs < RACY_WINDOW_NS)) return '';
      return all.map(fingerprint).join('|');
    } catch {
      return '';
    }
  }

  #read(): Snapshot {
    let names: string[];
    try {
      names = readdirSync(this.path);
    } catch (cause) {
      throw new FernetKeysNotFoundError(this.path, { cause });
    }
    const found: { index: number; key: Uint8Array }[] = [];
    for (const name of names) {
      if (!KEY_NAME.test(name)) continue;
      const file = join(this.path, name);
      let text: string;
      try {
        if (!statSync(file).isFile()) continue; // follows symlinks, as Kubernetes secret mounts use
        text = readFileSync(file, 'utf8');
      } catch (cause) {
        throw new FernetKeysNotFoundError(this.path, { cause });
      }
      if (text.length === 0) continue; // Keystone skips empty key files (with a warning)
      try {
        found.push({ index: Number(name), key: decodeFernetKey(text) });
      } catch (cause) {
        throw new FernetKeyRepositoryError(`Invalid Fernet key in ${file}`, this.path, { cause });
      }
    }
    if (found.length === 0) throw new FernetKeysNotFoundError(this.path);
    found.sort((a, b) => b.index - a.index);
    const indexes = found.map((f) => f.index);
    // Taken after reading: a change during the read then shows up as a mismatch next time.
    return { signature: this.#signature(indexes), keys: found.map((f) => f.key), indexes };
  }

  #indexesOnDisk(): number[] {
    try {
      return this.keyIndexes();
    } catch (error) {
      if (error instanceof FernetKeysNotFoundError) return [];
      throw error;
    }
  }

  #writeStagedKey(): void {
    const tmp = join(this.path, '0.tmp');
    this.#writeKeyFile(tmp);
    this.#rename(tmp, join(this.path, '0'));
  }

  /** Write a new key readable by the owner only (Keystone uses umask 0177 for the same). */
  #writeKeyFile(file: string): void {
    let fd: number | undefined;
    try {
      fd = openSync(file, 'w', 0o600);
      fchmodSync(fd, 0o600); // a stale 0.tmp may exist with a wider mode
      writeSync(fd, generateFernetKey());
      fsyncSync(fd);
    } catch (cause) {
      throw new FernetKeyRepositoryError(`Cannot write key file ${file}`, this.path, { cause });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  #rename(from: string, to: string): void {
    try {
      renameSync(from, to);
    } catch (cause) {
      throw new FernetKeyRepositoryError(`Cannot rename ${from} to ${to}`, this.path, { cause });
    }
    this.#snapshot = undefined;
  }
}
