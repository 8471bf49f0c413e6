// The request sequences of the differential suite (identity-differential-areas.test.ts),
// one per API area, and the recorder they run with: each sequence runs once against the
// real Keystone and once against Baton, and the two transcripts must be equal.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { issuePasswordToken, jsonShape, type Credentials, type RealKeystone } from '@baton/test-support';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Exchange {
  label: string;
  status: number;
  shape: unknown;
}

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** One service under test, with its admin tokens (project- and system-scoped). */
export interface Side {
  name: string;
  url: string;
  project: string;
  system: string;
  admin: Credentials;
}

/** Sends requests, recording each answer's status and shape under a label. */
export class Recorder {
  readonly transcript: Exchange[] = [];
  readonly #side: Side;

  constructor(side: Side) {
    this.#side = side;
  }

  get side(): Side {
    return this.#side;
  }

  /** A name no earlier run used, so a sequence can run again against the same service. */
  unique(name: string): string {
    return `${name}-${randomUUID().slice(0, 8)}`;
  }

  call(label: string, method: Method, path: string, body?: unknown, token: string | null = this.#side.system): Promise<Reply> {
    return this.send(label, method, path, { body, headers: token === null ? {} : { 'x-auth-token': token } });
  }

  /**
   * Any request, with the headers given (no token unless among them); a form-encoded answer
   * (OS-OAUTH1's token exchanges) is recorded and returned as an object of its fields.
   */
  async send(label: string, method: Method, path: string, request: { body?: unknown; headers?: Record<string, string> }): Promise<Reply> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.#side.url}${path}`, {
      method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    const text = await response.text();
    const form = response.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded') === true;
    const json: unknown = text === '' ? null : form ? Object.fromEntries(new URLSearchParams(text)) : JSON.parse(text);
    this.transcript.push({ label: `${label}: ${method} ${path.replace(/[0-9a-f]{32}/g, '{id}').replace(/-[0-9a-f]{8}\b/g, '-{unique}')}`, status: response.status, shape: jsonShape(json) });
    return { status: response.status, body: json, headers: response.headers };
  }
}

export type Sequence = (api: Recorder) => Promise<void>;

