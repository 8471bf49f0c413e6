// Each finding from a deliberately broken deployment: Baton's identity listening on
// 127.0.0.1 and the services' files, one planted problem per test.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '@baton/test-support';
import { adminFlags, copyKeys, credentials, doctorOn, only, startDeployment, writeDeployment, type Deployment } from './deployment.ts';

describe('baton doctor against a running Baton identity', () => {
  let d: Deployment;
  before(async () => {
    d = await startDeployment();
  });
  after(() => d.close());

  test('a clean deployment has no findings', async () => {
    assert.deepEqual(await doctorOn(d, writeDeployment(d)), []);
  });

  describe('source services ([service_user])', () => {
    test('section missing in nova.conf', async () => {
      const dir = writeDeployment(d);
      writeFileSync(join(dir, 'nova.conf'), ['[keystone_authtoken]', ...credentials(d.url, 'nova'), 'service_token_roles_required = true', ''].join('\n'));
      const f = only(await doctorOn(d, dir), 'service-user-missing');
      assert.equal(f.severity, 'error');
      assert.deepEqual(f.location, { file: join(dir, 'nova.conf'), section: 'service_user' });
      assert.match(f.fix, /^\[service_user\]$/m);
      assert.match(f.fix, /^send_service_user_token = true$/m);
      assert.match(f.fix, new RegExp(`^auth_url = ${d.url}$`, 'm'));
    });

    test('section incomplete: no password', async () => {
      const dir = writeDeployment(d, { 'cinder.conf': ['password ='] });
      const f = only(await doctorOn(d, dir), 'service-user-incomplete');
      assert.deepEqual(f.location, { file: join(dir, 'cinder.conf'), section: 'service_user', option: 'password' });
      assert.equal(f.fix, 'Set password in [service_user].');
    });

    test('auth_section naming a section the file lacks', async () => {
      const dir = writeDeployment(d, { 'nova.conf': ['auth_section = nova_auth'] });
      const f = only(await doctorOn(d, dir), 'service-user-incomplete');
      assert.deepEqual(f.location, { file: join(dir, 'nova.conf'), section: 'service_user', option: 'auth_section' });
    });

    test('credentials in the section auth_section names are used', async () => {
      const dir = writeDeployment(d, { 'nova.conf': ['auth_section = nova_auth', 'password = wrong', '[nova_auth]', ...credentials(d.url, 'weak')] });
      const f = only(await doctorOn(d, dir), 'service-user-lacks-service-role');
      assert.deepEqual(f.location, { file: join(dir, 'nova.conf'), section: 'nova_auth', user: 'weak' });
    });

    test('send_service_user_token false', async () => {
      const dir = writeDeployment(d, { 'nova.conf': ['send_service_user_token = false'] });
      const f = only(await doctorOn(d, dir), 'send-service-user-token-false');
      assert.equal(f.severity, 'error');
      assert.deepEqual(f.location, { file: join(dir, 'nova.conf'), section: 'service_user', option: 'send_service_user_token' });
      assert.equal(f.fix, 'send_service_user_token = true');
    });

    test('credentials that identity refuses, tried for real', async () => {
      const dir = writeDeployment(d, { 'cinder.conf': ['password = not-it'] });
      const f = only(await doctorOn(d, dir), 'service-user-auth-failed');
      assert.deepEqual(f.location, { file: join(dir, 'cinder.conf'), section: 'service_user', user: 'cinder' });
      assert.match(f.why, /answered 401/);
      assert.match(f.fix, /openstack user set --password-prompt cinder/);
    });

    test('a service user that does not exist in identity, told apart from a wrong password', async () => {
      const dir = writeDeployment(d, { 'nova.conf': ['username = ghost'] });
      const f = only(await doctorOn(d, dir), 'service-user-auth-failed');
      assert.deepEqual(f.location, { file: join(dir, 'nova.conf'), section: 'service_user', user: 'ghost' });
      assert.match(f.why, /: user ghost does not exist in domain Default\.$/);
      assert.match(f.fix, /^openstack user create --domain Default --password-prompt ghost /);
    });

    test('a service user without any role the receivers require', async () => {
      const dir = writeDeployment(d, { 'nova.conf': credentials(d.url, 'weak') });
      const findings = await doctorOn(d, dir);
      const f = only(findings, 'service-user-lacks-service-role');
      assert.deepEqual(f.location, { file: join(dir, 'nova.conf'), section: 'service_user', user: 'weak' });
      assert.match(f.why, /^cinder, glance accept an expired user token from nova only if .*service_token_roles = service, and weak has only member, reader\.$/);
      assert.equal(f.fix, 'openstack role add --user weak --user-domain Default --project weak-project --project-domain Default service');
    });
    test('a service user holding the role on another project than its token is scoped to', async () => {
      const dir = writeDeployment(d, { 'cinder.conf': credentials(d.url, 'misscoped') });
      const f = only(await doctorOn(d, dir), 'service-user-lacks-service-role');
      assert.deepEqual(f.location, { file: join(dir, 'cinder.conf'), section: 'service_user', user: 'misscoped' });
      assert.equal(f.fix, 'In [service_user]: project_name = nova-project and project_domain_name = Default (the user holds the role there; its token is scoped elsewhere)');
    });
  });

  describe('receiving services ([keystone_authtoken])', () => {
    test('service_token_roles_required false is a warning', async () => {
      const dir = writeDeployment(d, { 'glance-api.conf': ['service_token_roles_required = false'] });
      const findings = await doctorOn(d, dir);
      const f = only(findings, 'service-token-roles-not-required');
      assert.equal(f.severity, 'warning');
      assert.equal(findings.length, 1);
      assert.deepEqual(f.location, { file: join(dir, 'glance-api.conf'), section: 'keystone_authtoken', option: 'service_token_roles_required' });
      assert.equal(f.fix, 'service_token_roles_required = true');
    });

    test('service_token_roles empty', async () => {
      const dir = writeDeployment(d, { 'glance-api.conf': ['service_token_roles ='] });
      const f = only(await doctorOn(d, dir), 'service-token-roles-empty');
      assert.deepEqual(f.location, { file: join(dir, 'glance-api.conf'), section: 'keystone_authtoken', option: 'service_token_roles' });
      assert.equal(f.fix, 'service_token_roles = service');
    });

    test('service_token_roles naming a role that differs only in case, or none at all', async () => {
      const dir = writeDeployment(d, { 'glance-api.conf': ['service_token_roles = Service'], 'cinder.conf': ['[keystone_authtoken]', 'service_token_roles = service,operator'] });
      const findings = await doctorOn(d, dir);
      const caseOnly = only(findings, 'service-token-role-case');
      assert.deepEqual(caseOnly.location, { file: join(dir, 'glance-api.conf'), section: 'keystone_authtoken', option: 'service_token_roles' });
      assert.match(caseOnly.why, /named service, not Service/);
      assert.equal(caseOnly.fix, 'service_token_roles = service');
      const missing = only(findings, 'service-token-role-missing');
      assert.deepEqual(missing.location, { file: join(dir, 'cinder.conf'), section: 'keystone_authtoken', option: 'service_token_roles' });
      assert.equal(missing.fix, 'openstack role create operator');
      // Nova and cinder hold `service`: the spelling in glance's file is the one problem reported.
      assert.equal(findings.length, 2);
    });

    test("the service's own validation credentials failing", async () => {
      const dir = writeDeployment(d, { 'glance-api.conf': ['password = nope'] });
      const f = only(await doctorOn(d, dir), 'authtoken-auth-failed');
      assert.deepEqual(f.location, { file: join(dir, 'glance-api.conf'), section: 'keystone_authtoken', user: 'glance' });
    });

    test('incomplete validation credentials', async () => {
      const dir = writeDeployment(d, { 'glance-api.conf': ['auth_url ='] });
      const f = only(await doctorOn(d, dir), 'authtoken-incomplete');
      assert.deepEqual(f.location, { file: join(dir, 'glance-api.conf'), section: 'keystone_authtoken', option: 'auth_url' });
    });

    test("the service's user lacking the role identity's policy needs to validate tokens", async () => {
      const dir = writeDeployment(d, { 'glance-api.conf': credentials(d.url, 'weak') });
      const f = only(await doctorOn(d, dir), 'authtoken-cannot-validate');
      assert.deepEqual(f.location, { file: join(dir, 'glance-api.conf'), section: 'keystone_authtoken', user: 'weak' });
      assert.match(f.why, /identity:validate_token/);
      assert.equal(f.fix, 'openstack role add --user weak --user-domain Default --project weak-project --project-domain Default service');
    });

    test('a value the option refuses is reported, and the rest of the file is still checked', async () => {
      const dir = writeDeployment(d, { 'cinder.conf': ['[keystone_authtoken]', 'service_token_roles_required = maybe', '[service_user]', 'send_service_user_token = false'] });
      const findings = await doctorOn(d, dir);
      const f = only(findings, 'option-invalid');
      assert.deepEqual(f.location, { file: join(dir, 'cinder.conf'), section: 'keystone_authtoken', option: 'service_token_roles_required' });
      assert.match(f.why, /= "maybe": expected a boolean/);
      only(findings, 'send-service-user-token-false');
    });
  });

  describe('identity', () => {
    test('allow_expired_window shorter than --longest-job', async () => {
      const dir = writeDeployment(d);
      const f = only(await doctorOn(d, dir, { limits: { maxExpiration: 86400, longestJob: 3 * 86400 } }), 'allow-expired-window-shorter-than-job');
      assert.deepEqual(f.location, { file: join(dir, 'keystone.conf'), section: 'token', option: 'allow_expired_window' });
      assert.equal(f.fix, 'allow_expired_window = 259200');
    });

    test('allow_expired_window too low to help: a warning, an error at 0', async () => {
      const low = only(await doctorOn(d, writeDeployment(d, { 'keystone.conf': ['[token]', 'allow_expired_window = 600'] })), 'allow-expired-window-too-low');
      assert.equal(low.severity, 'warning');
      assert.equal(low.location.option, 'allow_expired_window');
      const zero = only(await doctorOn(d, writeDeployment(d, { 'keystone.conf': ['[token]', 'allow_expired_window = 0'] })), 'allow-expired-window-too-low');
      assert.equal(zero.severity, 'error');
    });

    test('rotation too fast for the given interval, with the smallest max_active_keys and the longest interval that fix it', async () => {
      const dir = writeDeployment(d);
      const f = only(await doctorOn(d, dir, { limits: { maxExpiration: 86400, rotationInterval: 86400 } }), 'fernet-rotation-too-fast');
      assert.deepEqual(f.location, { file: join(dir, 'keystone.conf'), section: 'fernet_tokens', option: 'max_active_keys' });
      // (5 - 2) × 1d ≥ 1h + 2d; 176400 s = 49h is the shortest interval that works with 3 keys.
      assert.equal(f.fix, 'max_active_keys = 5   (or rotate keys at most once every 49h)');
      assert.deepEqual(await doctorOn(d, writeDeployment(d), { limits: { maxExpiration: 86400, rotationInterval: 176400 } }), []);
    });

    test("rotation too fast, inferred from the key files' ages", async () => {
      const dir = writeDeployment(d);
      const keys = copyKeys(d, dir);
      writeFileSync(join(dir, 'keystone.conf'), `[fernet_tokens]\nkey_repository = ${keys}\nmax_active_keys = 4\n`);
      const now = Date.now() / 1000;
      utimesSync(join(keys, '1'), now - 7200, now - 7200);
      utimesSync(join(keys, '0'), now - 3600, now - 3600);
      const f = only(await doctorOn(d, dir), 'fernet-rotation-too-fast');
      assert.match(f.why, /key files' ages show a rotation every 1h/);
      assert.equal(f.fix, 'max_active_keys = 51   (or rotate keys at most once every 1470m)');
    });

    test('max_active_keys below 3', async () => {
      const f = only(await doctorOn(d, writeDeployment(d, { 'keystone.conf': ['max_active_keys = 2'] })), 'fernet-max-active-keys-too-low');
      assert.equal(f.location.option, 'max_active_keys');
      assert.equal(f.fix, 'max_active_keys = 3');
    });

    test('key repository missing, without staged or primary key', async () => {
      const missing = only(await doctorOn(d, writeDeployment(d, { 'keystone.conf': ['key_repository = /nonexistent/fernet-keys'] })), 'key-repository-missing');
      assert.equal(missing.location.option, 'key_repository');
      assert.match(missing.fix, /^baton manage fernet-setup --config .*keystone\.conf/);

      const dir = writeDeployment(d);
      const keys = copyKeys(d, dir);
      rmSync(join(keys, '0'));
      writeFileSync(join(dir, 'keystone.conf'), `[fernet_tokens]\nkey_repository = ${keys}\n`);
      const staged = only(await doctorOn(d, dir), 'key-repository-no-staged');
      assert.deepEqual(staged.location, { file: join(dir, 'keystone.conf'), section: 'fernet_tokens', option: 'key_repository' });

      const dir2 = writeDeployment(d);
      const keys2 = copyKeys(d, dir2);
      rmSync(join(keys2, '1'));
      writeFileSync(join(dir2, 'keystone.conf'), `[fernet_tokens]\nkey_repository = ${keys2}\n`);
      only(await doctorOn(d, dir2), 'key-repository-no-primary');
    });

    test('key repository permissions and owner', async () => {
      const dir = writeDeployment(d);
      const keys = copyKeys(d, dir);
      chmodSync(join(keys, '1'), 0o644);
      chownSync(join(keys, '0'), 4242, 4242);
      writeFileSync(join(dir, 'keystone.conf'), `[fernet_tokens]\nkey_repository = ${keys}\n`);
      const findings = await doctorOn(d, dir);
      assert.equal(only(findings, 'key-repository-permissions').fix, `chmod 700 ${keys} && chmod 600 ${keys}/*`);
      const owner = only(findings, 'key-repository-owner');
      assert.equal(owner.fix, `chown ${process.getuid?.()}:${process.getgid?.()} ${join(keys, '0')}`);
    });

    test('[token] expiration above the stated limit', async () => {
      const dir = writeDeployment(d, { 'keystone.conf': ['[token]', 'expiration = 172800'] });
      const f = only(await doctorOn(d, dir), 'token-expiration-too-long');
      assert.equal(f.severity, 'warning');
      assert.deepEqual(f.location, { file: join(dir, 'keystone.conf'), section: 'token', option: 'expiration' });
      assert.equal(f.fix, 'expiration = 86400');
      const stricter = await doctorOn(d, writeDeployment(d), { limits: { maxExpiration: 1800 } });
      assert.equal(only(stricter, 'token-expiration-too-long').fix, 'expiration = 1800');
    });

    test('key repositories that differ between nodes', async () => {
      const dir = writeDeployment(d);
      const same = copyKeys(d, dir, 'same');
      const other = copyKeys(d, dir, 'other');
      writeFileSync(join(other, '1'), 'x'.repeat(43) + '=');
      writeFileSync(join(dir, 'node2.conf'), `[fernet_tokens]\nkey_repository = ${same}\n`);
      writeFileSync(join(dir, 'node3.conf'), `[fernet_tokens]\nkey_repository = ${other}\n`);
      const findings = await doctorOn(d, dir, { configs: [join(dir, 'node2.conf'), join(dir, 'node3.conf')] });
      const f = only(findings, 'key-repositories-differ');
      assert.deepEqual(f.location, { file: join(dir, 'node3.conf'), section: 'fernet_tokens', option: 'key_repository' });
      assert.match(f.fix, new RegExp(`rsync -a --delete ${same}/ ${other}/`));
    });
  });

  describe('admin credentials', () => {
    test('none given: a warning, and the services are still checked', async () => {
      const dir = writeDeployment(d, { 'nova.conf': ['send_service_user_token = false'] });
      const findings = await doctorOn(d, dir, { credentials: { flags: {}, env: {} } });
      assert.match(only(findings, 'identity-not-checked').why, /missing --os-auth-url, --os-username, --os-password, --os-project-name/);
      only(findings, 'send-service-user-token-false');
    });

    test('wrong admin password', async () => {
      const findings = await doctorOn(d, writeDeployment(d), { credentials: adminFlags(d.url, 'wrong') });
      assert.match(only(findings, 'admin-credentials-rejected').why, /401/);
      assert.equal(findings.length, 1);
    });

    test('an auth URL that hands out tokens but is no Identity API: reported, file findings kept', async () => {
      // Fault injection: tokens are issued, every other answer is an HTML page.
      const fake = createServer((req, res) => {
        if (req.method === 'POST') {
          const expires = new Date(Date.now() + 3600_000).toISOString();
          res.writeHead(201, { 'content-type': 'application/json', 'x-subject-token': 'fake' });
          res.end(JSON.stringify({ token: { expires_at: expires, user: { id: 'u', name: 'nova' }, roles: [{ id: 'r', name: 'service' }] } }));
        } else {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html>proxy</html>');
        }
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v3`;
        const dir = writeDeployment({ ...d, url }, { 'nova.conf': ['send_service_user_token = false'] });
        const findings = await doctorOn(d, dir, { credentials: adminFlags(url) });
        assert.match(only(findings, 'identity-unreachable').why, /^Identity gave an answer the doctor could not use/);
        only(findings, 'send-service-user-token-false');
      } finally {
        await new Promise((resolve) => fake.close(resolve));
      }
    });

    test('identity unreachable', async () => {
      const closed = `http://127.0.0.1:${await freePort()}/v3`;
      const findings = await doctorOn(d, writeDeployment(d), { credentials: adminFlags(closed) });
      assert.equal(only(findings, 'identity-unreachable').severity, 'error');
    });
  });
});
