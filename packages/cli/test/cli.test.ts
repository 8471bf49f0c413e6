// The `baton` command as a user runs it: a child process, real files, real ports.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATON_BIN as BIN, freePort, issuePasswordToken, runCommand, startBatonCommand, type CommandResult, type Running } from '@baton/test-support';
import { IdentityService } from '@baton/identity';
import { loadKeystoneConfig } from '../src/load-config.ts';

function baton(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** Starts `baton identity serve` and resolves with its URL once it prints it. */
function serve(config: string, ...extra: string[]) {
  return startBatonCommand(['identity', 'serve', '--config', config, '--port', '0', ...extra], { readyMs: 60_000 });
}

describe('baton CLI', () => {
  let dir: string;
  let config: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cli-'));
    config = join(dir, 'keystone.conf');
    // Only a few options: every other one takes its default.
    writeFileSync(config, `[DEFAULT]\nstate_path = ${dir}\n\n[identity]\npassword_hash_rounds = 4\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stops on a bad value naming file, line, section, option and what is expected', () => {
    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, '[token]\nexpiration = soon\n');
    const r = baton('manage', 'fernet-setup', '--config', bad);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), `baton: ${bad}:2: [token] expiration = "soon": expected an integer >= 0`);
  });

  it('warns about an unknown option and names a missing config file', () => {
    const odd = join(dir, 'odd.conf');
    writeFileSync(odd, `[DEFAULT]\nstate_path = ${join(dir, 'odd')}\n[token]\nexpiraton = 5\n`);
    const r = baton('manage', 'fernet-setup', '--config', odd);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /warning: .*\[token\] expiraton/);
    const missing = baton('manage', 'fernet-setup', '--config', join(dir, 'nope.conf'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /config file not found: .*nope\.conf/);
  });

  it('refuses to serve without keys, saying how to create them', () => {
    const r = baton('identity', 'serve', '--config', config, '--port', '0');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /No Fernet keys found .*\[fernet_tokens\] key_repository.*baton manage fernet-setup --config/);
  });

  it('sets up and rotates keys as keystone-manage does (0700 directory, 0600 keys)', () => {
    assert.equal(baton('manage', 'fernet-setup', '--config', config).stdout, 'fernet-setup: keys 0, 1\n');
    assert.equal(baton('manage', 'fernet-setup', '--config', config).stdout, 'fernet-setup: keys 0, 1\n');
    assert.equal(baton('manage', 'fernet-rotate', '--config', config).stdout, 'fernet-rotate: keys 0, 1, 2\n');
    const keys = join(dir, 'fernet-keys');
    assert.equal(statSync(keys).mode & 0o777, 0o700);
    for (const key of readdirSync(keys)) assert.equal(statSync(join(keys, key)).mode & 0o777, 0o600);
  });

  it('bootstraps idempotently and requires a password; roles it creates are immutable unless --no-immutable-roles', async () => {
    const noPassword = baton('manage', 'bootstrap', '--config', config);
    assert.equal(noPassword.status, 2);
    assert.match(noPassword.stderr, /--bootstrap-password \(or OS_BOOTSTRAP_PASSWORD\) is required/);
    const args = ['manage', 'bootstrap', '--config', config, '--bootstrap-password', 'pw', '--bootstrap-region-id', 'RegionOne', '--bootstrap-public-url', 'http://127.0.0.1:1/v3'];
    const first = baton(...args);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /user admin/);
    assert.match(first.stdout, /role service/);
    assert.equal(baton(...args).stdout, 'bootstrap: nothing to change\n');
    // A second admin role, created without the option; the roles that exist keep theirs.
    const mutable = baton(...args, '--bootstrap-role-name', 'operator', '--no-immutable-roles');
    assert.equal(mutable.status, 0, mutable.stderr);
    const service = await IdentityService.open(loadKeystoneConfig([config]));
    try {
      const options = async (name: string) => (await service.assignment.getRoleByName(name)).options;
      assert.deepEqual([await options('operator'), await options('reader'), await options('admin')], [{}, { immutable: true }, { immutable: true }]);
    } finally {
      await service.close();
    }
  });

  it('sets up, rotates and migrates credential keys as keystone-manage does', async () => {
    assert.match(baton('manage', 'credential-rotate', '--help').stdout, /refused until credential-migrate/);
    const noKeys = baton('manage', 'credential-rotate', '--config', config);
    assert.equal(noKeys.status, 1);
    assert.match(noKeys.stderr, /no keys in .*credential-keys \(\[credential\] key_repository\); create them with: baton manage credential-setup --config/);
    assert.equal(baton('manage', 'credential-setup', '--config', config).stdout, 'credential-setup: keys 0, 1\n');
    const keys = join(dir, 'credential-keys');
    assert.equal(statSync(keys).mode & 0o777, 0o700);
    for (const key of readdirSync(keys)) assert.equal(statSync(join(keys, key)).mode & 0o777, 0o600);
    // A credential encrypted with key 1, then a rotation: the next one waits for the migration.
    const service = await IdentityService.open(loadKeystoneConfig([config]));
    try {
      await service.credentials.create({ userId: 'u1', projectId: null, type: 'cert', blob: 'kept', extra: {} });
    } finally {
      await service.close();
    }
    assert.equal(baton('manage', 'credential-rotate', '--config', config).stdout, 'credential-rotate: keys 0, 1, 2\n');
    const refused = baton('manage', 'credential-rotate', '--config', config);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /not all credentials are encrypted with the primary key.*baton manage credential-migrate --config/);
    assert.equal(baton('manage', 'credential-migrate', '--config', config).stdout, 'credential-migrate: 1 credential re-encrypted\n');
    assert.equal(baton('manage', 'credential-rotate', '--config', config).stdout, 'credential-rotate: keys 0, 2, 3\n');
  });

  it('serves with two workers and issues tokens the admin can use', async () => {
    const server = await serve(config, '--workers', '2');
    try {
      const body = { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'pw' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } };
      const issued = await fetch(`${server.url}/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(issued.status, 201);
      const token = issued.headers.get('x-subject-token') as string;
      for (let i = 0; i < 6; i++) {
        const r = await fetch(`${server.url}/v3/auth/tokens`, { headers: { 'x-auth-token': token, 'x-subject-token': token } });
        assert.equal(r.status, 200);
      }
    } finally {
      await server.stop();
    }
  });

  it('reports unsupported options once (--strict refuses them) and logs to [DEFAULT] log_file', async () => {
    const logFile = join(dir, 'log', 'keystone.log');
    const cached = join(dir, 'cached.conf');
    writeFileSync(cached, `[DEFAULT]\nstate_path = ${dir}\nlog_file = ${logFile}\ndebug = true\n\n[identity]\npassword_hash_rounds = 4\n\n[cache]\nbackend = oslo_cache.dict\ntls_enabled = true\n`);
    const strict = baton('identity', 'serve', '--strict', '--config', cached, '--port', '0');
    assert.equal(strict.status, 2);
    assert.match(strict.stderr, new RegExp(`${cached}:11: \\[cache\\] tls_enabled is not supported by Baton`));
    assert.doesNotMatch(strict.stderr, /\[cache\] backend/);
    mkdirSync(join(dir, 'log'));
    const server = await serve(cached);
    try {
      assert.equal(server.output().match(/\[cache\] tls_enabled is not supported/g)?.length, 1);
      assert.equal((await fetch(`${server.url}/v3`)).status, 200);
    } finally {
      await server.stop();
    }
    assert.match(readFileSync(logFile, 'utf8'), /"method":"GET","path":"\/v3","status":200/);
  });

  type DemoReport = { ok: boolean; tokenLifetimeSeconds: number; jobs: { job: string; serviceTokens: boolean; outcome: string; expected: boolean; fault: string | null; timeline: { userTokenExpired: boolean; serviceToken: boolean; status: number }[] }[] };

  /** What every demo run must show: jobs outliving the user token with service tokens, failing and saying why without. */
  function assertDemo(r: CommandResult): DemoReport {
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
    const report = JSON.parse(r.stdout) as DemoReport;
    assert.equal(report.ok, true);
    assert.deepEqual(report.jobs.map((j) => `${j.job} ${j.serviceTokens} ${j.outcome}`), [
      'live-migration true succeeded',
      'snapshot true succeeded',
      'snapshot false failed',
      'live-migration false failed',
    ]);
    for (const job of report.jobs.filter((j) => j.serviceTokens)) {
      assert.ok(job.timeline.some((c) => c.userTokenExpired && c.serviceToken && c.status < 400), `${job.job} made calls after the user token expired`);
    }
    for (const job of report.jobs.filter((j) => !j.serviceTokens)) assert.match(job.fault ?? '', /\[service_user\] send_service_user_token = true/);
    return report;
  }

  it('demo on its own cloud: live migration and snapshot outlive the user token with service tokens, and fail saying why without', async () => {
    const report = assertDemo(await runCommand(process.execPath, [BIN, 'demo', '--format', 'json'], { timeoutMs: 400_000 }));
    assert.equal(report.tokenLifetimeSeconds, 15);
  });

  describe('baton up --token-lifetime, then baton demo --data-dir on it', () => {
    const names = ['identity', 'compute', 'block-storage', 'image', 'network'];
    let state: string;
    let flags: string[];
    let up: Running | undefined;
    const start = (...extra: string[]) => startBatonCommand(['up', '--data-dir', state, ...flags, ...extra], { waitFor: /^(ready)$/m, readyMs: 180_000 });

    before(async () => {
      state = join(dir, 'up');
      // The operator's own keystone.conf, kept by up: a cheap bcrypt cost, as baton demo's own
      // cloud has, since with 15-second tokens everything logs in again all the time.
      mkdirSync(state, { mode: 0o700 });
      writeFileSync(join(state, 'keystone.conf'), '[identity]\npassword_hash_rounds = 4\n');
      const ports = await Promise.all(names.map(() => freePort()));
      flags = names.flatMap((name, i) => [`--${name}-port`, String(ports[i])]);
      up = await start('--token-lifetime', '15');
    });
    after(() => up?.stop());

    it('runs the demo on the running cloud, which still serves afterwards with its files untouched and nothing of the demo left', async () => {
      const files = ['keystone.conf', 'nova.conf', 'clouds.yaml', 'passwords.json'].map((f) => readFileSync(join(state, f), 'utf8'));
      const report = assertDemo(await runCommand(process.execPath, [BIN, 'demo', '--data-dir', state, '--format', 'json'], { timeoutMs: 400_000 }));
      assert.equal(report.tokenLifetimeSeconds, 15, 'the cloud\'s own token lifetime');
      assert.deepEqual(['keystone.conf', 'nova.conf', 'clouds.yaml', 'passwords.json'].map((f) => readFileSync(join(state, f), 'utf8')), files);
      const password = (JSON.parse(readFileSync(join(state, 'passwords.json'), 'utf8')) as { demo: string }).demo;
      const { token, body } = await issuePasswordToken(`http://127.0.0.1:${flags[1]}/v3`, 'demo', password, { project: 'demo' });
      const compute = body.token.catalog?.find((e) => e.type === 'compute')?.endpoints.find((e) => e.interface === 'public')?.url;
      const servers = await fetch(`${compute}/servers`, { headers: { 'x-auth-token': token } });
      assert.equal(servers.status, 200);
      assert.deepEqual(((await servers.json()) as { servers: unknown[] }).servers, [], 'the demo deleted its servers');
    });

    it('a restart keeps the operator\'s edits and sets only what its flags decide; the demo then refuses the hour-long tokens, saying what to run', async () => {
      await up?.stop();
      const nova = join(state, 'nova.conf');
      const keystone = join(state, 'keystone.conf');
      writeFileSync(nova, readFileSync(nova, 'utf8').replace('[compute]\n', '[compute]\n# three hosts here\nhosts = node1,node2,node3\n'));
      writeFileSync(keystone, readFileSync(keystone, 'utf8').replace('expiration = 15', 'expiration = 3600'));
      const oldIdentity = flags[1] as string;
      flags[1] = String(await freePort());
      up = await start();
      const novaText = readFileSync(nova, 'utf8');
      assert.match(novaText, /# three hosts here\nhosts = node1,node2,node3\n/, 'the edit to [compute] survived');
      assert.match(novaText, /^live_migration_duration = 20$/m, 'no --token-lifetime: the file keeps its job durations');
      assert.match(readFileSync(keystone, 'utf8'), /^expiration = 3600$/m, 'no --token-lifetime: the file keeps its expiration');
      assert.equal(novaText.match(new RegExp(`^auth_url = http://127\\.0\\.0\\.1:${flags[1]}/v3$`, 'gm'))?.length, 2, 'the new identity port, in [keystone_authtoken] and [service_user]');
      assert.match(up.output(), new RegExp(`nova\\.conf: \\[keystone_authtoken\\] auth_url = http://127\\.0\\.0\\.1:${flags[1]}/v3 \\(was http://127\\.0\\.0\\.1:${oldIdentity}/v3\\)`));
      const r = await runCommand(process.execPath, [BIN, 'demo', '--data-dir', state], { timeoutMs: 120_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim(), `baton demo: the cloud in ${state} issues user tokens that live 3600 s, longer than a demo can wait for them to expire; stop it (Ctrl-C) and start it with \`baton up --data-dir ${state} --token-lifetime 15\``);
    });
  });
});