export async function sideOf(name: string, started: RealKeystone): Promise<Side> {
  const project = await issuePasswordToken(started.url, 'admin', started.adminPassword, { project: 'admin' });
  const system = await fetch(`${started.url}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: started.adminPassword } } },
        scope: { system: { all: true } },
      },
    }),
  });
  assert.equal(system.status, 201, `${name}: system token`);
  return {
    name,
    url: started.url,
    project: project.token,
    system: system.headers.get('x-subject-token') as string,
    admin: { username: 'admin', password: started.adminPassword, project: 'admin' },
  };
}

/** Runs the sequence against the real Keystone, then Baton, and compares the transcripts. */
export async function differential(sides: readonly Side[], sequence: Sequence): Promise<void> {
  const [real, ours] = sides.map((side) => new Recorder(side)) as [Recorder, Recorder];
  await sequence(real);
  await sequence(ours);
  for (const [index, expected] of real.transcript.entries()) {
    assert.deepEqual(ours.transcript[index], expected, `step ${index} (${expected.label})`);
  }
  assert.equal(ours.transcript.length, real.transcript.length);
}

/** Unified limits, run under [unified_limit] enforcement_model = strict_two_level. */
export const limitsSequence: Sequence = async (api) => {
  await api.call('model', 'GET', '/limits/model');
  const service = await api.call('service', 'POST', '/services', { service: { type: 'compute-limits', name: 'nova-limits', description: 'limited' } });
  const serviceId = service.body.service.id as string;
  const project = await api.call('project', 'POST', '/projects', { project: { name: api.unique('limited'), domain_id: 'default' } });
  const projectId = project.body.project.id as string;

  const registered = await api.call('create registered', 'POST', '/registered_limits', {
    registered_limits: [
      { service_id: serviceId, region_id: 'RegionOne', resource_name: 'cores', default_limit: 10, description: 'vCPUs' },
      { service_id: serviceId, resource_name: 'ram', default_limit: 1024 },
    ],
  });
  const [cores, ram] = registered.body.registered_limits as { id: string }[];
  await api.call('duplicate registered', 'POST', '/registered_limits', {
    registered_limits: [{ service_id: serviceId, region_id: 'RegionOne', resource_name: 'cores', default_limit: 3 }],
  });
  await api.call('unknown service', 'POST', '/registered_limits', {
    registered_limits: [{ service_id: 'f'.repeat(32), resource_name: 'cores', default_limit: 3 }],
  });
  await api.call('no list', 'POST', '/registered_limits', { registered_limit: {} });
  await api.call('empty list', 'POST', '/registered_limits', { registered_limits: [] });
  await api.call('below -1', 'POST', '/registered_limits', {
    registered_limits: [{ service_id: serviceId, resource_name: 'disk', default_limit: -2 }],
  });
  await api.call('unknown attribute', 'POST', '/registered_limits', {
    registered_limits: [{ service_id: serviceId, resource_name: 'disk', default_limit: 1, colour: 'red' }],
  });
  await api.call('list by service', 'GET', `/registered_limits?service_id=${serviceId}`);
  await api.call('list by name', 'GET', `/registered_limits?service_id=${serviceId}&resource_name=cores`);
  await api.call('list by region', 'GET', `/registered_limits?service_id=${serviceId}&region_id=RegionOne`);
  await api.call('get registered', 'GET', `/registered_limits/${cores?.id}`);
  await api.call('missing registered', 'GET', `/registered_limits/${'e'.repeat(32)}`);
  await api.call('update registered', 'PATCH', `/registered_limits/${ram?.id}`, { registered_limit: { default_limit: 2048, description: 'MiB' } });
  await api.call('update to a duplicate', 'PATCH', `/registered_limits/${ram?.id}`, {
    registered_limit: { resource_name: 'cores', region_id: 'RegionOne' },
  });

  const created = await api.call('create limit', 'POST', '/limits', {
    limits: [{ project_id: projectId, service_id: serviceId, region_id: 'RegionOne', resource_name: 'cores', resource_limit: 5 }],
  });
  const limitId = (created.body.limits as { id: string }[])[0]?.id;
  await api.call('no registered limit', 'POST', '/limits', {
    limits: [{ project_id: projectId, service_id: serviceId, resource_name: 'disk', resource_limit: 5 }],
  });
  await api.call('duplicate limit', 'POST', '/limits', {
    limits: [{ project_id: projectId, service_id: serviceId, region_id: 'RegionOne', resource_name: 'cores', resource_limit: 4 }],
  });
  await api.call('project and domain', 'POST', '/limits', {
    limits: [{ project_id: projectId, domain_id: 'default', service_id: serviceId, resource_name: 'ram', resource_limit: 4 }],
  });
  await api.call('unknown project', 'POST', '/limits', {
    limits: [{ project_id: 'a'.repeat(32), service_id: serviceId, resource_name: 'ram', resource_limit: 4 }],
  });
  await api.call('project above the default', 'POST', '/limits', {
    limits: [{ project_id: projectId, service_id: serviceId, resource_name: 'ram', resource_limit: 4096 }],
  });
  await api.call('domain below its project', 'POST', '/limits', {
    limits: [{ domain_id: 'default', service_id: serviceId, region_id: 'RegionOne', resource_name: 'cores', resource_limit: 3 }],
  });
  await api.call('domain limit', 'POST', '/limits', {
    limits: [{ domain_id: 'default', service_id: serviceId, region_id: 'RegionOne', resource_name: 'cores', resource_limit: 8 }],
  });
  await api.call('project above its domain', 'PATCH', `/limits/${limitId}`, { limit: { resource_limit: 9 } });
  await api.call('update limit', 'PATCH', `/limits/${limitId}`, { limit: { resource_limit: 7, description: 'seven' } });
  await api.call('bad update', 'PATCH', `/limits/${limitId}`, { limit: { resource_name: 'ram' } });
  await api.call('referenced registered update', 'PATCH', `/registered_limits/${cores?.id}`, { registered_limit: { default_limit: 20 } });
  await api.call('referenced registered delete', 'DELETE', `/registered_limits/${cores?.id}`);

  await api.call('list limits (system)', 'GET', `/limits?service_id=${serviceId}`);
  await api.call('list limits by project', 'GET', `/limits?project_id=${projectId}`);
  await api.call('list limits (admin project)', 'GET', `/limits?service_id=${serviceId}`, undefined, api.side.project);
  await api.call('get limit', 'GET', `/limits/${limitId}`);
  await api.call('no token', 'GET', '/limits', undefined, null);
  await api.call('missing limit', 'GET', `/limits/${'e'.repeat(32)}`);
  await api.call('delete limit', 'DELETE', `/limits/${limitId}`);
  await api.call('deleted limit', 'GET', `/limits/${limitId}`);
  await api.call('delete registered', 'DELETE', `/registered_limits/${ram?.id}`);
  await api.call('delete project', 'DELETE', `/projects/${projectId}`);
};

/** Project tags: the tag routes, tags on create and update, and the four list filters. */
export const projectTagsSequence: Sequence = async (api) => {
  const [x, y, z] = [api.unique('x'), api.unique('y'), api.unique('z')];
  const created = await api.call('create with tags', 'POST', '/projects', { project: { name: api.unique('tagged'), tags: [x, y] } });
  const id = created.body.project.id as string;
  const other = (await api.call('second', 'POST', '/projects', { project: { name: api.unique('tagged'), tags: [y, z] } })).body.project.id as string;
  await api.call('slash in a tag', 'POST', '/projects', { project: { name: api.unique('bad'), tags: ['a/b'] } });
  await api.call('list tags', 'GET', `/projects/${id}/tags`);
  await api.call('replace tags', 'PUT', `/projects/${id}/tags`, { tags: [` ${x} `, y] });
  await api.call('show', 'GET', `/projects/${id}`);
  await api.call('replace with no list', 'PUT', `/projects/${id}/tags`, { tag: [] });
  await api.call('replace with a repeat', 'PUT', `/projects/${id}/tags`, { tags: [x, x] });
  await api.call('add one', 'PUT', `/projects/${id}/tags/${z}`);
  await api.call('add it again', 'PUT', `/projects/${id}/tags/${z}`);
  await api.call('check', 'GET', `/projects/${id}/tags/${z}`);
  await api.call('check (HEAD)', 'HEAD', `/projects/${id}/tags/${z}`);
  await api.call('check a missing tag', 'GET', `/projects/${id}/tags/nope`);
  await api.call('remove one', 'DELETE', `/projects/${id}/tags/${z}`);
  await api.call('remove it again', 'DELETE', `/projects/${id}/tags/${z}`);
  await api.call('tags=', 'GET', `/projects?tags=${x},${y}`);
  await api.call('tags-any=', 'GET', `/projects?tags-any=${x},${z}`);
  await api.call('not-tags= with tags-any=', 'GET', `/projects?tags-any=${y},${z}&not-tags=${x},${y}`);
  await api.call('not-tags-any= with tags-any=', 'GET', `/projects?tags-any=${y}&not-tags-any=${x}`);
  await api.call('update tags', 'PATCH', `/projects/${other}`, { project: { tags: [z] } });
  await api.call('too many', 'PATCH', `/projects/${other}`, { project: { tags: Array.from({ length: 81 }, (_, i) => `t${i}`) } });
  await api.call('remove all', 'DELETE', `/projects/${id}/tags`);
  await api.call('none left', 'GET', `/projects/${id}/tags`);
  await api.call('missing project', 'GET', `/projects/${'e'.repeat(32)}/tags`);
  await api.call('no token', 'GET', `/projects/${id}/tags`, undefined, null);
  await api.call('delete', 'DELETE', `/projects/${id}`);
  await api.call('delete other', 'DELETE', `/projects/${other}`);

  // Descriptions as Keystone keeps them: '' when left out, null when sent as null; a service's
  // is an extra attribute, absent when left out and any JSON when given.
  const nulled = (await api.call('project with a null description', 'POST', '/projects', { project: { name: api.unique('nulled'), description: null } })).body.project.id as string;
  await api.call('project description set', 'PATCH', `/projects/${nulled}`, { project: { description: 'set', enabled: false } });
  await api.call('project description back to null', 'PATCH', `/projects/${nulled}`, { project: { description: null } });
  await api.call('delete the nulled project', 'DELETE', `/projects/${nulled}`);
  const group = (await api.call('group with a null description', 'POST', '/groups', { group: { name: api.unique('nulled'), description: null } })).body.group.id as string;
  await api.call('delete the group', 'DELETE', `/groups/${group}`);
  const services = [
    await api.call('service without a description', 'POST', '/services', { service: { type: api.unique('described'), name: 'n' } }),
    await api.call('service with a null description', 'POST', '/services', { service: { type: api.unique('described'), description: null } }),
    await api.call('service with a number for description', 'POST', '/services', { service: { type: api.unique('described'), description: 7 } }),
  ].map((created) => created.body.service.id as string);
  await api.call('service description updated', 'PATCH', `/services/${services[2]}`, { service: { description: 'text' } });
  for (const serviceId of services) await api.call('delete the service', 'DELETE', `/services/${serviceId}`);
};

/** /v3/policies: policy documents with a type, a blob and extra attributes. */
export const policiesSequence: Sequence = async (api) => {
  const type = api.unique('application/json');
  const created = await api.call('create', 'POST', '/policies', { policy: { type, blob: '{"a": "rule:b"}', colour: 'red' } });
  const id = created.body.policy.id as string;
  await api.call('no blob', 'POST', '/policies', { policy: { type } });
  await api.call('blob not a string', 'POST', '/policies', { policy: { type, blob: {} } });
  await api.call('get', 'GET', `/policies/${id}`);
  await api.call('list by type', 'GET', `/policies?type=${type}`);
  await api.call('update', 'PATCH', `/policies/${id}`, { policy: { blob: '{}', size: 2 } });
  await api.call('empty update', 'PATCH', `/policies/${id}`, { policy: {} });
  await api.call('change the id', 'PATCH', `/policies/${id}`, { policy: { id: 'f'.repeat(32) } });
  await api.call('list as a project admin', 'GET', `/policies?type=${type}`, undefined, api.side.project);
  await api.call('no token', 'GET', '/policies', undefined, null);
  await api.call('delete', 'DELETE', `/policies/${id}`);
  await api.call('deleted', 'GET', `/policies/${id}`);
  await api.call('delete again', 'DELETE', `/policies/${id}`);
};
