// OS-FEDERATION in-process: identity providers (their domain, remote ids), protocols,
// mapping rule validation with Keystone's messages, service providers and the enabled ones
// listed in tokens, and who may call what. Statuses and shapes against the real Keystone
// are in test/interop/identity-areas-federation.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestIdentity, type TestIdentity } from '@baton/test-support';
import { BASE, adminCaller, assertError, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let admin: Caller;

before(async () => {
  identity = await startTestIdentity();
  admin = await adminCaller(identity);
});
after(() => identity.close());

const FED = '/v3/OS-FEDERATION';
const RULES = [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'REMOTE_USER' }] }];

async function created(caller: Caller, path: string, body: unknown): Promise<Record<string, any>> {
  const response = await caller('PUT', path, body);
  assert.equal(response.statusCode, 201, response.body);
  return json(response);
}

describe('identity providers', () => {
  test('without a domain, one is created for the provider; remote ids are sorted and unique across providers', async () => {
    const idp = (await created(admin, `${FED}/identity_providers/corp`, { identity_provider: { remote_ids: ['https://b', 'https://a'] } })).identity_provider;
    assert.deepEqual({ ...idp, domain_id: typeof idp.domain_id }, {
      id: 'corp',
      domain_id: 'string',
      enabled: false,
      description: null,
      remote_ids: ['https://a', 'https://b'],
      authorization_ttl: null,
      links: { self: `${BASE}/OS-FEDERATION/identity_providers/corp`, protocols: `${BASE}/OS-FEDERATION/identity_providers/corp/protocols` },
    });
    const domain = json(await admin('GET', `/v3/domains/${idp.domain_id}`)).domain;
    assert.equal(domain.name, idp.domain_id);
    assert.equal(domain.description, 'Auto generated federated domain for Identity Provider: corp');

    const taken = await admin('PUT', `${FED}/identity_providers/other`, { identity_provider: { remote_ids: ['https://b'] } });
    assertError(taken, 409, 'Conflict occurred attempting to store identity_provider - Duplicate remote ID: https://b.');
    // The domain made for the refused provider is gone again.
    const domains = json(await admin('GET', '/v3/domains')).domains as { description: string }[];
    assert.equal(domains.filter((d) => d.description.endsWith(': other')).length, 0);
    assertError(await admin('PUT', `${FED}/identity_providers/corp`, { identity_provider: {} }), 409, 'Conflict occurred attempting to store identity_provider - Duplicate entry: corp.');

    const updated = json(await admin('PATCH', `${FED}/identity_providers/corp`, { identity_provider: { remote_ids: ['https://c'], enabled: true, authorization_ttl: 5 } }));
    assert.deepEqual([updated.identity_provider.remote_ids, updated.identity_provider.enabled, updated.identity_provider.authorization_ttl], [['https://c'], true, 5]);
    // https://b is free again.
    await created(admin, `${FED}/identity_providers/other`, { identity_provider: { remote_ids: ['https://b'], domain_id: 'default' } });
    const enabled = json(await admin('GET', `${FED}/identity_providers?enabled=true`)).identity_providers as { id: string }[];
    assert.deepEqual(enabled.map((i) => i.id), ['corp']);
    assert.deepEqual((json(await admin('GET', `${FED}/identity_providers?id=other`)).identity_providers as { id: string }[]).map((i) => i.id), ['other']);
  });

  test('bad requests: an unknown domain, unknown attributes, moving a provider', async () => {
    assertError(await admin('PUT', `${FED}/identity_providers/lost`, { identity_provider: { domain_id: 'e'.repeat(32) } }), 404, `Could not find domain: ${'e'.repeat(32)}.`);
    assertError(await admin('PUT', `${FED}/identity_providers/lost`, { identity_provider: { colour: 'red' } }), 400, "Additional properties are not allowed ('colour' was unexpected)");
    assertError(await admin('PUT', `${FED}/identity_providers/lost`, { identity_provider: { remote_ids: ['x', 'x'] } }), 400, "Invalid input for field 'remote_ids': ['x', 'x'] has non-unique elements");
    assertError(await admin('PATCH', `${FED}/identity_providers/corp`, { identity_provider: { domain_id: 'default' } }), 400, "Additional properties are not allowed ('domain_id' was unexpected)");
    assertError(await admin('PATCH', `${FED}/identity_providers/corp`, { identity_provider: {} }), 400, '{} does not have enough properties');
    assertError(await admin('GET', `${FED}/identity_providers/lost`), 404, 'Could not find Identity Provider: lost.');
  });

  test('ids and remote ids longer than their columns are refused with 400, not stored', async () => {
    const long = 'x'.repeat(65);
    const tooLong = `Invalid input for field 'idp_id': '${long}' is too long`;
    assertError(await admin('PUT', `${FED}/identity_providers/${long}`, { identity_provider: {} }), 400, tooLong);
    assertError(await admin('PUT', `${FED}/mappings/${long}`, { mapping: { rules: RULES } }), 400, `Invalid input for field 'mapping_id': '${long}' is too long`);
    assertError(await admin('PUT', `${FED}/service_providers/${long}`, { service_provider: {} }), 400, `Invalid input for field 'sp_id': '${long}' is too long`);
    const remote = 'r'.repeat(256);
    assertError(await admin('PUT', `${FED}/identity_providers/long-remote`, { identity_provider: { remote_ids: [remote] } }), 400, `Invalid input for field 'remote_ids/0': '${remote}' is too long`);
    // A reader of a long id is told it is missing, as Keystone does.
    assertError(await admin('GET', `${FED}/identity_providers/${long}`), 404, `Could not find Identity Provider: ${long}.`);
  });

  test('deleting a domain deletes its identity providers and their protocols', async () => {
    const domain = json(await admin('POST', '/v3/domains', { domain: { name: 'federated-home' } })).domain.id as string;
    await created(admin, `${FED}/mappings/home-map`, { mapping: { rules: RULES } });
    await created(admin, `${FED}/identity_providers/home`, { identity_provider: { domain_id: domain, remote_ids: ['https://home'] } });
    await created(admin, `${FED}/identity_providers/home/protocols/saml2`, { protocol: { mapping_id: 'home-map' } });
    await admin('PATCH', `/v3/domains/${domain}`, { domain: { enabled: false } });
    assert.equal((await admin('DELETE', `/v3/domains/${domain}`)).statusCode, 204);
    assertError(await admin('GET', `${FED}/identity_providers/home`), 404, 'Could not find Identity Provider: home.');
    // Its remote id is free for another provider.
    await created(admin, `${FED}/identity_providers/home`, { identity_provider: { domain_id: 'default', remote_ids: ['https://home'] } });
    assert.deepEqual(json(await admin('GET', `${FED}/identity_providers/home/protocols`)).protocols, []);
  });
});

