// Regions, services and endpoints through the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, assertError, BASE, CLIENT_ERROR, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let admin: Caller;
let member: Caller;

before(async () => {
  identity = await startTestIdentity();
  admin = await adminCaller(identity);
  member = await memberCaller(identity, 'cat-member');
});
after(() => identity.close());

describe('regions', () => {
  test('POST with and without id, PUT with id, parent filter, update, delete', async () => {
    const created = await admin('POST', '/v3/regions', { region: { id: 'R-one', description: 'x' } });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(json(created).region, { id: 'R-one', description: 'x', parent_region_id: null, links: { self: `${BASE}/regions/R-one` } });
    const generated = json(await admin('POST', '/v3/regions', { region: {} })).region;
    assert.match(generated.id, /^[0-9a-f]{32}$/);
    assert.equal(generated.description, '');
    const put = await admin('PUT', '/v3/regions/R-child', { region: { parent_region_id: 'R-one' } });
    assert.equal(put.statusCode, 201, put.body);
    assert.deepEqual(json(await admin('GET', '/v3/regions?parent_region_id=R-one')).regions.map((r: { id: string }) => r.id), ['R-child']);
    assert.equal(json(await admin('PATCH', '/v3/regions/R-child', { region: { description: 'y' } })).region.description, 'y');
    assert.equal((await admin('POST', '/v3/regions', { region: { id: 'R-one' } })).statusCode, 409);
    assertError(await admin('POST', '/v3/regions', { region: { parent_region_id: 'nope' } }), 404, 'Could not find region: nope.');
    assert.equal((await admin('DELETE', '/v3/regions/R-child')).statusCode, 204);
    assertError(await admin('GET', '/v3/regions/R-child'), 404, 'Could not find region: R-child.');
    // Anyone with a token may read regions; only admins write them.
    assert.equal((await member('GET', '/v3/regions/R-one')).statusCode, 200);
    assertError(await member('POST', '/v3/regions', { region: {} }), 403, forbidden('create_region'));
  });
});

describe('services and endpoints', () => {
  test('services: CRUD and ?type', async () => {
    const created = await admin('POST', '/v3/services', { service: { type: 'compute', name: 'nova', description: 'vms' } });
    assert.equal(created.statusCode, 201, created.body);
    const { service } = json(created);
    assert.deepEqual(service, {
      id: service.id,
      type: 'compute',
      name: 'nova',
      description: 'vms',
      enabled: true,
      links: { self: `${BASE}/services/${service.id}` },
    });
    assert.deepEqual(json(await admin('GET', '/v3/services?type=compute')).services.map((s: { id: string }) => s.id), [service.id]);
    assert.equal(json(await admin('PATCH', `/v3/services/${service.id}`, { service: { enabled: false } })).service.enabled, false);
    assertError(await admin('POST', '/v3/services', { service: { name: 'typeless' } }), 400, "'type' is a required property");
    assertError(await member('GET', '/v3/services'), 403, forbidden('list_services'));
    assert.equal((await admin('DELETE', `/v3/services/${service.id}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/services/${service.id}`), 404, `Could not find service: ${service.id}.`);
  });

  test('endpoints: legacy region creates the region, filters, validation and update', async () => {
    const serviceId = json(await admin('POST', '/v3/services', { service: { type: 'image' } })).service.id as string;
    const created = await admin('POST', '/v3/endpoints', {
      endpoint: { service_id: serviceId, interface: 'public', url: 'http://glance:9292', region: 'R-legacy' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const { endpoint } = json(created);
    assert.deepEqual(endpoint, {
      id: endpoint.id,
      interface: 'public',
      region_id: 'R-legacy',
      region: 'R-legacy',
      service_id: serviceId,
      url: 'http://glance:9292',
      enabled: true,
      links: { self: `${BASE}/endpoints/${endpoint.id}` },
    });
    assert.equal((await admin('GET', '/v3/regions/R-legacy')).statusCode, 200);
    const internal = json(await admin('POST', '/v3/endpoints', {
      endpoint: { service_id: serviceId, interface: 'internal', url: 'http://glance-int:9292', region_id: 'R-legacy' },
    })).endpoint;

    const byService = json(await admin('GET', `/v3/endpoints?service_id=${serviceId}&interface=internal`)).endpoints;
    assert.deepEqual(byService.map((e: { id: string }) => e.id), [internal.id]);
    assert.equal(json(await admin('GET', '/v3/endpoints?region_id=R-legacy')).endpoints.length, 2);

    assert.equal(json(await admin('PATCH', `/v3/endpoints/${internal.id}`, { endpoint: { url: 'http://new:1' } })).endpoint.url, 'http://new:1');
    assertError(
      await admin('POST', '/v3/endpoints', { endpoint: { service_id: serviceId, interface: 'publik', url: 'http://x' } }),
      400,
      "Invalid input for field 'interface': 'publik' is not one of ['admin', 'internal', 'public']",
    );
    assertError(
      await admin('POST', '/v3/endpoints', { endpoint: { service_id: 'nope', interface: 'public', url: 'http://x' } }),
      400,
      `Expecting to find endpoint service_id in service table.${CLIENT_ERROR}`,
    );
    assertError(
      await admin('POST', '/v3/endpoints', { endpoint: { service_id: serviceId, interface: 'public', url: 'http://x', region_id: 'nope' } }),
      400,
      `Expecting to find endpoint region_id in region table.${CLIENT_ERROR}`,
    );
    assertError(
      await admin('POST', '/v3/endpoints', { endpoint: { service_id: serviceId, interface: 'public', url: 'no-scheme' } }),
      400,
      "Invalid input for field 'url': 'no-scheme' does not match '^[a-zA-Z0-9+.-]+:.+'",
    );
    assertError(await member('GET', `/v3/endpoints/${internal.id}`), 403, forbidden('get_endpoint'));
    assert.equal((await admin('DELETE', `/v3/endpoints/${internal.id}`)).statusCode, 204);
    assertError(await admin('DELETE', `/v3/endpoints/${internal.id}`), 404, `Could not find endpoint: ${internal.id}.`);
  });
});
