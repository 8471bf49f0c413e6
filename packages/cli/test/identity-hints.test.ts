// What identity's commands say about the state of the database: db-sync says what it did,
// and serving a database never bootstrapped warns with the command that fixes it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATON_BIN, runChecked, startBatonCommand } from '@baton/test-support';

describe('identity start-up hints', () => {
  let dir: string;
  let config: string;
  const baton = (...args: string[]) => runChecked(process.execPath, [BATON_BIN, ...args], { timeoutMs: 300_000 });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-hints-'));
    config = join(dir, 'keystone.conf');
    writeFileSync(config, `[DEFAULT]\nstate_path = ${dir}\nlog_file = ${join(dir, 'log', 'identity.log')}\n[identity]\npassword_hash_rounds = 4\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('db-sync says it created the schema, then that it is already up to date', async () => {
    // Every migration, in order, starting with the first.
    assert.match((await baton('manage', 'db-sync', '--config', config)).stdout, /^db-sync: created the schema \((\d+) migrations? applied: 0001-initial(, \d{4}-[a-z0-9-]+)*\)\n$/);
    assert.equal((await baton('manage', 'db-sync', '--config', config)).stdout, 'db-sync: the schema is already up to date\n');
  });

  it('serving a database never bootstrapped warns once, naming the command; bootstrapped, it does not; requests go to log_file', async () => {
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
      const response = await fetch(`${ready.url}/v3/auth/tokens?nocatalog`, { headers: { 'X-Auth-Token': 'not-a-token', 'X-Subject-Token': 'not-a-token' } });
      assert.equal(response.status, 401);
    } finally {
      await ready.stop();
    }
    // [DEFAULT] log_file: pino JSON lines (not a terminal), flushed when the service stops.
    const lines = readFileSync(join(dir, 'log', 'identity.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.filter((line) => 'durationMs' in line);
    assert.equal(access.length, 1);
    assert.deepEqual(
      { method: access[0]?.method, path: access[0]?.path, status: access[0]?.status, reason: access[0]?.reason },
      { method: 'GET', path: '/v3/auth/tokens', status: 401, reason: 'The request you have made requires authentication.' },
    );
    assert.doesNotMatch(ready.output(), /durationMs/, 'with log_file set, nothing goes to stderr');
  });
});
