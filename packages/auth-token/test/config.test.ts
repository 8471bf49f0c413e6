import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { errors as configErrors } from '@baton/config';
import { createAuthToken, loadAuthTokenConfig } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-authtoken-conf-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const CREDENTIALS = 'auth_url = http://127.0.0.1:5000/v3\nusername = nova\npassword = secret\nuser_domain_name = Default\nproject_name = service\nproject_domain_name = Default\n';

describe('[keystone_authtoken] loading', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('requires service roles by default and warns at start-up when told not to', async () => {
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message), info: () => undefined };
    const strict = createAuthToken(loadAuthTokenConfig([file('strict.conf', `[keystone_authtoken]\n${CREDENTIALS}`)]).config, { logger });
    await strict.close();
    assert.deepEqual(warnings, []);
    const lax = createAuthToken(loadAuthTokenConfig([file('lax.conf', `[keystone_authtoken]\n${CREDENTIALS}service_token_roles_required = false\n`)]).config, { logger });
    await lax.close();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^\[keystone_authtoken\] service_token_roles_required is false: /);
  });

  it("has keystonemiddleware's defaults", () => {
    const { config } = loadAuthTokenConfig([file('ok.conf', `[keystone_authtoken]\n${CREDENTIALS}`)]);
    assert.equal(config.token_cache_time, 300);
    assert.deepEqual(config.service_token_roles, ['service']);
    assert.equal(config.service_token_roles_required, true);
    assert.equal(config.delay_auth_decision, false);
    assert.equal(config.include_service_catalog, true);
    assert.equal(config.interface, 'internal');
    assert.equal(config.memcached_servers, null);
    assert.equal(config.www_authenticate_uri, null);
  });

  it('accepts the deprecated names auth_uri and memcache_servers', () => {
    const { config } = loadAuthTokenConfig([
      file('old.conf', `[keystone_authtoken]\n${CREDENTIALS}auth_uri = http://x:5000/v3\nmemcache_servers = 127.0.0.1:11211\n`),
    ]);
    assert.equal(config.www_authenticate_uri, 'http://x:5000/v3');
    assert.deepEqual(config.memcached_servers, ['127.0.0.1:11211']);
  });

  it('a wrong value stops loading with an error naming file, section and option', () => {
    const path = file('bad.conf', `[keystone_authtoken]\n${CREDENTIALS}token_cache_time = soon\n`);
    assert.throws(() => loadAuthTokenConfig([path]), (error: unknown) => {
      assert.ok(error instanceof configErrors.ConfigValueError);
      assert.equal(error.message, `${path}:8: [keystone_authtoken] token_cache_time = "soon": expected an integer >= -1`);
      return true;
    });
    const roles = file('bad2.conf', `[keystone_authtoken]\n${CREDENTIALS}service_token_roles_required = maybe\n`);
    assert.throws(() => loadAuthTokenConfig([roles]), /bad2\.conf:8: \[keystone_authtoken\] service_token_roles_required = "maybe"/);
  });

  it('missing credentials and a Redis URL mixed with memcached servers are refused', () => {
    assert.throws(
      () => loadAuthTokenConfig([file('nopw.conf', '[keystone_authtoken]\nauth_url = http://127.0.0.1:5000/v3\nusername = nova\n')]),
      /\[keystone_authtoken\] password is required/,
    );
    const mixed = file('mixed.conf', `[keystone_authtoken]\n${CREDENTIALS}memcached_servers = redis://127.0.0.1:6379,127.0.0.1:11211\n`);
    assert.throws(() => loadAuthTokenConfig([mixed]), /mixed\.conf: \[keystone_authtoken\] memcached_servers = .*single redis:\/\/ URL/);
  });
});
