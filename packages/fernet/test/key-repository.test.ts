import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeFernetKey, FernetInvalidTokenError, FernetKeyRepository, FernetKeyRepositoryError, FernetKeysNotFoundError,
  MultiFernet,
} from '@baton/fernet';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baton-fernet-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('FernetKeyRepository setup and rotate', () => {
  it('follows keystone-manage: [0,1] -> [0,1,2] -> [0,2,3] -> [0,3,4] with max_active_keys 3', () => {
    const path = join(root, 'keys');
    const repo = new FernetKeyRepository({ path, maxActiveKeys: 3 });
    repo.setup();
    assert.deepEqual(repo.keyIndexes(), [0, 1]);
    assert.equal(mode(path), 0o700);
    const staged = readFileSync(join(path, '0'), 'utf8');
    repo.rotate();
    assert.deepEqual(repo.keyIndexes(), [0, 1, 2]);
    assert.equal(readFileSync(join(path, '2'), 'utf8'), staged, 'the staged key is promoted to primary');
    repo.rotate();
    assert.deepEqual(repo.keyIndexes(), [0, 2, 3]);
    repo.rotate();
    assert.deepEqual(repo.keyIndexes(), [0, 3, 4]);
    assert.deepEqual(readdirSync(path).sort(), ['0', '3', '4'], 'no 0.tmp is left behind');
    for (const name of readdirSync(path)) {
      assert.equal(mode(join(path, name)), 0o600, `key ${name} is owner-only`);
      assert.match(readFileSync(join(path, name), 'utf8'), /^[A-Za-z0-9_-]{43}=$/);
    }
  });

  it('setup is a no-op when key 0 exists', () => {
    const repo = new FernetKeyRepository({ path: root, maxActiveKeys: 3 });
    repo.setup();
    const before = repo.loadKeys();
    repo.setup();
    assert.deepEqual(repo.keyIndexes(), [0, 1]);
    assert.deepEqual(repo.loadKeys(), before);
  });

  it('loads keys primary first and staged last, skipping other names and empty files', () => {
    const keys = ['0', '1', '2', '10'].map((n) => [n, Buffer.alloc(32, Number(n)).toString('base64url') + '=']);
    for (const [name, text] of keys) writeFileSync(join(root, name as string), text as string);
    writeFileSync(join(root, '11'), '');
    writeFileSync(join(root, '0.tmp'), 'junk');
    writeFileSync(join(root, 'README'), 'junk');
    writeFileSync(join(root, '01'), 'junk');
    mkdirSync(join(root, '12'));
    const repo = new FernetKeyRepository({ path: root, maxActiveKeys: 3 });
    assert.deepEqual(repo.keyIndexes(), [0, 1, 2, 10]);
    assert.deepEqual(repo.loadKeys().map((k) => k[0]), [10, 2, 1, 0]);
  });

  it('follows symlinked key files, as in a Kubernetes secret mount', () => {
    const data = join(root, '..data');
    mkdirSync(data);
    writeFileSync(join(data, '0'), Buffer.alloc(32, 7).toString('base64url'));
    const dir = join(root, 'mount');
    mkdirSync(dir);
    symlinkSync(join(data, '0'), join(dir, '0'));
    assert.deepEqual(new FernetKeyRepository({ path: dir, maxActiveKeys: 3 }).loadKeys(), [new Uint8Array(32).fill(7)]);
  });

  it('keeps a token readable until its primary is rotated away (max_active_keys - 2 rotations)', () => {
    const repo = new FernetKeyRepository({ path: root, maxActiveKeys: 3 });
    repo.setup();
    const token = new MultiFernet(repo.loadKeys()).encrypt(Buffer.from('payload'));
    repo.rotate();
    assert.equal(new MultiFernet(repo.loadKeys()).decrypt(token).plaintext.toString(), 'payload');
    repo.rotate();
    assert.throws(() => new MultiFernet(repo.loadKeys()).decrypt(token), FernetInvalidTokenError);
  });

  it('sees rotations made by another process without being told', () => {
    const path = join(root, 'shared');
    const reader = new FernetKeyRepository({ path, maxActiveKeys: 3 });
    const writer = new FernetKeyRepository({ path, maxActiveKeys: 3 });
    writer.setup();
    assert.deepEqual(reader.keyIndexes(), [0, 1]);
    writer.rotate();
    assert.deepEqual(reader.keyIndexes(), [0, 1, 2]);
    // An in-place overwrite of a key file (no directory change) is seen too.
    const replacement = Buffer.alloc(32, 9).toString('base64url');
    writeFileSync(join(path, '2'), replacement);
    assert.deepEqual(reader.loadKeys()[0], decodeFernetKey(replacement));
  });

  it('reuses loaded keys while nothing changed, and re-reads after a change', () => {
    const repo = new FernetKeyRepository({ path: root, maxActiveKeys: 3 });
    repo.setup();
    const past = new Date(Date.now() - 60_000);
    const age = () => {
      for (const name of readdirSync(root)) utimesSync(join(root, name), past, past);
      utimesSync(root, past, past);
    };
    age();
    const first = repo.loadKeys();
    assert.equal(repo.loadKeys()[0], first[0], 'same key objects: nothing was re-read');
    const replacement = Buffer.alloc(32, 5).toString('base64url');
    writeFileSync(join(root, '1'), replacement);
    age(); // an old mtime does not hide the change: ctime moved
    assert.deepEqual(repo.loadKeys()[0], decodeFernetKey(replacement));
  });

  it('does not reuse a snapshot of a directory that changed within the last seconds', () => {
    const repo = new FernetKeyRepository({ path: root, maxActiveKeys: 3 });
    repo.setup();
    const first = repo.loadKeys();
    assert.notEqual(repo.loadKeys()[0], first[0]);
    assert.deepEqual(repo.loadKeys()[0], first[0]);
  });

  it('rotate on a repository without key 0 fails with a coded error', () => {
    writeFileSync(join(root, '1'), Buffer.alloc(32).toString('base64url'));
    const repo = new FernetKeyRepository({ path: root, maxActiveKeys: 3 });
    assert.throws(() => repo.rotate(), { code: FernetKeyRepositoryError.code, message: `Key repository ${root} has no staged key 0; run setup first` });
  });
});

