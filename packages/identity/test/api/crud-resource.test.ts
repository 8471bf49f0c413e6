// Domains and projects through the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, assertError, BASE, CLIENT_ERROR, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let admin: Caller;
let member: Awaited<ReturnType<typeof memberCaller>>;

before(async () => {
  identity = await startTestIdentity();
  admin = await adminCaller(identity);
  member = await memberCaller(identity, 'res-member');
});
after(() => identity.close());

describe('domains', () => {
  test('create answers 201 with the domain, extra attributes kept and links.self', async () => {
    const response = await admin('POST', '/v3/domains', { domain: { name: 'd-one', description: 'first', colour: 'red' } });
    assert.equal(response.statusCode, 201, response.body);
    const { domain } = json(response);
    assert.match(domain.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(domain, {
      id: domain.id,
      name: 'd-one',
      description: 'first',
      enabled: true,
      tags: [],
      options: {},
      colour: 'red',
      links: { self: `${BASE}/domains/${domain.id}` },
    });
  });

  test('get, list with filters, update and delete (only once disabled)', async () => {
    const { domain } = json(await admin('POST', '/v3/domains', { domain: { name: 'd-two' } }));
    assert.equal(json(await admin('GET', `/v3/domains/${domain.id}`)).domain.name, 'd-two');

    const listed = json(await admin('GET', '/v3/domains?name=d-two'));
    assert.deepEqual(listed.domains.map((d: { id: string }) => d.id), [domain.id]);
    assert.equal(listed.links.self, `${BASE}/domains?name=d-two`);
    assert.equal(listed.links.next, null);

    const updated = await admin('PATCH', `/v3/domains/${domain.id}`, { domain: { enabled: false, description: 'off' } });
    assert.equal(updated.statusCode, 200);
    assert.equal(json(updated).domain.enabled, false);
    assert.equal(json(updated).domain.description, 'off');
    const disabled = json(await admin('GET', '/v3/domains?enabled=false')).domains.map((d: { id: string }) => d.id);
    assert.ok(disabled.includes(domain.id));
    assert.ok(!disabled.includes('default'));

    assert.equal((await admin('DELETE', `/v3/domains/${domain.id}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/domains/${domain.id}`), 404, `Could not find domain: ${domain.id}.`);
  });

  test('an enabled domain cannot be deleted', async () => {
    assertError(await admin('DELETE', '/v3/domains/default'), 403, 'Cannot delete a domain that is enabled, please disable it first.');
  });

  test('duplicate names conflict; bad bodies are 400 with jsonschema wording', async () => {
    await admin('POST', '/v3/domains', { domain: { name: 'd-dup' } });
    const again = await admin('POST', '/v3/domains', { domain: { name: 'd-dup' } });
    assert.equal(again.statusCode, 409);
    assertError(await admin('POST', '/v3/domains', { domain: { name: 'x', enabled: 'yes' } }), 400,
      "Invalid input for field 'enabled': 'yes' is not of type 'boolean'");
    assertError(await admin('POST', '/v3/domains', { domian: { name: 'x' } }), 400, "'name' is a required property");
    assertError(await admin('PATCH', '/v3/domains/default', { domain: {} }), 400, '{} does not have enough properties');
  });

  test('a member may not create or list domains', async () => {
    assertError(await member('POST', '/v3/domains', { domain: { name: 'nope' } }), 403, forbidden('create_domain'));
    assertError(await member('GET', '/v3/domains'), 403, forbidden('list_domains'));
  });

  test('no token is 401', async () => {
    const response = await identity.app.inject({ method: 'GET', url: '/v3/domains' });
    assert.equal(response.statusCode, 401);
  });
});

describe('projects', () => {
  test('create defaults the domain to default and the parent to the domain', async () => {
    const response = await admin('POST', '/v3/projects', { project: { name: 'p-one', email: 'ops@example.com' } });
    assert.equal(response.statusCode, 201, response.body);
    const { project } = json(response);
    assert.deepEqual(project, {
      id: project.id,
      name: 'p-one',
      domain_id: 'default',
      description: '',
      enabled: true,
      parent_id: 'default',
      is_domain: false,
      tags: [],
      options: {},
      email: 'ops@example.com',
      links: { self: `${BASE}/projects/${project.id}` },
    });
  });

  test('child projects, filters, update and delete', async () => {
    const parent = json(await admin('POST', '/v3/projects', { project: { name: 'p-parent', tags: ['a'] } })).project;
    const child = json(await admin('POST', '/v3/projects', { project: { name: 'p-child', parent_id: parent.id } })).project;
    assert.equal(child.parent_id, parent.id);
    assert.equal(child.domain_id, 'default');

    const byParent = json(await admin('GET', `/v3/projects?parent_id=${parent.id}`)).projects;
    assert.deepEqual(byParent.map((p: { id: string }) => p.id), [child.id]);
    const byName = json(await admin('GET', '/v3/projects?name=p-parent&domain_id=default')).projects;
    assert.deepEqual(byName.map((p: { id: string }) => p.id), [parent.id]);
    assert.deepEqual(byName[0].tags, ['a']);

    const updated = json(await admin('PATCH', `/v3/projects/${child.id}`, { project: { name: 'p-renamed', enabled: false } })).project;
    assert.equal(updated.name, 'p-renamed');
    assert.equal(updated.enabled, false);
    const disabled = json(await admin('GET', '/v3/projects?enabled=false')).projects;
    assert.deepEqual(disabled.map((p: { id: string }) => p.id), [child.id]);

    assertError(await admin('DELETE', `/v3/projects/${parent.id}`), 403,
      `Cannot delete the project ${parent.id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`);
    assert.equal((await admin('DELETE', `/v3/projects/${child.id}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/projects/${child.id}`), 404, `Could not find project: ${child.id}.`);
  });

  test('errors: unknown ids, duplicate names, wrong member key, changing the domain', async () => {
    assertError(await admin('GET', '/v3/projects/nope'), 404, 'Could not find project: nope.');
    assertError(await admin('PATCH', '/v3/projects/nope', { project: { name: 'x' } }), 404, 'Could not find project: nope.');
    assertError(await admin('DELETE', '/v3/projects/nope'), 404, 'Could not find project: nope.');
    await admin('POST', '/v3/projects', { project: { name: 'p-dup' } });
    assert.equal((await admin('POST', '/v3/projects', { project: { name: 'p-dup' } })).statusCode, 409);
    assertError(await admin('POST', '/v3/projects', { projet: { name: 'p-typo' } }), 400, "'name' is a required property");
    assertError(await admin('POST', '/v3/projects', { project: { name: 1 } }), 400, "Invalid input for field 'name': 1 is not of type 'string'");
    assertError(await admin('POST', '/v3/projects', { project: { name: 'x', domain_id: 'nope' } }), 400, 'Could not find domain: nope.');
    const { project } = json(await admin('POST', '/v3/projects', { project: { name: 'p-fixed' } }));
    assertError(await admin('PATCH', `/v3/projects/${project.id}`, { project: { id: 'other' } }), 400, 'Cannot change ID');
    assertError(await admin('PATCH', `/v3/projects/${project.id}`, { project: { domain_id: 'other' } }), 400, 'Cannot change Domain ID');
    const garbage = await identity.app.inject({
      method: 'POST',
      url: '/v3/projects',
      headers: { 'x-auth-token': admin.token, 'content-type': 'application/json' },
      payload: '{"project": ',
    });
    assertError(garbage, 400, `Expecting to find valid JSON in request body.${CLIENT_ERROR}`);
  });

  test('a member sees their own project but cannot list or create', async () => {
    const own = await member('GET', `/v3/projects/${member.projectId}`);
    assert.equal(own.statusCode, 200);
    assert.equal(json(own).project.id, member.projectId);
    assertError(await member('GET', '/v3/projects'), 403, forbidden('list_projects'));
    assertError(await member('POST', '/v3/projects', { project: { name: 'x' } }), 403, forbidden('create_project'));
    assertError(await member('GET', '/v3/projects/nope'), 403, forbidden('get_project'));
  });

  test('GET /v3/users/{id}/projects lists the projects the user has roles on', async () => {
    const own = await member('GET', `/v3/users/${member.userId}/projects`);
    assert.equal(own.statusCode, 200, own.body);
    assert.deepEqual(json(own).projects.map((p: { id: string }) => p.id), [member.projectId]);
    assert.equal(json(own).links.self, `${BASE}/users/${member.userId}/projects`);
    assertError(await member('GET', `/v3/users/${identity.boot.userId}/projects`), 403, forbidden('list_user_projects'));
    assertError(await admin('GET', '/v3/users/nope/projects'), 404, 'Could not find user: nope.');
  });
});

describe('projects acting as domains', () => {
  test('POST is_domain creates a domain, read back through /v3/projects and /v3/domains', async () => {
    const created = await admin('POST', '/v3/projects', { project: { name: 'pad-one', is_domain: true, description: 'a domain' } });
    assert.equal(created.statusCode, 201, created.body);
    const { project } = json(created);
    assert.deepEqual(project, {
      id: project.id,
      name: 'pad-one',
      domain_id: null,
      description: 'a domain',
      enabled: true,
      parent_id: null,
      is_domain: true,
      tags: [],
      options: {},
      links: { self: `${BASE}/projects/${project.id}` },
    });
    assert.equal(json(await admin('GET', `/v3/domains/${project.id}`)).domain.name, 'pad-one');
    assert.deepEqual(json(await admin('GET', `/v3/projects/${project.id}`)).project, project);
    const asDomains = json(await admin('GET', '/v3/projects?is_domain=true')).projects.map((p: { id: string }) => p.id);
    assert.ok(asDomains.includes(project.id) && asDomains.includes('default'));
    assert.ok(!json(await admin('GET', '/v3/projects')).projects.some((p: { id: string }) => p.id === project.id));

    const renamed = await admin('PATCH', `/v3/projects/${project.id}`, { project: { name: 'pad-renamed', enabled: false } });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(json(await admin('GET', `/v3/domains/${project.id}`)).domain.name, 'pad-renamed');
    assertError(await admin('PATCH', `/v3/projects/${project.id}`, { project: { is_domain: false } }), 400, 'Update of `is_domain` is not allowed.');
    assert.equal((await admin('DELETE', `/v3/projects/${project.id}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/domains/${project.id}`), 404, `Could not find domain: ${project.id}.`);
  });

  test('only a root project acts as a domain, a member creates none, and it is deleted only once disabled', async () => {
    assertError(await admin('POST', '/v3/projects', { project: { name: 'pad-child', is_domain: true, domain_id: 'default' } }), 400,
      'only root projects are allowed to act as domains.');
    assertError(await member('POST', '/v3/projects', { project: { name: 'pad-member', is_domain: true } }), 403, forbidden('create_project'));
    const enabled = json(await admin('POST', '/v3/projects', { project: { name: 'pad-enabled', is_domain: true } })).project.id as string;
    assertError(await admin('DELETE', `/v3/projects/${enabled}`), 403, 'Cannot delete a domain that is enabled, please disable it first.');
  });
});
