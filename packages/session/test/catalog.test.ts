import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  EndpointNotFoundError,
  PasswordAuth,
  Session,
  StaticTokenAuth,
  selectEndpoint,
  type CatalogService,
} from '../src/index.ts';
import { startLiveIdentity, startTargetServer, type LiveIdentity, type TargetServer } from './support/live-identity.ts';

const CATALOG: CatalogService[] = [
  {
    type: 'volumev3',
    name: 'cinderv3',
    endpoints: [
      { interface: 'public', region_id: 'RegionOne', url: 'http://public.one/v3' },
      { interface: 'internal', region_id: 'RegionOne', url: 'http://internal.one/v3' },
      { interface: 'internal', region_id: 'RegionTwo', url: 'http://internal.two/v3' },
    ],
  },
  { type: 'compute', name: 'nova', endpoints: [{ interface: 'admin', region_id: 'RegionOne', url: 'http://admin.nova' }] },
  { type: 'image', name: 'glance', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: '' }] },
];

describe('selectEndpoint (the token catalog)', () => {
  test('by service type; interface defaults to public', () => {
    assert.equal(selectEndpoint(CATALOG, { serviceType: 'volumev3' }), 'http://public.one/v3');
  });

  test('by interface and region', () => {
    assert.equal(selectEndpoint(CATALOG, { serviceType: 'volumev3', interface: 'internal', regionName: 'RegionTwo' }), 'http://internal.two/v3');
  });

  test('an interface list is an order of preference', () => {
    assert.equal(selectEndpoint(CATALOG, { serviceType: 'compute', interface: ['internal', 'admin'] }), 'http://admin.nova');
    assert.equal(selectEndpoint(CATALOG, { serviceType: 'volumev3', interface: ['internal', 'public'] }), 'http://internal.one/v3');
  });

  test("the official type finds an alias in the catalog (block-storage -> volumev3), and service_name filters", () => {
    assert.equal(selectEndpoint(CATALOG, { serviceType: 'block-storage' }), 'http://public.one/v3');
    assert.throws(() => selectEndpoint(CATALOG, { serviceType: 'volumev3', serviceName: 'other' }), EndpointNotFoundError);
  });

  test('no match: EndpointNotFoundError naming every criterion and what the catalog has', () => {
    assert.throws(
      () => selectEndpoint(CATALOG, { serviceType: 'volumev3', interface: 'admin', regionName: 'RegionTwo' }),
      (e: unknown) => {
        assert.ok(e instanceof EndpointNotFoundError);
        assert.equal(e.code, 'ERR_SESSION_ENDPOINT_NOT_FOUND');
        assert.equal(e.service, 'volumev3');
        assert.equal(e.lookedFor, 'service_type=volumev3, interface=admin, region_name=RegionTwo');
        assert.equal(
          e.message,
          'No endpoint in the service catalog matches service_type=volumev3, interface=admin, region_name=RegionTwo; the catalog has ' +
            'volumev3(cinderv3)[public@RegionOne,internal@RegionOne,internal@RegionTwo]; compute(nova)[admin@RegionOne]; image(glance)[public@RegionOne]',
        );
        return true;
      },
    );
  });

  test('an endpoint with an empty URL does not match; a missing catalog is said so', () => {
    assert.throws(() => selectEndpoint(CATALOG, { serviceType: 'image' }), EndpointNotFoundError);
    assert.throws(() => selectEndpoint(undefined, { serviceType: 'image' }), /no catalog/);
  });

  test('a filter without serviceType is a TypeError', () => {
    assert.throws(() => selectEndpoint(CATALOG, { serviceType: '' }), TypeError);
  });
});

describe('endpoint discovery through a session, from a Baton-issued token', () => {
  let live: LiveIdentity;
  let one: TargetServer;
  let two: TargetServer;
  before(async () => {
    live = await startLiveIdentity();
    one = await startTargetServer((request) => ({ status: 200, body: { at: 'one', path: request.url } }));
    two = await startTargetServer((request) => ({ status: 200, body: { at: 'two', path: request.url } }));
    const { catalog } = live.identity.service;
    await catalog.createRegion({ id: 'RegionTwo' });
    const volume = await catalog.createService({ type: 'volumev3', name: 'cinderv3' });
    await catalog.createEndpoint({ serviceId: volume.id, interface: 'public', url: `${one.url}/v3`, regionId: 'RegionOne' });
    await catalog.createEndpoint({ serviceId: volume.id, interface: 'internal', url: `${one.url}/internal/v3`, regionId: 'RegionOne' });
    await catalog.createEndpoint({ serviceId: volume.id, interface: 'internal', url: `${two.url}/v3`, regionId: 'RegionTwo' });
  });
  after(async () => {
    await one.close();
    await two.close();
    await live.close();
  });

  function novaSession(): Session {
    return new Session({
      auth: new PasswordAuth({ authUrl: live.url, userId: live.nova.userId, password: live.nova.password, projectId: live.nova.projectId }),
    });
  }

  test('service_type + interface + region pick the URL; the path is appended', async () => {
    const session = novaSession();
    const r1 = await session.get('/volumes', { endpointFilter: { serviceType: 'block-storage', interface: 'internal', regionName: 'RegionTwo' } });
    assert.deepEqual(r1.json(), { at: 'two', path: '/v3/volumes' });
    const r2 = await session.get('volumes', { endpointFilter: { serviceType: 'volumev3', interface: 'internal', regionName: 'RegionOne' } });
    assert.deepEqual(r2.json(), { at: 'one', path: '/internal/v3/volumes' });
    const r3 = await session.get('/volumes', { endpointFilter: { serviceType: 'volumev3' } });
    assert.deepEqual(r3.json(), { at: 'one', path: '/v3/volumes' });
  });

  test('endpointOverride wins over the catalog', async () => {
    const r = await novaSession().get('/x', { endpointFilter: { serviceType: 'volumev3' }, endpointOverride: `${two.url}/custom` });
    assert.deepEqual(r.json(), { at: 'two', path: '/custom/x' });
  });

  test('nothing matches: EndpointNotFoundError before any request is sent', async () => {
    const before = one.requests.length + two.requests.length;
    await assert.rejects(novaSession().get('/images', { endpointFilter: { serviceType: 'image', interface: 'internal' } }), (e: unknown) => {
      assert.ok(e instanceof EndpointNotFoundError);
      assert.match(e.message, /^No endpoint in the service catalog matches service_type=image, interface=internal; the catalog has .*identity/);
      return true;
    });
    assert.equal(one.requests.length + two.requests.length, before);
  });

  test('a static token finds endpoints in the catalog it was given, or uses its endpointOverride', async () => {
    const catalog = (await new PasswordAuth({ authUrl: live.url, userId: live.nova.userId, password: live.nova.password, projectId: live.nova.projectId }).getAccess(new Session())).body.catalog;
    assert.ok(catalog !== undefined);
    const withCatalog = new Session({ auth: new StaticTokenAuth({ token: 't', catalog }) });
    assert.deepEqual((await withCatalog.get('/a', { endpointFilter: { serviceType: 'volumev3', regionName: 'RegionOne' } })).json(), { at: 'one', path: '/v3/a' });
    const withOverride = new Session({ auth: new StaticTokenAuth({ token: 't', endpointOverride: `${two.url}/o` }) });
    assert.deepEqual((await withOverride.get('/a', { endpointFilter: { serviceType: 'volumev3' } })).json(), { at: 'two', path: '/o/a' });
  });
});
