// The persona matrix (in the spirit of keystone/tests/protection/v3): with [oslo_policy]
// enforce_scope and enforce_new_defaults both on, each persona's status for each API area.
// Personas live in the domain `dom` (projects in it too); the cloud's admin project and
// the victims live in `default`, so every refused row is an escalation that must not happen.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DIALECTS, startTestIdentity, type TestIdentity } from '@baton/test-support';

const PERSONAS = ['sysAdmin', 'sysMember', 'sysReader', 'domAdmin', 'domMember', 'domReader', 'prjAdmin', 'prjMember', 'prjReader', 'noRole'] as const;
type Persona = (typeof PERSONAS)[number];
type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** Statuses in PERSONAS order: system admin/member/reader, domain …, project …, no role. */
type Row = readonly [number, number, number, number, number, number, number, number, number, number];

interface World {
  t: TestIdentity;
  tokens: Record<Persona, string>;
  userIds: Record<Persona, string>;
  roles: Record<string, string>;
  domId: string;
  domProjectId: string;
  adminProjectId: string;
  /** A user in `default` that personas act on. */
  victimId: string;
  victimPassword: string;
  /** A user in `dom` that domain admins may manage. */
  domUserId: string;
  domGroupId: string;
  defaultGroupId: string;
}

const PASSWORD = 'persona-secret';

async function token(t: TestIdentity, userId: string, password: string, scope?: unknown): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v3/auth/tokens',
    payload: { auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } }, ...(scope === undefined ? {} : { scope }) } },
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.headers['x-subject-token'] as string;
}

async function world(t: TestIdentity): Promise<World> {
  const { resource, identity, assignment } = t.service;
  const roles = t.boot.roleIds;
  const dom = await resource.createDomain({ name: 'dom' });
  const domProject = await resource.createProject({ name: 'dom-project', domainId: dom.id });
  const userIds = {} as Record<Persona, string>;
  const tokens = {} as Record<Persona, string>;
  for (const persona of PERSONAS) {
    const user = await identity.createUser({ name: persona, domainId: persona.startsWith('sys') ? 'default' : dom.id, password: PASSWORD });
    userIds[persona] = user.id;
    const role = roles[persona.replace(/^(sys|dom|prj|no)/, '').toLowerCase()];
    const actor = { kind: 'user', id: user.id } as const;
    let scope: unknown;
    if (persona.startsWith('sys')) {
      await assignment.grant(actor, { kind: 'system' }, role as string);
      scope = { system: { all: true } };
    } else if (persona.startsWith('dom')) {
      await assignment.grant(actor, { kind: 'domain', id: dom.id }, role as string);
      scope = { domain: { id: dom.id } };
    } else if (persona.startsWith('prj')) {
      await assignment.grant(actor, { kind: 'project', id: domProject.id }, role as string);
      scope = { project: { id: domProject.id } };
    }
    tokens[persona] = await token(t, user.id, PASSWORD, scope);
  }
  const victimPassword = 'victim-secret';
  const victim = await identity.createUser({ name: 'victim', domainId: 'default', password: victimPassword });
  const domUser = await identity.createUser({ name: 'dom-user', domainId: dom.id, password: PASSWORD });
  const domGroup = await identity.createGroup({ name: 'dom-group', domainId: dom.id });
  const defaultGroup = await identity.createGroup({ name: 'default-group', domainId: 'default' });
  return {
    t,
    tokens,
    userIds,
    roles,
    domId: dom.id,
    domProjectId: domProject.id,
    adminProjectId: t.boot.projectId,
    victimId: victim.id,
    victimPassword,
    domUserId: domUser.id,
    domGroupId: domGroup.id,
    defaultGroupId: defaultGroup.id,
  };
}

