// Unified limits in-process: the default flat model, the strict model's project depth and
// its start-up check, the strict model's message, and who may read which limit. The
// statuses and shapes against the real Keystone are in test/interop/identity-differential-areas.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { IdentityService } from '../../src/index.ts';
import { startTestIdentity, type TestIdentity } from '@baton/test-support';
import { adminCaller, assertError, json, memberCaller, type Caller } from './crud-helpers.ts';

let flat: TestIdentity;
let strict: TestIdentity;
let admin: Caller;
let strictAdmin: Caller;

before(async () => {
  [flat, strict] = await Promise.all([startTestIdentity(), startTestIdentity({ enforcementModel: 'strict_two_level' })]);
  [admin, strictAdmin] = await Promise.all([adminCaller(flat), adminCaller(strict)]);
});
after(() => Promise.all([flat.close(), strict.close()]));

async function registered(caller: Caller, resource: string, defaultLimit: number): Promise<string> {
  const service = json(await caller('POST', '/v3/services', { service: { type: `t-${resource}` } })).service.id as string;
  const created = await caller('POST', '/v3/registered_limits', {
    registered_limits: [{ service_id: service, resource_name: resource, default_limit: defaultLimit }],
  });
  assert.equal(created.statusCode, 201, created.body);
  return service;
}

async function project(caller: Caller, name: string, parentId?: string): Promise<string> {
  const created = await caller('POST', '/v3/projects', { project: { name, ...(parentId === undefined ? {} : { parent_id: parentId }) } });
  assert.equal(created.statusCode, 201, created.body);
  return json(created).project.id as string;
}

describe('flat model', () => {
  test('names itself and lets a project limit exceed every other', async () => {
    assert.deepEqual(json(await admin('GET', '/v3/limits/model')).model, {
      name: 'flat',
      description: 'Limit enforcement and validation does not take project hierarchy into consideration.',
    });
    const service = await registered(admin, 'cores', 1);
    const top = await project(admin, 'flat-top');
    const deep = await project(admin, 'flat-3', await project(admin, 'flat-2', top));
    const created = await admin('POST', '/v3/limits', {
      limits: [{ project_id: deep, service_id: service, resource_name: 'cores', resource_limit: 100 }],
    });
    assert.equal(created.statusCode, 201, created.body);
  });

  test('a project member reads its own project limit only', async () => {
    const member = await memberCaller(flat, 'limit-reader');
    const service = await registered(admin, 'ram', 10);
    const other = await project(admin, 'limit-other');
    const [own, foreign] = json(await admin('POST', '/v3/limits', {
      limits: [
        { project_id: member.projectId, service_id: service, resource_name: 'ram', resource_limit: 1 },
        { project_id: other, service_id: service, resource_name: 'ram', resource_limit: 2 },
      ],
    })).limits as { id: string }[];
    assert.equal((await member('GET', `/v3/limits/${own?.id}`)).statusCode, 200);
    assert.equal((await member('GET', `/v3/limits/${foreign?.id}`)).statusCode, 403);
    assert.deepEqual(json(await member('GET', `/v3/limits?service_id=${service}`)).limits.map((l: { id: string }) => l.id), [own?.id]);
  });
});

describe('strict_two_level model', () => {
  test('refuses a third level of projects', async () => {
    const second = await project(strictAdmin, 'strict-2', await project(strictAdmin, 'strict-1'));
    const third = await strictAdmin('POST', '/v3/projects', { project: { name: 'strict-3', parent_id: second } });
    assert.equal(third.statusCode, 403, third.body);
    assert.match(json(third).error.message, /^Max hierarchy depth reached for [0-9a-f]{32} branch\.$/);
  });

  test("answers Keystone's message for a project limit above its domain's", async () => {
    const service = await registered(strictAdmin, 'disk', 10);
    const top = await project(strictAdmin, 'strict-limited');
    assertError(
      await strictAdmin('POST', '/v3/limits', { limits: [{ project_id: top, service_id: service, resource_name: 'disk', resource_limit: 11 }] }),
      403,
      `Invalid resource limit: The resource limit (project_id: ${top}, resource_name: disk, resource_limit: 11, service_id: ${service}, ` +
        "region_id: None) doesn't satisfy current hierarchy model..",
    );
  });

  test('the service does not start over a deeper hierarchy', async () => {
    await project(admin, 'too-deep', await project(admin, 'deep-2', await project(admin, 'deep-1')));
    await assert.rejects(
      IdentityService.open({ ...flat.service.config, unified_limit: { enforcement_model: 'strict_two_level' } }),
      /cannot start due to project hierarchical depth .* exceeds the enforcement model's maximum limit of 2/,
    );
  });
});
