// Every mistake a user can make with `baton` ends in one clear line and an exit status,
// never a stack trace, and leaves nothing written behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors as sessionErrors } from '@baton/session';
import { BATON_BIN, BATON_SOURCE_BIN, runCommand, startBatonCommand } from '@baton/test-support';
import { describeError } from '../src/errors.ts';

const STACK_FRAME = /^\s+at /m;

describe('baton explains mistakes instead of crashing', () => {
  let dir: string;
  let busy: Server;
  let busyPort: number;

  /** Runs baton in a fresh empty working directory, so anything it writes shows up there. */
  async function baton(args: string[], env: NodeJS.ProcessEnv = {}) {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const result = await runCommand(process.execPath, [BATON_BIN, ...args], { cwd, env: { ...process.env, BATON_DEBUG: '', ...env }, timeoutMs: 300_000 });
    return { ...result, written: readdirSync(cwd) };
  }

  function assertNoStack(stderr: string): void {
    assert.doesNotMatch(stderr, STACK_FRAME);
    assert.doesNotMatch(stderr, /Node\.js v\d/);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-mistakes-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen({ host: '127.0.0.1', port: 0 }, resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise((resolve) => busy.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await baton(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${version}\n`);
  });

  it('the shipped command (tsx on the sources) runs as the bundle the suite starts does', async () => {
    const r = await runCommand(process.execPath, [BATON_SOURCE_BIN, 'manage', '--help'], { timeoutMs: 120_000 });
    const bundled = await runCommand(process.execPath, [BATON_BIN, 'manage', '--help'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /fernet-setup/);
    assert.equal(r.stdout, bundled.stdout);
  });

  it('a busy port names the service and the port, before up writes its state directory', async () => {
    const r = await baton(['up', '--port', String(busyPort)]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `baton: identity cannot listen on 127.0.0.1:${busyPort}: the port is already in use (choose another with --port)\n`);
    assert.deepEqual(r.written, []);
  });

  it('a busy port stops identity serve and echo-service with their own names', async () => {
    const config = join(dir, 'any.conf');
    writeFileSync(config, '[token]\nexpiration = 60\n');
    const cases = [
      ['identity', ['identity', 'serve', '--config', config, '--workers', '2']],
      ['echo-service', ['echo-service', '--config', config]],
    ] as const;
    const results = await Promise.all(cases.map(([, args]) => baton([...args, '--port', String(busyPort)])));
    cases.forEach(([service], i) => {
      const r = results[i]!;
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, `baton: ${service} cannot listen on 127.0.0.1:${busyPort}: the port is already in use (choose another with --port)\n`);
      assert.deepEqual(r.written, []);
    });
  });

  it('bad flag values get commander\'s message and exit status 2', async () => {
    const [port, workers] = await Promise.all([
      baton(['up', '--port', 'abc']),
      baton(['identity', 'serve', '--config', 'keystone.conf', '--workers', '-1']),
    ]);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /^error: option '--port <port>' argument 'abc' is invalid\. expected an integer from 0 to 65535\./);
    assertNoStack(port.stderr);
    assert.deepEqual(port.written, []);
    assert.equal(workers.code, 2);
    assert.match(workers.stderr, /^error: option '--workers <n>' argument '-1' is invalid\. expected an integer from 1 to 64\./);
  });

  it('a missing or unreadable config file is named, with exit status 2', async () => {
    const folder = join(dir, 'a-directory');
    mkdirSync(folder);
    const [missing, unreadable] = await Promise.all([
      baton(['manage', 'db-sync', '--config', join(dir, 'nope.conf')]),
      baton(['manage', 'db-sync', '--config', folder]),
    ]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `baton: config file not found: ${join(dir, 'nope.conf')}\n`);
    assert.equal(unreadable.code, 2);
    assert.equal(unreadable.stderr, `baton: cannot read config file ${folder}: is a directory\n`);
    assert.deepEqual([...missing.written, ...unreadable.written], []);
  });

  it('every config error is reported at once, and a typo warns once with the name it meant', async () => {
    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, '[token]\nexpiration = soon\nexpiraton = 5\n[fernet_tokens]\nmax_active_keys = 0\n');
    const r = await baton(['manage', 'fernet-setup', '--config', bad]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      [
        'baton: 2 errors in the configuration:',
        `  ${bad}:5: [fernet_tokens] max_active_keys = "0": expected an integer >= 1`,
        `  ${bad}:2: [token] expiration = "soon": expected an integer >= 0`,
        `  warning: ${bad}:3: [token] expiraton: unknown option, ignored; did you mean \`expiration\`?`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(r.written, []);
  });

  it('a data directory that cannot be created is named', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const r = await baton(['up', '--data-dir', join(file, 'state'), '--port', '0']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `baton: cannot mkdir ${join(file, 'state')}: a parent is not a directory\n`);
  });

  it('an unreachable database is one line naming the address', async () => {
    const config = join(dir, 'pg.conf');
    writeFileSync(config, '[database]\nconnection = postgresql://postgres@127.0.0.1:1/test\n');
    const [r, debug, flag] = await Promise.all([
      baton(['manage', 'db-sync', '--config', config]),
      baton(['manage', 'db-sync', '--config', config], { BATON_DEBUG: '1' }),
      baton(['manage', 'db-sync', '--config', config, '--debug']),
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'baton: cannot connect to 127.0.0.1:1: connection refused\n');
    assert.match(debug.stderr, STACK_FRAME, 'BATON_DEBUG=1 shows the stack');
    assert.match(flag.stderr, STACK_FRAME, '--debug after the command shows the stack');
  });

  it('identity unreachable names the URL', () => {
    const error = new sessionErrors.ConnectionError('connection refused', { method: 'POST', url: 'http://127.0.0.1:1/v3/auth/tokens' });
    assert.deepEqual(describeError(error), {
      message: 'baton: cannot reach http://127.0.0.1:1/v3/auth/tokens: POST http://127.0.0.1:1/v3/auth/tokens failed to connect: connection refused',
      exitCode: 1,
      known: true,
    });
  });

  it('an unexpected error is one line saying how to see the details', () => {
    const described = describeError(new TypeError('Cannot read properties of undefined (reading \'x\')\nsecond line'));
    assert.equal(described.known, false);
    assert.equal(described.exitCode, 1);
    assert.equal(
      described.message,
      "baton: unexpected error: TypeError: Cannot read properties of undefined (reading 'x') (run again with --debug (or BATON_DEBUG=1) to see the stack trace)",
    );
    assert.ok(!existsSync(join(dir, '.baton')));
  });
});
