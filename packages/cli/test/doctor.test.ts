// `baton doctor` as an operator runs it: a child process on a real `baton up` deployment,
// its exit status (0 clean, 1 warnings, 2 errors), its table and JSON, and bad input.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BATON_BIN, freePort, runCommand, startBatonCommand, type Running } from '@baton/test-support';

describe('baton doctor', () => {
  let dir: string;
  let up: Running;
  let url: string;
  let state: string;
  let env: NodeJS.ProcessEnv;

  /** nova.conf as `baton up` wrote it (its last section is [service_user]), plus `extra` lines there. */
  const serviceFile = (extra: readonly string[] = []) => `${readFileSync(join(state, 'nova.conf'), 'utf8')}${extra.join('\n')}\n`;

  const doctor = (args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    runCommand(process.execPath, [BATON_BIN, 'doctor', ...args], { env: { ...env, ...extraEnv }, timeoutMs: 300_000 });

  const noStack = (stderr: string, stdout: string) => assert.doesNotMatch(stderr + stdout, /\n\s+at .*:\d+:\d+/);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-doctor-cli-'));
    state = join(dir, 'state');
    const names = ['identity', 'compute', 'block-storage', 'image', 'network'];
    const ports = await Promise.all(names.map(() => freePort()));
    const flags = names.flatMap((name, i) => [`--${name}-port`, String(ports[i])]);
    up = await startBatonCommand(['up', '--data-dir', state, ...flags], { waitFor: /^(ready)$/m, readyMs: 180_000 });
    url = `http://127.0.0.1:${ports[0]}/v3`;
    const adminPassword = readFileSync(join(state, 'admin-password'), 'utf8').trim();
    env = {
      ...process.env,
      OS_AUTH_URL: url,
      OS_USERNAME: 'admin',
      OS_PASSWORD: adminPassword,
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
    };
    delete env['OS_CLOUD'];
    delete env['NO_COLOR'];
  });
  after(async () => {
    await up?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports nothing on a clean `baton up` deployment and exits 0', async () => {
    const r = await doctor(['--data-dir', join(dir, 'state')]);
    assert.equal(r.stdout, 'No problems found.\n', r.stderr);
    assert.equal(r.code, 0);
  });

  it('exits 1 with warnings only; piped output has no colour', async () => {
    const glance = join(dir, 'glance-api.conf');
    writeFileSync(glance, readFileSync(join(state, 'glance-api.conf'), 'utf8').replace('service_token_roles_required = true', 'service_token_roles_required = false'));
    const r = await doctor(['--service', glance, '--service', `nova=${join(dir, 'state', 'nova.conf')}`]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^warning +service-token-roles-not-required +.*glance-api\.conf \[keystone_authtoken\] service_token_roles_required$/m);
    assert.match(r.stdout, /fix: service_token_roles_required = true$/m);
    assert.match(r.stdout, /^0 errors, 1 warning$/m);
    assert.doesNotMatch(r.stdout, /\u001b\[/);
  });

  it('exits 2 with an error, and --format json gives the findings', async () => {
    const nova = join(dir, 'nova.conf');
    writeFileSync(nova, serviceFile(['send_service_user_token = false']));
    const r = await doctor(['--service', nova, '--config', join(dir, 'state', 'keystone.conf'), '--format', 'json', '--longest-job', '3d']);
    assert.equal(r.code, 2, r.stderr);
    const out = JSON.parse(r.stdout) as { exitCode: number; findings: { id: string; location: object }[] };
    assert.equal(out.exitCode, 2);
    assert.deepEqual(out.findings.map((f) => f.id), ['allow-expired-window-shorter-than-job', 'send-service-user-token-false']);
    assert.deepEqual(out.findings[1]?.location, { file: nova, section: 'service_user', option: 'send_service_user_token' });
  });

  describe('bad input: a clear message, exit 2, no stack trace, and what the other files show', () => {
    const broken = () => {
      const nova = join(dir, 'broken-nova.conf');
      writeFileSync(nova, serviceFile(['send_service_user_token = false']));
      return nova;
    };

    // One run over every kind of bad file beside a readable nova.conf, asserted per case.
    let files: Awaited<ReturnType<typeof doctor>>;
    before(async () => {
      const malformed = join(dir, 'cinder.conf');
      writeFileSync(malformed, '[keystone_authtoken]\nauth_url = http://x/v3\nthis line has no equals sign\n');
      const text = join(dir, 'settings.ini');
      writeFileSync(text, '[server]\nport = 80\n');
      const binary = join(dir, 'image.conf');
      writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe]));
      files = await doctor(['--service', join(dir, 'missing.conf'), '--service', malformed, '--service', text, '--service', binary, '--service', broken()]);
    });

    it('exits 2 without a stack trace, and still reports what the readable file shows', () => {
      assert.equal(files.code, 2);
      assert.match(files.stdout, /send-service-user-token-false/);
      noStack(files.stderr, files.stdout);
    });

    it('an unreadable file', () => {
      assert.match(files.stdout, /file-unreadable +.*missing\.conf\n +why: The file cannot be read \(no such file\)/);
    });

    it('a malformed file', () => {
      assert.match(files.stdout, /file-malformed +.*cinder\.conf\n +why: Line 3 is not valid INI \(expected "key = value" or "key: value"\)/);
    });

    it('a file that is not a service config, text or binary', () => {
      assert.match(files.stdout, /file-not-service-config +.*settings\.ini\n +why: This is not an OpenStack service config: it has no \[keystone_authtoken\], \[service_user\] or \[DEFAULT\] section/);
      assert.match(files.stdout, /file-not-service-config +.*image\.conf\n +why: This is not a text file \(it holds binary data\)/);
    });

    it('identity unreachable', async () => {
      const closed = `http://127.0.0.1:${await freePort()}/v3`;
      const r = await doctor(['--service', broken(), '--os-auth-url', closed]);
      assert.equal(r.code, 2);
      assert.match(r.stdout, /identity-unreachable +identity\n +why: The identity service did not answer \(POST .* failed to connect/);
      assert.match(r.stdout, /send-service-user-token-false/);
      noStack(r.stderr, r.stdout);
    });

    it('wrong admin credentials', async () => {
      const r = await doctor(['--service', broken()], { OS_PASSWORD: 'wrong' });
      assert.equal(r.code, 2);
      assert.match(r.stdout, /admin-credentials-rejected +identity\n +why: Identity refused the admin credentials \(.*401/);
      assert.match(r.stdout, /send-service-user-token-false/);
      noStack(r.stderr, r.stdout);
    });

    it('a cloud clouds.yaml does not have', async () => {
      const clouds = join(dir, 'clouds.yaml');
      writeFileSync(clouds, 'clouds:\n  other:\n    auth: {auth_url: http://x/v3}\n');
      const r = await doctor(['--service', broken(), '--os-cloud', 'prod'], { OS_CLIENT_CONFIG_FILE: clouds });
      assert.equal(r.code, 2);
      assert.match(r.stdout, /admin-credentials-rejected +identity\n +why: The admin credentials could not be read: cloud "prod" not found in .*clouds\.yaml/);
      noStack(r.stderr, r.stdout);
    });

    it('usage mistakes: nothing to check, a bad duration, a bad format', async () => {
      const none = await doctor([]);
      assert.deepEqual([none.code, none.stderr], [2, 'baton doctor: nothing to check: give --config keystone.conf, --service FILE or --data-dir DIR\n']);
      const duration = await doctor(['--data-dir', join(dir, 'state'), '--longest-job', '2 days']);
      assert.equal(duration.code, 2);
      assert.match(duration.stderr, /^baton doctor: --longest-job: invalid duration "2 days": expected a whole number with s, m, h, d or w/);
      const format = await doctor(['--data-dir', join(dir, 'state'), '--format', 'xml']);
      assert.deepEqual([format.code, format.stderr], [2, 'baton doctor: --format must be table or json, got "xml"\n']);
    });
  });
});