function call(w: World, persona: Persona, method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return w.t.app.inject({
    method,
    url,
    headers: { 'x-auth-token': w.tokens[persona], ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

interface Case {
  area: string;
  what: string;
  expect: Row;
  run(w: World, persona: Persona): Promise<LightMyRequestResponse>;
}

const CASES: Case[] = [
  // users
  { area: 'users', what: 'GET /v3/users', expect: [200, 200, 200, 200, 200, 200, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', '/v3/users') },
  { area: 'users', what: 'GET a user in default', expect: [200, 200, 200, 403, 403, 403, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', `/v3/users/${w.victimId}`) },
  {
    area: 'users',
    what: 'POST a user into default',
    expect: [201, 403, 403, 403, 403, 403, 201, 403, 403, 403],
    run: (w, p) => call(w, p, 'POST', '/v3/users', { user: { name: unique('u'), domain_id: 'default' } }),
  },
  {
    area: 'users',
    what: 'POST a user into dom',
    expect: [201, 403, 403, 201, 403, 403, 201, 403, 403, 403],
    run: (w, p) => call(w, p, 'POST', '/v3/users', { user: { name: unique('u'), domain_id: w.domId } }),
  },
  {
    area: 'users',
    what: 'PATCH a user in default',
    expect: [200, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    run: (w, p) => call(w, p, 'PATCH', `/v3/users/${w.victimId}`, { user: { description: 'x' } }),
  },
  {
    area: 'users',
    what: 'PATCH a user in dom',
    expect: [200, 403, 403, 200, 403, 403, 200, 403, 403, 403],
    run: (w, p) => call(w, p, 'PATCH', `/v3/users/${w.domUserId}`, { user: { description: 'x' } }),
  },
  // groups
  { area: 'groups', what: 'GET /v3/groups', expect: [200, 200, 200, 200, 200, 200, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', '/v3/groups') },
  { area: 'groups', what: 'GET a group in default', expect: [200, 200, 200, 403, 403, 403, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', `/v3/groups/${w.defaultGroupId}`) },
  {
    area: 'groups',
    what: 'POST a group into default',
    expect: [201, 403, 403, 403, 403, 403, 201, 403, 403, 403],
    run: (w, p) => call(w, p, 'POST', '/v3/groups', { group: { name: unique('g'), domain_id: 'default' } }),
  },
  {
    area: 'groups',
    what: 'POST a group into dom',
    expect: [201, 403, 403, 201, 403, 403, 201, 403, 403, 403],
    run: (w, p) => call(w, p, 'POST', '/v3/groups', { group: { name: unique('g'), domain_id: w.domId } }),
  },
  {
    area: 'groups',
    what: 'PUT a default user into a dom group',
    expect: [204, 403, 403, 403, 403, 403, 204, 403, 403, 403],
    run: (w, p) => call(w, p, 'PUT', `/v3/groups/${w.domGroupId}/users/${w.victimId}`),
  },
  {
    area: 'groups',
    what: 'PUT a dom user into a dom group',
    expect: [204, 403, 403, 204, 403, 403, 204, 403, 403, 403],
    run: (w, p) => call(w, p, 'PUT', `/v3/groups/${w.domGroupId}/users/${w.domUserId}`),
  },
  // projects
  { area: 'projects', what: 'GET /v3/projects', expect: [200, 200, 200, 200, 200, 200, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', '/v3/projects') },
  // Zed's new get_project has no admin clause: another project's admin reads it only as a reader could.
  { area: 'projects', what: 'GET the admin project', expect: [200, 200, 200, 403, 403, 403, 403, 403, 403, 403], run: (w, p) => call(w, p, 'GET', `/v3/projects/${w.adminProjectId}`) },
  { area: 'projects', what: 'GET the dom project', expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 403], run: (w, p) => call(w, p, 'GET', `/v3/projects/${w.domProjectId}`) },
  {
    area: 'projects',
    what: 'POST a project into default',
    expect: [201, 403, 403, 403, 403, 403, 201, 403, 403, 403],
    run: (w, p) => call(w, p, 'POST', '/v3/projects', { project: { name: unique('p'), domain_id: 'default' } }),
  },
  {
    area: 'projects',
    what: 'POST a project into dom',
    expect: [201, 403, 403, 201, 403, 403, 201, 403, 403, 403],
    run: (w, p) => call(w, p, 'POST', '/v3/projects', { project: { name: unique('p'), domain_id: w.domId } }),
  },
  {
    area: 'projects',
    what: 'PATCH the admin project',
    expect: [200, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    run: (w, p) => call(w, p, 'PATCH', `/v3/projects/${w.adminProjectId}`, { project: { description: 'x' } }),
  },
  // domains
  { area: 'domains', what: 'GET /v3/domains', expect: [200, 200, 200, 403, 403, 403, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', '/v3/domains') },
  { area: 'domains', what: 'GET dom', expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 403], run: (w, p) => call(w, p, 'GET', `/v3/domains/${w.domId}`) },
  { area: 'domains', what: 'GET default', expect: [200, 200, 200, 403, 403, 403, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', '/v3/domains/default') },
  {
    area: 'domains',
    what: 'POST /v3/domains',
    expect: [201, 403, 403, 403, 403, 403, 201, 403, 403, 403],
    run: (w, p) => call(w, p, 'POST', '/v3/domains', { domain: { name: unique('d') } }),
  },
  // roles
  { area: 'roles', what: 'GET /v3/roles', expect: [200, 200, 200, 403, 403, 403, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', '/v3/roles') },
  {
    area: 'roles',
    what: 'POST /v3/roles',
    expect: [201, 403, 403, 403, 403, 403, 201, 403, 403, 403],
    run: (w, p) => call(w, p, 'POST', '/v3/roles', { role: { name: unique('r') } }),
  },
  // grants and role assignments
  {
    area: 'grants',
    what: 'PUT admin on the admin project',
    expect: [204, 403, 403, 403, 403, 403, 204, 403, 403, 403],
    run: (w, p) => call(w, p, 'PUT', `/v3/projects/${w.adminProjectId}/users/${w.victimId}/roles/${w.roles.admin}`),
  },
  {
    area: 'grants',
    what: 'PUT admin on the admin project for oneself',
    expect: [204, 403, 403, 403, 403, 403, 204, 403, 403, 403],
    run: (w, p) => call(w, p, 'PUT', `/v3/projects/${w.adminProjectId}/users/${w.userIds[p]}/roles/${w.roles.admin}`),
  },
  {
    area: 'grants',
    what: 'PUT member on dom for a dom user',
    expect: [204, 403, 403, 204, 403, 403, 204, 403, 403, 403],
    run: (w, p) => call(w, p, 'PUT', `/v3/domains/${w.domId}/users/${w.domUserId}/roles/${w.roles.member}`),
  },
  {
    area: 'grants',
    what: 'PUT member on the dom project for a default user',
    expect: [204, 403, 403, 403, 403, 403, 204, 403, 403, 403],
    run: (w, p) => call(w, p, 'PUT', `/v3/projects/${w.domProjectId}/users/${w.victimId}/roles/${w.roles.member}`),
  },
  {
    area: 'grants',
    what: 'GET grants of a dom user on dom',
    expect: [200, 200, 200, 200, 200, 200, 200, 403, 403, 403],
    run: (w, p) => call(w, p, 'GET', `/v3/domains/${w.domId}/users/${w.domUserId}/roles`),
  },
  {
    area: 'grants',
    what: 'PUT admin on the system for a user',
    expect: [204, 403, 403, 403, 403, 403, 204, 403, 403, 403],
    run: (w, p) => call(w, p, 'PUT', `/v3/system/users/${w.victimId}/roles/${w.roles.admin}`),
  },
  {
    area: 'grants',
    what: 'GET /v3/role_assignments',
    expect: [200, 200, 200, 200, 200, 200, 200, 403, 403, 403],
    run: (w, p) => call(w, p, 'GET', '/v3/role_assignments'),
  },
  // catalog
  { area: 'catalog', what: 'GET /v3/services', expect: [200, 200, 200, 403, 403, 403, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', '/v3/services') },
  { area: 'catalog', what: 'GET /v3/endpoints', expect: [200, 200, 200, 403, 403, 403, 200, 403, 403, 403], run: (w, p) => call(w, p, 'GET', '/v3/endpoints') },
  { area: 'catalog', what: 'GET /v3/regions', expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200], run: (w, p) => call(w, p, 'GET', '/v3/regions') },
  {
    area: 'catalog',
    what: 'POST /v3/services',
    expect: [201, 403, 403, 403, 403, 403, 201, 403, 403, 403],
    run: (w, p) => call(w, p, 'POST', '/v3/services', { service: { type: unique('t') } }),
  },
  { area: 'catalog', what: 'GET /v3/auth/catalog', expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200], run: (w, p) => call(w, p, 'GET', '/v3/auth/catalog') },
  // application credentials
  {
    area: 'application credentials',
    what: "GET another user's",
    expect: [200, 200, 200, 403, 403, 403, 200, 403, 403, 403],
    run: (w, p) => call(w, p, 'GET', `/v3/users/${w.victimId}/application_credentials`),
  },
  {
    area: 'application credentials',
    what: 'POST one for oneself',
    expect: [403, 403, 403, 403, 403, 403, 201, 201, 201, 400],
    run: (w, p) => call(w, p, 'POST', `/v3/users/${w.userIds[p]}/application_credentials`, { application_credential: { name: unique('a') } }),
  },
  // tokens
  {
    area: 'tokens',
    what: "GET /v3/auth/tokens of another user's token",
    expect: [200, 200, 200, 403, 403, 403, 200, 403, 403, 403],
    run: async (w, p) => call(w, p, 'GET', '/v3/auth/tokens', undefined, { 'x-subject-token': await token(w.t, w.victimId, w.victimPassword) }),
  },
  {
    area: 'tokens',
    what: "DELETE /v3/auth/tokens of another user's token",
    expect: [204, 403, 403, 403, 403, 403, 204, 403, 403, 403],
    run: async (w, p) => call(w, p, 'DELETE', '/v3/auth/tokens', undefined, { 'x-subject-token': await token(w.t, w.victimId, w.victimPassword) }),
  },
  {
    area: 'tokens',
    what: 'GET /v3/auth/tokens of its own token',
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    run: (w, p) => call(w, p, 'GET', '/v3/auth/tokens', undefined, { 'x-subject-token': w.tokens[p] }),
  },
];

for (const dialect of DIALECTS) {
  describe(`persona matrix, enforce_scope and enforce_new_defaults on (${dialect})`, () => {
    let w: World;
    before(async () => {
      w = await world(await startTestIdentity({ dialect, enforceScope: true, enforceNewDefaults: true }));
    });
    after(() => w.t.close());

    for (const area of new Set(CASES.map((c) => c.area))) {
      it(area, async () => {
        const mismatches: string[] = [];
        for (const c of CASES.filter((x) => x.area === area)) {
          for (const [i, persona] of PERSONAS.entries()) {
            const response = await c.run(w, persona);
            if (response.statusCode !== c.expect[i]) {
              mismatches.push(`${c.what} as ${persona}: ${response.statusCode}, expected ${c.expect[i]} ${response.body.slice(0, 160)}`);
            }
          }
        }
        assert.deepEqual(mismatches, []);
      });
    }

    it('a domain admin cannot get a system-scoped token, even after trying to grant itself the system', async () => {
      const grant = await call(w, 'domAdmin', 'PUT', `/v3/system/users/${w.userIds.domAdmin}/roles/${w.roles.admin}`);
      assert.equal(grant.statusCode, 403);
      const response = await w.t.app.inject({
        method: 'POST',
        url: '/v3/auth/tokens',
        payload: { auth: { identity: { methods: ['password'], password: { user: { id: w.userIds.domAdmin, password: PASSWORD } } }, scope: { system: { all: true } } } },
      });
      assert.equal(response.statusCode, 401, response.body);
    });
  });
}

describe('persona matrix with Zed defaults (both options off): the deprecated rules still apply', () => {
  let w: World;
  before(async () => {
    w = await world(await startTestIdentity());
  });
  after(() => w.t.close());

  it('admin on a domain is admin everywhere, as in Keystone with the deprecated rules OR-ed in', async () => {
    const create = await call(w, 'domAdmin', 'POST', '/v3/users', { user: { name: unique('u'), domain_id: 'default' } });
    assert.equal(create.statusCode, 201, create.body);
    const roles = await call(w, 'domAdmin', 'GET', '/v3/roles');
    assert.equal(roles.statusCode, 200);
    assert.equal((await call(w, 'prjMember', 'GET', '/v3/roles')).statusCode, 403);
  });

  it('enforce_scope alone refuses a domain-scoped token on a system/project-only rule', async () => {
    const scoped = await world(await startTestIdentity({ enforceScope: true }));
    try {
      assert.equal((await call(scoped, 'domAdmin', 'GET', '/v3/roles')).statusCode, 403);
      // The deprecated admin_required is still OR-ed in where the scope fits.
      assert.equal((await call(scoped, 'domAdmin', 'POST', '/v3/users', { user: { name: unique('u'), domain_id: 'default' } })).statusCode, 201);
    } finally {
      await scoped.t.close();
    }
  });
});
