// What identity's commands say about the state of the database: db-sync says what it did,
// and serving a database never bootstrapped warns with the command that fixes it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATON_BIN, runChecked, startBatonCommand } from '@baton/test-support';

describe('identity start-up hints', () => {
  let dir: string;
  let config: string;
  const baton = (...args: string[]) => runChecked(process.execPath, [BATON_BIN, ...args], { timeoutMs: 60_000 });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-hints-'));
    config = join(dir, 'keystone.conf');
    writeFileSync(config, `[DEFAULT]\nstate_path = ${dir}\n[identity]\npassword_hash_rounds = 4\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('db-sync says it created the schema, then that it is already up to date', async () => {
    assert.equal((await baton('manage', 'db-sync', '--config', config)).stdout, 'db-sync: created the schema (1 migration applied: 0001-initial)\n');
    assert.equal((await baton('manage', 'db-sync', '--config', config)).stdout, 'db-sync: the schema is already up to date\n');
  });

  it('serving a database never bootstrapped warns once, naming the command; bootstrapped, it does not', async () => {
    await baton('manage', 'fernet-setup', '--config', config);
    const hint = `baton: warning: the database ([database] connection) was never bootstrapped, so no user can get a token; run: baton manage bootstrap --config ${config} --bootstrap-password <password>`;
    const bare = await startBatonCommand(['identity', 'serve', '--config', config, '--port', '0']);
    try {
      assert.deepEqual(bare.output().split('\n').filter((line) => line.includes('bootstrapped')), [hint]);
    } finally {
      await bare.stop();
    }
    await baton('manage', 'bootstrap', '--config', config, '--bootstrap-password', 'pw');
    const ready = await startBatonCommand(['identity', 'serve', '--config', config, '--port', '0']);
    try {
      assert.doesNotMatch(ready.output(), /bootstrapped/);
    } finally {
      await ready.stop();
    }
  });
});
