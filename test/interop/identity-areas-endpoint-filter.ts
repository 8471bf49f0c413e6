// The differential sequence for OS-EP-FILTER (endpoint groups, project endpoints and the
// catalog they narrow) and OS-ENDPOINT-POLICY (identity-differential-areas.test.ts runs it).
import assert from 'node:assert/strict';
import { issuePasswordToken } from '@baton/test-support';
import type { Recorder, Sequence, Side } from './identity-areas-sequences.ts';

/** The service types in the catalog of GET /v3/auth/catalog with `token` (not recorded: the whole catalog depends on what earlier areas left). */
async function catalogTypes(api: Recorder, token: string): Promise<string[]> {
  const response = await fetch(`${api.side.url}/auth/catalog`, { headers: { 'x-auth-token': token } });
  assert.equal(response.status, 200, api.side.name);
  return ((await response.json()) as { catalog: { type: string }[] }).catalog.map((s) => s.type).sort();
}

/** A call no transcript records: setting up what the area needs, not the area itself (as the system admin). */
export async function prepare(side: Side, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${side.url}${path}`, {
    method,
    headers: { 'x-auth-token': side.system, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(response.ok, `${side.name}: ${method} ${path}: ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

export const endpointFilterSequence: Sequence = async (api) => {
  const type = api.unique('ep-filter');
  const serviceId = (await prepare(api.side, 'POST', '/services', { service: { type, name: 'filtered' } })).service.id as string;
  const endpoint = async (iface: string) =>
    (await prepare(api.side, 'POST', '/endpoints', { endpoint: { service_id: serviceId, interface: iface, url: `http://filtered/${iface}`, region_id: 'RegionOne' } }))
      .endpoint.id as string;
  const [publicId, internalId] = [await endpoint('public'), await endpoint('internal')];
  const projectName = api.unique('filtered');
  const projectId = (await prepare(api.side, 'POST', '/projects', { project: { name: projectName, domain_id: 'default' } })).project.id as string;
  const roleId = (await prepare(api.side, 'GET', '/roles?name=admin')).roles[0].id as string;
  const adminId = (await prepare(api.side, 'GET', '/users?name=admin')).users[0].id as string;
  await prepare(api.side, 'PUT', `/projects/${projectId}/users/${adminId}/roles/${roleId}`);

  // Endpoint groups.
  const groups = '/OS-EP-FILTER/endpoint_groups';
  await api.call('group without name', 'POST', groups, { endpoint_group: { filters: { interface: 'public' } } });
  await api.call('group with empty filters', 'POST', groups, { endpoint_group: { name: 'g', filters: {} } });
  await api.call('group with an unknown filter', 'POST', groups, { endpoint_group: { name: 'g', filters: { url: 'x' } } });
  const group = (await api.call('create group', 'POST', groups, { endpoint_group: { name: api.unique('g'), description: 'internal', filters: { service_id: serviceId, interface: 'internal' } } }))
    .body.endpoint_group as { id: string; name: string };
  await api.call('list groups by name', 'GET', `${groups}?name=${group.name}`);
  await api.call('get group', 'GET', `${groups}/${group.id}`);
  await api.call('get group (HEAD)', 'HEAD', `${groups}/${group.id}`);
  await api.call('update group', 'PATCH', `${groups}/${group.id}`, { endpoint_group: { description: null } });
  await api.call('update with no member', 'PATCH', `${groups}/${group.id}`, { endpoint_group: {} });
  await api.call('group endpoints', 'GET', `${groups}/${group.id}/endpoints`);

  // The project's catalog is whole until something is associated with it.
  const token = (await issuePasswordToken(api.side.url, 'admin', api.side.admin.password, { project: projectName })).token;
  assert.ok((await catalogTypes(api, token)).length > 1, api.side.name);
  const projectEndpoint = `/OS-EP-FILTER/projects/${projectId}/endpoints/${publicId}`;
  await api.call('add endpoint to project', 'PUT', projectEndpoint);
  await api.call('add it again', 'PUT', projectEndpoint);
  await api.call('unknown endpoint', 'PUT', `/OS-EP-FILTER/projects/${projectId}/endpoints/${'e'.repeat(32)}`);
  await api.call('check', 'GET', projectEndpoint);
  await api.call('check (HEAD)', 'HEAD', projectEndpoint);
  await api.call('check another', 'GET', `/OS-EP-FILTER/projects/${projectId}/endpoints/${internalId}`);
  await api.call('project endpoints', 'GET', `/OS-EP-FILTER/projects/${projectId}/endpoints`);
  await api.call('endpoint projects', 'GET', `/OS-EP-FILTER/endpoints/${publicId}/projects`);
  await api.call('catalog of one endpoint', 'GET', '/auth/catalog', undefined, token);
  assert.deepEqual(await catalogTypes(api, token), [type], api.side.name);

  const groupProject = `${groups}/${group.id}/projects/${projectId}`;
  await api.call('missing group association', 'GET', groupProject);
  await api.call('add group to project', 'PUT', groupProject);
  await api.call('add it again', 'PUT', groupProject);
  await api.call('group association', 'GET', groupProject);
  await api.call('group projects', 'GET', `${groups}/${group.id}/projects`);
  await api.call('project groups', 'GET', `/OS-EP-FILTER/projects/${projectId}/endpoint_groups`);
  await api.call('project endpoints with the group', 'GET', `/OS-EP-FILTER/projects/${projectId}/endpoints`);

  await api.call('remove group from project', 'DELETE', groupProject);
  await api.call('remove endpoint from project', 'DELETE', projectEndpoint);
  await api.call('remove it again', 'DELETE', projectEndpoint);
  assert.ok((await catalogTypes(api, token)).length > 1, api.side.name);
  await api.call('delete group', 'DELETE', `${groups}/${group.id}`);
  await api.call('deleted group', 'GET', `${groups}/${group.id}`);

  // Endpoint policies.
  const policyId = (await api.call('policy', 'POST', '/policies', { policy: { type: 'application/json', blob: '{}' } })).body.policy.id as string;
  const base = `/policies/${policyId}/OS-ENDPOINT-POLICY`;
  await api.call('no policy for the endpoint', 'GET', `/endpoints/${publicId}/OS-ENDPOINT-POLICY/policy`);
  await api.call('associate with the service', 'PUT', `${base}/services/${serviceId}`);
  await api.call('associate with the service in RegionOne', 'PUT', `${base}/services/${serviceId}/regions/RegionOne`);
  await api.call('associate with an unknown region', 'PUT', `${base}/services/${serviceId}/regions/nowhere`);
  await api.call('check the service', 'GET', `${base}/services/${serviceId}`);
  await api.call('check an endpoint', 'GET', `${base}/endpoints/${publicId}`);
  await api.call('policy of the endpoint', 'GET', `/endpoints/${publicId}/OS-ENDPOINT-POLICY/policy`);
  await api.call('endpoints of the policy', 'GET', `${base}/endpoints`);
  await api.call('dissociate the service', 'DELETE', `${base}/services/${serviceId}`);
  await prepare(api.side, 'DELETE', `/services/${serviceId}`);
  await prepare(api.side, 'DELETE', `/projects/${projectId}`);
};