describe('FernetKeyRepository errors', () => {
  it('reports a missing or empty repository as keys-not-found, naming the path', () => {
    const missing = join(root, 'missing');
    for (const path of [missing, root]) {
      const repo = new FernetKeyRepository({ path, maxActiveKeys: 3 });
      for (const call of [() => repo.loadKeys(), () => repo.rotate()]) {
        assert.throws(call, {
          name: 'FernetKeysNotFoundError',
          code: FernetKeysNotFoundError.code,
          message: `No Fernet keys found in key repository ${path}`,
          path,
        });
      }
    }
  });

  it('reports a repository path that is not a directory as keys-not-found', () => {
    const file = join(root, 'file');
    writeFileSync(file, Buffer.alloc(32).toString('base64url'));
    assert.throws(() => new FernetKeyRepository({ path: file, maxActiveKeys: 3 }).loadKeys(), {
      code: FernetKeysNotFoundError.code,
      message: `No Fernet keys found in key repository ${file}`,
    });
  });

  it('reports a corrupt key file as a repository error naming the file', () => {
    writeFileSync(join(root, '0'), 'not a key');
    const repo = new FernetKeyRepository({ path: root, maxActiveKeys: 3 });
    assert.throws(() => repo.loadKeys(), {
      code: FernetKeyRepositoryError.code,
      message: `Invalid Fernet key in ${join(root, '0')}`,
      path: root,
    });
  });

  it('rejects bad options with TypeError', () => {
    assert.throws(() => new FernetKeyRepository({ path: '', maxActiveKeys: 3 }), TypeError);
    assert.throws(() => new FernetKeyRepository({ path: root, maxActiveKeys: 0 }), TypeError);
    assert.throws(() => new FernetKeyRepository({ path: root, maxActiveKeys: 2.5 }), TypeError);
  });
});
