// /v3/domains/{domain_id}/config and its defaults in-process: Keystone's statuses and
// messages for each supported and refused group and option, the LDAP password never
// answered, and who may do what. Shapes against the real Keystone are in
// test/interop/identity-areas-domain-configs.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, assertError, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let admin: Caller;

before(async () => {
  identity = await startTestIdentity({ securityCompliance: { password_regex: '^.{8,}$', password_regex_description: 'At least 8 characters.' } });
  admin = await adminCaller(identity);
});
after(() => identity.close());

async function newDomain(name: string): Promise<string> {
  const created = await admin('POST', '/v3/domains', { domain: { name } });
  assert.equal(created.statusCode, 201, created.body);
  return json(created).domain.id as string;
}

const invalid = (reason: string): string => `Invalid domain specific configuration: ${reason}.`;
const LDAP = { url: 'ldap://ldap.example.org', user_tree_dn: 'ou=Users,dc=example,dc=org', password: 'secret' };

describe('domain configuration', () => {
  test('PUT creates (201) then replaces (200); the password is stored but never answered', async () => {
    const id = await newDomain('dc-create');
    const url = `/v3/domains/${id}/config`;
    assertError(await admin('GET', url), 404, `Could not find any options in domain configuration for domain ${id}.`);
    const created = await admin('PUT', url, { config: { identity: { driver: 'ldap' }, ldap: LDAP } });
    assert.equal(created.statusCode, 201, created.body);
    const shown = { identity: { driver: 'ldap' }, ldap: { url: LDAP.url, user_tree_dn: LDAP.user_tree_dn } };
    assert.deepEqual(json(created).config, shown);
    assert.deepEqual(json(await admin('GET', url)).config, shown);
    assert.deepEqual(json(await admin('GET', `${url}/ldap`)).config, { ldap: shown.ldap });
    assert.deepEqual(json(await admin('GET', `${url}/ldap/url`)).config, { url: LDAP.url });
    assertError(await admin('GET', `${url}/ldap/password`), 404, `Could not find option password in group ldap in domain configuration for domain ${id}.`);
    const head = await admin('HEAD', `${url}/ldap/url`);
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');

    const replaced = await admin('PUT', url, { config: { ldap: { password: 'only' } } });
    assert.equal(replaced.statusCode, 200, replaced.body);
    assert.deepEqual(json(replaced).config, {});
    assertError(await admin('GET', url), 404, `Could not find any options in domain configuration for domain ${id}.`);
  });

  test('only [identity] and [ldap] options are accepted, as Keystone whitelists them', async () => {
    const id = await newDomain('dc-refused');
    const url = `/v3/domains/${id}/config`;
    assertError(await admin('PUT', url, {}), 403, invalid('No options specified'));
    assertError(await admin('PUT', url, { config: { token: { expiration: 10 } } }), 403, invalid('Group token is not supported for domain specific configurations'));
    assertError(await admin('PUT', url, { config: { ldap: { bogus: 1 } } }), 403, invalid('Option bogus in group ldap is not supported for domain specific configurations'));
    assertError(await admin('PUT', url, { config: { ldap: {} } }), 403, invalid('The value of group ldap specified in the config should be a dictionary of options'));
    assertError(await admin('GET', `${url}/assignment`), 403, invalid('Group assignment is not supported for domain specific configurations'));
    assertError(await admin('PUT', '/v3/domains/missing/config', { config: { ldap: LDAP } }), 404, 'Could not find domain: missing.');
  });

  test('PATCH merges, or updates only the group or option the URL names, which must exist', async () => {
    const id = await newDomain('dc-update');
    const url = `/v3/domains/${id}/config`;
    await admin('PUT', url, { config: { ldap: { url: LDAP.url } } });
    const merged = await admin('PATCH', url, { config: { identity: { driver: 'ldap' }, ldap: { suffix: 'dc=org' } } });
    assert.equal(merged.statusCode, 200, merged.body);
    assert.deepEqual(json(merged).config, { identity: { driver: 'ldap' }, ldap: { suffix: 'dc=org', url: LDAP.url } });

    const option = await admin('PATCH', `${url}/ldap/url`, { config: { url: 'ldap://other' } });
    assert.equal(json(option).config.ldap.url, 'ldap://other');
    assertError(
      await admin('PATCH', `${url}/ldap`, { config: { ldap: { url: 'x' }, identity: { driver: 'sql' } } }),
      403,
      invalid('Trying to update group ldap, so that, and only that, group must be specified in the config'),
    );
    assertError(
      await admin('PATCH', `${url}/ldap`, { config: { identity: { driver: 'sql' } } }),
      403,
      invalid('request to update group ldap, but config provided contains group identity instead'),
    );
    assertError(
      await admin('PATCH', `${url}/ldap/url`, { config: { suffix: 'x' } }),
      403,
      invalid('Trying to update option url in group ldap, but config provided contains option suffix instead'),
    );
    assertError(await admin('PATCH', `${url}/ldap/user`, { config: { user: 'cn=x' } }), 404, `Could not find option user in group ldap in domain configuration for domain ${id}.`);
  });

  test('DELETE removes an option, a group or everything; what is not there is a 404', async () => {
    const id = await newDomain('dc-delete');
    const url = `/v3/domains/${id}/config`;
    await admin('PUT', url, { config: { identity: { driver: 'ldap' }, ldap: LDAP } });
    assert.equal((await admin('DELETE', `${url}/ldap/url`)).statusCode, 204);
    assertError(await admin('DELETE', `${url}/ldap/url`), 404, `Could not find option url in group ldap in domain configuration for domain ${id}.`);
    assert.equal((await admin('DELETE', `${url}/ldap`)).statusCode, 204);
    assertError(await admin('DELETE', `${url}/ldap`), 404, `Could not find group ldap in domain configuration for domain ${id}.`);
    assert.equal((await admin('DELETE', url)).statusCode, 204);
    assertError(await admin('GET', url), 404, `Could not find any options in domain configuration for domain ${id}.`);
  });

  test("a deleted domain's configuration goes with it", async () => {
    const id = await newDomain('dc-gone');
    await admin('PUT', `/v3/domains/${id}/config`, { config: { ldap: LDAP } });
    await admin('PATCH', `/v3/domains/${id}`, { domain: { enabled: false } });
    assert.equal((await admin('DELETE', `/v3/domains/${id}`)).statusCode, 204);
    assert.deepEqual(await identity.service.storage.domainConfig.listConfigOptions(id), []);
  });

  test("defaults are Keystone's, the password's excepted", async () => {
    const all = json(await admin('GET', '/v3/domains/config/default')).config;
    assert.deepEqual(all.identity, { driver: 'sql', list_limit: null });
    assert.equal(Object.keys(all.ldap).length, 49);
    assert.equal(all.ldap.password, undefined);
    assert.deepEqual(json(await admin('GET', '/v3/domains/config/ldap/default')).config, { ldap: all.ldap });
    assert.deepEqual(json(await admin('GET', '/v3/domains/config/ldap/url/default')).config, { url: 'ldap://localhost' });
    assertError(await admin('GET', '/v3/domains/config/ldap/password/default'), 403, invalid('Reading the default for option password in group ldap is not supported'));
    assertError(await admin('GET', '/v3/domains/config/cache/default'), 403, invalid('Group cache is not supported for domain specific configurations'));
  });

  test("anyone reads the default domain's password rules, nothing else of [security_compliance]", async () => {
    const member = await memberCaller(identity, 'dc-member');
    assert.deepEqual(json(await member('GET', '/v3/domains/default/config/security_compliance')).config, {
      security_compliance: { password_regex: '^.{8,}$', password_regex_description: 'At least 8 characters.' },
    });
    assert.deepEqual(json(await member('GET', '/v3/domains/default/config/security_compliance/password_regex')).config, { password_regex: '^.{8,}$' });
    assertError(
      await member('GET', '/v3/domains/default/config/security_compliance/lockout_duration'),
      403,
      invalid('Reading security compliance values other than password_regex and password_regex_description is not allowed.'),
    );
    const other = await newDomain('dc-compliance');
    assertError(
      await admin('GET', `/v3/domains/${other}/config/security_compliance`),
      403,
      invalid('Reading security compliance information for any domain other than the default domain is not allowed or supported.'),
    );
    assertError(await admin('PUT', `/v3/domains/${other}/config`, { config: { security_compliance: { password_regex: '.' } } }), 403, invalid('Group security_compliance is not supported for domain specific configurations'));
  });

  test('a project member may neither read nor write configurations (401 before 403 before 404)', async () => {
    const member = await memberCaller(identity, 'dc-denied');
    const id = await newDomain('dc-denied');
    assertError(await member('GET', `/v3/domains/${id}/config`), 403, forbidden('get_domain_config'));
    assertError(await member('PUT', '/v3/domains/missing/config', {}), 403, forbidden('create_domain_config'));
    assertError(await member('GET', '/v3/domains/config/default'), 403, forbidden('get_domain_config_default'));
    const anonymous = await identity.app.inject({ method: 'GET', url: `/v3/domains/${id}/config` });
    assert.equal(anonymous.statusCode, 401);
  });
});
