// OS-EP-FILTER and OS-ENDPOINT-POLICY in-process: endpoint groups and their checks, project
// endpoints, the catalog a project-scoped token carries (and when it changes), the
// [endpoint_filter] option, and which policy an endpoint gets. Statuses and shapes against
// the real Keystone are in test/interop/identity-areas-endpoint-filter.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, issueToken, startTestIdentity, type TestIdentity } from '@baton/test-support';
import { BASE, CLIENT_ERROR, adminCaller, assertError, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let noFilter: TestIdentity;
let admin: Caller;

before(async () => {
  [identity, noFilter] = await Promise.all([startTestIdentity(), startTestIdentity({ returnAllEndpointsIfNoFilter: false })]);
  admin = await adminCaller(identity);
});
after(() => Promise.all([identity.close(), noFilter.close()]));

async function created(caller: Caller, url: string, body: unknown): Promise<Record<string, any>> {
  const response = await caller('POST', url, body);
  assert.equal(response.statusCode, 201, response.body);
  return json(response);
}

/** A service of its own type with a public and an internal endpoint in RegionOne. */
async function serviceWithEndpoints(caller: Caller, type: string): Promise<{ serviceId: string; publicId: string; internalId: string }> {
  const serviceId = (await created(caller, '/v3/services', { service: { type, name: type } })).service.id as string;
  const endpoint = async (iface: string) =>
    (await created(caller, '/v3/endpoints', { endpoint: { service_id: serviceId, interface: iface, url: `http://${type}.example/${iface}`, region_id: 'RegionOne' } }))
      .endpoint.id as string;
  return { serviceId, publicId: await endpoint('public'), internalId: await endpoint('internal') };
}

/** Endpoint ids in the catalog of the caller's token, as GET /v3/auth/catalog shows them. */
async function catalogEndpoints(caller: Caller): Promise<string[]> {
  const response = await caller('GET', '/v3/auth/catalog');
  assert.equal(response.statusCode, 200, response.body);
  return (json(response).catalog as { endpoints: { id: string }[] }[]).flatMap((s) => s.endpoints.map((e) => e.id)).sort();
}

describe('endpoint groups', () => {
  test('are created, listed by name, read, updated and deleted with Keystone shapes', async () => {
    const group = (await created(admin, '/v3/OS-EP-FILTER/endpoint_groups', {
      endpoint_group: { name: 'public-only', filters: { interface: 'public' } },
    })).endpoint_group;
    assert.deepEqual(group, {
      id: group.id,
      name: 'public-only',
      description: null,
      filters: { interface: 'public' },
      links: { self: `${BASE}/OS-EP-FILTER/endpoint_groups/${group.id}` },
    });
    const listed = json(await admin('GET', '/v3/OS-EP-FILTER/endpoint_groups?name=public-only'));
    assert.deepEqual(listed.endpoint_groups, [group]);
    assert.equal(listed.links.self, `${BASE}/OS-EP-FILTER/endpoint_groups?name=public-only`);
    assert.deepEqual(json(await admin('GET', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}`)).endpoint_group, group);
    const patched = json(await admin('PATCH', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}`, { endpoint_group: { description: 'd' } }));
    assert.deepEqual(patched.endpoint_group, { ...group, description: 'd' });
    assert.equal((await admin('DELETE', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}`), 404, `Could not find Endpoint Group: ${group.id}.`);
  });

  test('refuse missing, empty and unknown filters with Keystone messages', async () => {
    const url = '/v3/OS-EP-FILTER/endpoint_groups';
    assertError(await admin('POST', url, { endpoint_group: { filters: {} } }), 400, "'name' is a required property");
    assertError(await admin('POST', url, { endpoint_group: { name: 'x' } }), 400, "'filters' is a required property");
    assertError(await admin('POST', url, { endpoint_group: { name: 'x', filters: {} } }), 400, 'filters field is required and cannot be empty');
    assertError(
      await admin('POST', url, { endpoint_group: { name: 'x', filters: { url: 'http://a' } } }),
      400,
      `Expecting to find service_id or region_id or interface in endpoint_group.${CLIENT_ERROR}`,
    );
    // Keystone checks the filters of a PATCH before it looks for the group.
    assertError(
      await admin('PATCH', `${url}/nope`, { endpoint_group: { filters: { url: 'x' } } }),
      400,
      `Expecting to find service_id or region_id or interface in endpoint_group.${CLIENT_ERROR}`,
    );
    const group = (await created(admin, url, { endpoint_group: { name: 'x', filters: { interface: 'admin' } } })).endpoint_group;
    assertError(
      await admin('PATCH', `${url}/${group.id}`, { endpoint_group: { filters: { enabled: true } } }),
      400,
      `Expecting to find service_id or region_id or interface in endpoint_group.${CLIENT_ERROR}`,
    );
  });

  test('list the endpoints their filters match', async () => {
    const { serviceId, publicId } = await serviceWithEndpoints(admin, 'eg-match');
    const group = (await created(admin, '/v3/OS-EP-FILTER/endpoint_groups', {
      endpoint_group: { name: 'match', filters: { service_id: serviceId, interface: 'public' } },
    })).endpoint_group;
    const listed = json(await admin('GET', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}/endpoints`)).endpoints as { id: string; region: string }[];
    assert.deepEqual(listed.map((e) => e.id), [publicId]);
    assert.equal(listed[0]?.region, 'RegionOne');
  });
});

describe('project endpoints and the catalog', () => {
  test('an associated endpoint narrows the project catalog, and removing it widens it again', async () => {
    const member = await memberCaller(identity, 'ep-direct');
    const { publicId } = await serviceWithEndpoints(admin, 'ep-direct');
    const everything = await catalogEndpoints(member);
    assert.ok(everything.length > 1);
    const association = `/v3/OS-EP-FILTER/projects/${member.projectId}/endpoints/${publicId}`;
    assert.equal((await admin('PUT', association)).statusCode, 204);
    assertError(await admin('PUT', association), 409, 'Conflict occurred attempting to store project_endpoint - Duplicate entry.');
    assert.equal((await admin('GET', association)).statusCode, 204);
    assert.equal((await admin('HEAD', association)).statusCode, 204);
    // The same token: its catalog is recomputed, not kept from before the association.
    assert.deepEqual(await catalogEndpoints(member), [publicId]);
    const validated = json(await identity.app.inject({
      method: 'GET',
      url: '/v3/auth/tokens',
      headers: { 'x-auth-token': admin.token, 'x-subject-token': member.token },
    }));
    assert.deepEqual(validated.token.catalog.map((s: { type: string }) => s.type), ['ep-direct']);
    const projects = json(await admin('GET', `/v3/OS-EP-FILTER/endpoints/${publicId}/projects`)).projects as { id: string }[];
    assert.deepEqual(projects.map((p) => p.id), [member.projectId]);
    const endpoints = json(await admin('GET', `/v3/OS-EP-FILTER/projects/${member.projectId}/endpoints`)).endpoints as { id: string }[];
    assert.deepEqual(endpoints.map((e) => e.id), [publicId]);
    assert.equal((await admin('DELETE', association)).statusCode, 204);
    assertError(await admin('DELETE', association), 404, `Endpoint ${publicId} not found in project ${member.projectId}`);
    assertError(await admin('GET', association), 404, `Endpoint ${publicId} not found in project ${member.projectId}`);
    assert.deepEqual(await catalogEndpoints(member), everything);
  });

  test('an endpoint group associated with a project narrows its catalog to the matching endpoints', async () => {
    const member = await memberCaller(identity, 'ep-group');
    const { serviceId, publicId, internalId } = await serviceWithEndpoints(admin, 'ep-group');
    const group = (await created(admin, '/v3/OS-EP-FILTER/endpoint_groups', {
      endpoint_group: { name: 'ep-group', filters: { service_id: serviceId } },
    })).endpoint_group;
    const association = `/v3/OS-EP-FILTER/endpoint_groups/${group.id}/projects/${member.projectId}`;
    assertError(await admin('GET', association), 404, 'Endpoint Group Project Association not found');
    assert.equal((await admin('PUT', association)).statusCode, 204);
    assert.deepEqual(json(await admin('GET', association)), {
      project_endpoint_group: {
        endpoint_group_id: group.id,
        project_id: member.projectId,
        links: { self: `/OS-EP-FILTER/endpoint_groups/${group.id}/projects/${member.projectId}` },
      },
    });
    assert.deepEqual(await catalogEndpoints(member), [publicId, internalId].sort());
    const groups = json(await admin('GET', `/v3/OS-EP-FILTER/projects/${member.projectId}/endpoint_groups`)).endpoint_groups as { id: string }[];
    assert.deepEqual(groups.map((g) => g.id), [group.id]);
    const projects = json(await admin('GET', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}/projects`)).projects as { id: string }[];
    assert.deepEqual(projects.map((p) => p.id), [member.projectId]);
    // Narrowing the group's filters narrows the catalog at once.
    await admin('PATCH', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}`, { endpoint_group: { filters: { service_id: serviceId, interface: 'internal' } } });
    assert.deepEqual(await catalogEndpoints(member), [internalId]);
    // Deleting the group deletes its associations: the whole catalog again.
    assert.equal((await admin('DELETE', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}`)).statusCode, 204);
    assert.ok((await catalogEndpoints(member)).length > 2);
  });

  test('a filter that matches no endpoint leaves the whole catalog, as Keystone does', async () => {
    const member = await memberCaller(identity, 'ep-empty');
    const everything = await catalogEndpoints(member);
    const group = (await created(admin, '/v3/OS-EP-FILTER/endpoint_groups', {
      endpoint_group: { name: 'nothing', filters: { region_id: 'nowhere' } },
    })).endpoint_group;
    await admin('PUT', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}/projects/${member.projectId}`);
    assert.deepEqual(await catalogEndpoints(member), everything);
  });

  test('deleting a project or an endpoint deletes its associations', async () => {
    const { publicId, internalId } = await serviceWithEndpoints(admin, 'ep-cascade');
    const project = (await created(admin, '/v3/projects', { project: { name: 'ep-cascade' } })).project.id as string;
    await admin('PUT', `/v3/OS-EP-FILTER/projects/${project}/endpoints/${publicId}`);
    await admin('PUT', `/v3/OS-EP-FILTER/projects/${project}/endpoints/${internalId}`);
    assert.equal((await admin('DELETE', `/v3/endpoints/${internalId}`)).statusCode, 204);
    assert.deepEqual(await identity.service.storage.endpointFilter.listEndpointIdsForProject(project), [publicId]);
    assert.equal((await admin('DELETE', `/v3/projects/${project}`)).statusCode, 204);
    assert.deepEqual(json(await admin('GET', `/v3/OS-EP-FILTER/endpoints/${publicId}/projects`)).projects, []);
  });

  test('unknown endpoints and projects are 404 before anything is stored', async () => {
    const member = await memberCaller(identity, 'ep-missing');
    assertError(await admin('PUT', `/v3/OS-EP-FILTER/projects/${member.projectId}/endpoints/nope`), 404, 'Could not find endpoint: nope.');
    const { publicId } = await serviceWithEndpoints(admin, 'ep-missing');
    assertError(await admin('PUT', `/v3/OS-EP-FILTER/projects/nope/endpoints/${publicId}`), 404, 'Could not find project: nope.');
    assertError(await admin('GET', '/v3/OS-EP-FILTER/projects/nope/endpoint_groups'), 404, 'Could not find project: nope.');
  });

  test('a member may not associate endpoints', async () => {
    const member = await memberCaller(identity, 'ep-forbidden');
    assertError(
      await member('PUT', `/v3/OS-EP-FILTER/projects/${member.projectId}/endpoints/x`),
      403,
      'You are not authorized to perform the requested action: identity:add_endpoint_to_project.',
    );
  });
});

describe('[endpoint_filter] return_all_endpoints_if_no_filter = false', () => {
  test('a project without associations, and a system-scoped token, get an empty catalog', async () => {
    const noFilterAdmin = await adminCaller(noFilter);
    assert.deepEqual(json(await noFilterAdmin('GET', '/v3/auth/catalog')).catalog, []);
    const system = await issueToken(noFilter.app, 'admin', ADMIN_PASSWORD, { system: { all: true } });
    const validated = await noFilter.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': system, 'x-subject-token': system } });
    assert.deepEqual(json(validated).token.catalog, []);
    const { publicId } = await serviceWithEndpoints(noFilterAdmin, 'nf');
    const admins = (await noFilterAdmin('GET', '/v3/projects?name=admin'));
    const adminProject = (json(admins).projects as { id: string }[])[0]?.id ?? '';
    await noFilterAdmin('PUT', `/v3/OS-EP-FILTER/projects/${adminProject}/endpoints/${publicId}`);
    assert.deepEqual(await catalogEndpoints(noFilterAdmin), [publicId]);
  });
});

describe('endpoint policies', () => {
  test('an endpoint takes its own policy, else its service in its region or a parent, else its service', async () => {
    const { serviceId, publicId, internalId } = await serviceWithEndpoints(admin, 'ep-policy');
    const policy = async (blob: string) => (await created(admin, '/v3/policies', { policy: { type: 'application/json', blob } })).policy.id as string;
    const [own, regional, service] = [await policy('own'), await policy('regional'), await policy('service')];
    const base = (id: string) => `/v3/policies/${id}/OS-ENDPOINT-POLICY`;
    const policyOf = async (endpointId: string) => json(await admin('GET', `/v3/endpoints/${endpointId}/OS-ENDPOINT-POLICY/policy`));

    assertError(await admin('GET', `/v3/endpoints/${publicId}/OS-ENDPOINT-POLICY/policy`), 404, `No policy is associated with endpoint ${publicId}.`);
    assert.equal((await admin('PUT', `${base(service)}/services/${serviceId}`)).statusCode, 204);
    assert.equal((await policyOf(publicId)).policy.id, service);
    // A child region of RegionOne: the association on the parent applies to its endpoints.
    await created(admin, '/v3/regions', { region: { id: 'ep-policy-child', parent_region_id: 'RegionOne' } });
    const child = (await created(admin, '/v3/endpoints', { endpoint: { service_id: serviceId, interface: 'admin', url: 'http://c', region_id: 'ep-policy-child' } })).endpoint.id as string;
    assert.equal((await admin('PUT', `${base(regional)}/services/${serviceId}/regions/RegionOne`)).statusCode, 204);
    assert.equal((await policyOf(child)).policy.id, regional);
    assert.equal((await admin('PUT', `${base(own)}/endpoints/${publicId}`)).statusCode, 204);
    const body = await policyOf(publicId);
    assert.equal(body.policy.id, own);
    assert.equal(body.policy.links.self, `${BASE}/endpoints/${own}`);
    assert.equal((await policyOf(internalId)).policy.id, regional);

    assert.equal((await admin('GET', `${base(own)}/endpoints/${publicId}`)).statusCode, 204);
    assertError(await admin('GET', `${base(service)}/endpoints/${publicId}`), 404, 'Could not find policy association.');
    const regionalEndpoints = json(await admin('GET', `${base(regional)}/endpoints`)).endpoints as { id: string; region?: string }[];
    assert.deepEqual(regionalEndpoints.map((e) => e.id).sort(), [publicId, internalId, child].sort());
    assert.equal(regionalEndpoints[0]?.region, undefined);

    // Associating another policy with the same place replaces the first.
    await admin('PUT', `${base(service)}/endpoints/${publicId}`);
    assert.equal((await policyOf(publicId)).policy.id, service);
    assert.equal((await admin('DELETE', `${base(service)}/endpoints/${publicId}`)).statusCode, 204);
    assert.equal((await policyOf(publicId)).policy.id, regional);
    assertError(await admin('PUT', `${base('nope')}/services/${serviceId}`), 404, 'Could not find policy: nope.');
    assertError(await admin('PUT', `${base(own)}/services/${serviceId}/regions/nope`), 404, 'Could not find region: nope.');
  });
});