describe('protocols', () => {
  test('name an existing mapping; members and lists have Keystone\'s (different) shapes', async () => {
    await created(admin, `${FED}/mappings/proto-map`, { mapping: { rules: RULES } });
    await created(admin, `${FED}/identity_providers/proto-idp`, { identity_provider: { domain_id: 'default' } });
    const path = `${FED}/identity_providers/proto-idp/protocols`;
    const links = { self: `${BASE}/protocols/saml2`, identity_provider: `${BASE}/proto-idp` };
    assert.deepEqual((await created(admin, `${path}/saml2`, { protocol: { mapping_id: 'proto-map', remote_id_attribute: 'Shib-Identity-Provider' } })).protocol, {
      id: 'saml2',
      mapping_id: 'proto-map',
      links,
    });
    assert.deepEqual(json(await admin('GET', path)).protocols, [
      { id: 'saml2', idp_id: 'proto-idp', mapping_id: 'proto-map', remote_id_attribute: 'Shib-Identity-Provider', links },
    ]);
    assertError(await admin('PUT', `${path}/oidc`, { protocol: { mapping_id: 'nope' } }), 400, 'Invalid mapping id: nope');
    assertError(await admin('PATCH', `${path}/saml2`, { protocol: { mapping_id: 'nope' } }), 400, 'Invalid mapping id: nope');
    assertError(await admin('PUT', `${path}/oidc`, { protocol: {} }), 400, "'mapping_id' is a required property");
    assertError(await admin('PUT', `${path}/saml2`, { protocol: { mapping_id: 'proto-map' } }), 409, 'Conflict occurred attempting to store federation_protocol - Duplicate entry found with ID saml2.');
    assertError(await admin('PUT', `${FED}/identity_providers/none/protocols/saml2`, { protocol: { mapping_id: 'proto-map' } }), 404, 'Could not find Identity Provider: none.');
    assertError(await admin('GET', `${path}/oidc`), 404, 'Could not find federated protocol oidc for Identity Provider: proto-idp.');
    // An update without a mapping keeps it (Keystone answers 500 there).
    const patched = await admin('PATCH', `${path}/saml2`, { protocol: { remote_id_attribute: 'other' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(json(await admin('GET', path)).protocols[0].remote_id_attribute, 'other');
    assert.equal((await admin('DELETE', `${path}/saml2`)).statusCode, 204);
    assertError(await admin('DELETE', `${path}/saml2`), 404, 'Could not find federated protocol saml2 for Identity Provider: proto-idp.');
  });
});

describe('mappings', () => {
  test('rules are validated with every error listed, sorted, as Keystone does', async () => {
    const put = (rules: unknown) => admin('PUT', `${FED}/mappings/bad`, { mapping: { rules } });
    assertError(await put([{ local: [] }]), 400, "'remote' is a required property\n");
    assertError(await put([]), 400, '[] is too short\n');
    assertError(
      await put([{ local: [{ user: { name: 1 } }], remote: [{ type: 'x', any_one_of: 'a' }] }]),
      400,
      "1 is not of type 'string'\n{'type': 'x', 'any_one_of': 'a'} is not valid under any of the given schemas\n",
    );
    assertError(
      await put([{ local: [{ group: { id: 'g' }, colour: 1, size: 2 }], remote: [] }]),
      400,
      "Additional properties are not allowed ('colour', 'size' were unexpected)\n[] is too short\n",
    );
    assertError(await admin('PUT', `${FED}/mappings/bad`, {}), 400, "'rules' is a required property\n");
    assertError(await admin('GET', `${FED}/mappings/bad`), 404, 'Could not find mapping: bad.');
  });

  test('create, read, replace, delete', async () => {
    const mapping = (await created(admin, `${FED}/mappings/crud-map`, { mapping: { rules: RULES } })).mapping;
    assert.deepEqual(mapping, { id: 'crud-map', rules: RULES, links: { self: `${BASE}/OS-FEDERATION/mappings/crud-map` } });
    assertError(await admin('PUT', `${FED}/mappings/crud-map`, { mapping: { rules: RULES } }), 409, 'Conflict occurred attempting to store mapping - Duplicate entry found with ID crud-map.');
    const rules = [{ local: [{ group: { name: 'g', domain: { id: 'default' } } }], remote: [{ type: 'UID', whitelist: ['a'] }] }];
    assert.deepEqual(json(await admin('PATCH', `${FED}/mappings/crud-map`, { mapping: { rules } })).mapping.rules, rules);
    assert.ok((json(await admin('GET', `${FED}/mappings`)).mappings as { id: string }[]).some((m) => m.id === 'crud-map'));
    assert.equal((await admin('DELETE', `${FED}/mappings/crud-map`)).statusCode, 204);
    assertError(await admin('PATCH', `${FED}/mappings/crud-map`, { mapping: { rules } }), 404, 'Could not find mapping: crud-map.');
  });
});

describe('service providers', () => {
  const sp = { auth_url: 'https://sp.example.com/v3/auth', sp_url: 'https://sp.example.com/ECP' };

  test('[saml] relay_state_prefix is the default; bad bodies are refused', async () => {
    assert.deepEqual((await created(admin, `${FED}/service_providers/partner`, { service_provider: sp })).service_provider, {
      ...sp,
      id: 'partner',
      enabled: false,
      description: null,
      relay_state_prefix: 'ss:mem:',
      links: { self: `${BASE}/OS-FEDERATION/service_providers/partner` },
    });
    assertError(await admin('PUT', `${FED}/service_providers/bad`, { service_provider: { auth_url: sp.auth_url } }), 400, "'sp_url' is a required property");
    assertError(await admin('PUT', `${FED}/service_providers/bad`, { service_provider: { ...sp, auth_url: 'not a url' } }), 400, "Invalid input for field 'auth_url': 'not a url' does not match '^[a-zA-Z0-9+.-]+:.+'");
    assertError(await admin('PUT', `${FED}/service_providers/partner`, { service_provider: sp }), 409, 'Conflict occurred attempting to store service_provider - Duplicate entry found with ID partner.');
    const updated = json(await admin('PATCH', `${FED}/service_providers/partner`, { service_provider: { relay_state_prefix: 'ss:db:', description: 'd' } }));
    assert.deepEqual([updated.service_provider.relay_state_prefix, updated.service_provider.description], ['ss:db:', 'd']);
    assertError(await admin('GET', `${FED}/service_providers/bad`), 404, 'Could not find Service Provider: bad.');
  });

  test('tokens list the enabled service providers, and stop once one is disabled or deleted', async () => {
    await created(admin, `${FED}/service_providers/listed`, { service_provider: { ...sp, enabled: true } });
    const validate = async (): Promise<Record<string, any>> =>
      json(await identity.app.inject({ method: 'GET', url: '/v3/auth/tokens?nocatalog', headers: { 'x-auth-token': admin.token, 'x-subject-token': admin.token } })).token;
    assert.deepEqual((await validate()).service_providers, [{ auth_url: sp.auth_url, id: 'listed', sp_url: sp.sp_url }]);
    const issued = await identity.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'admin-secret' } } } } },
    });
    assert.deepEqual(json(issued).token.service_providers, [{ auth_url: sp.auth_url, id: 'listed', sp_url: sp.sp_url }]);
    await admin('PATCH', `${FED}/service_providers/listed`, { service_provider: { enabled: false } });
    assert.equal((await validate()).service_providers, undefined);
    const enabled = json(await admin('GET', `${FED}/service_providers?enabled=false`)).service_providers as { id: string }[];
    assert.ok(enabled.some((s) => s.id === 'listed'));
    assert.equal((await admin('DELETE', `${FED}/service_providers/listed`)).statusCode, 204);
  });
});

describe('policy', () => {
  test('a project member is refused before its body is read; no token is 401', async () => {
    const member = await memberCaller(identity, 'federation-member');
    assertError(await member('GET', `${FED}/identity_providers`), 403, forbidden('list_identity_providers'));
    assertError(await member('PUT', `${FED}/mappings/m`, { mapping: { rules: [] } }), 403, forbidden('create_mapping'));
    assertError(await member('DELETE', `${FED}/service_providers/none`), 403, forbidden('delete_service_provider'));
    const anonymous = await identity.app.inject({ method: 'GET', url: `${FED}/mappings` });
    assert.equal(anonymous.statusCode, 401);
  });
});

describe('federated authentication', () => {
  test('the mapped method, listed in [auth] methods, is answered as an unsupported method', async () => {
    const response = await identity.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: { identity: { methods: ['mapped'], mapped: { identity_provider: 'corp', protocol: 'saml2' } } } },
    });
    assertError(response, 401, 'Attempted to authenticate with an unsupported method.');
    assert.deepEqual(json(response).error.identity.methods, ['password', 'token', 'oauth1', 'application_credential']);
  });
});
