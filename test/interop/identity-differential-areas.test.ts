// The differential suite for unified limits, project tags and policies (issue #11, item 3;
// the other areas of that item get their sequences here too): each area's sequence runs
// against one real Keystone 22 and one Baton (started through its CLI, the same options),
// and the transcripts must agree on every status, JSON shape (keys, types, links) and
// error code. The real `openstack` CLI then drives each area it has commands for.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openstack, startBaton, startKeystone, type RealKeystone } from '@baton/test-support';
import { differential, limitsSequence, policiesSequence, projectTagsSequence, sideOf, type Side } from './identity-areas-sequences.ts';
import { domainConfigsSequence } from './identity-areas-domain-configs.ts';

const CONFIG = ['[unified_limit]', 'enforcement_model = strict_two_level'];

describe('Keystone and Baton answer the same (unified limits, project tags, policies)', { timeout: 900_000 }, () => {
  let keystone: RealKeystone;
  let baton: RealKeystone;
  const sides: Side[] = [];
  before(async () => {
    [keystone, baton] = await Promise.all([startKeystone({ extraConfig: CONFIG }), startBaton({ extraConfig: CONFIG })]);
    sides.push(await sideOf('keystone', keystone), await sideOf('baton', baton));
  });
  after(async () => {
    await Promise.all([keystone?.stop(), baton?.stop()]);
  });

  const cli = (side: Side, args: string[]): Promise<unknown> => openstack(side, side.admin, args, { json: true });

  it('unified limits: registered limits, limits, the model and the strict_two_level checks', async () => {
    await differential(sides, limitsSequence);
  });

  it('unified limits through the openstack CLI', async () => {
    await Promise.all(sides.map(async (side) => {
      const service = (await cli(side, ['service', 'create', '--name', 'cli-limits', 'cli-limits-type'])) as { id: string };
      const registered = (await cli(side, ['registered', 'limit', 'create', '--service', service.id, '--default-limit', '5', '--region', 'RegionOne', 'disk'])) as Record<string, unknown>;
      assert.equal(registered.default_limit, 5, side.name);
      const listed = (await cli(side, ['registered', 'limit', 'list', '--service', service.id])) as Record<string, unknown>[];
      assert.deepEqual(listed.map((r) => r['Resource Name']), ['disk'], side.name);
      // The admin project's own limit: a project-scoped token lists only its project's limits.
      const limit = (await cli(side, ['limit', 'create', '--project', 'admin', '--service', service.id, '--region', 'RegionOne', '--resource-limit', '3', 'disk'])) as Record<string, unknown>;
      assert.equal(limit.resource_limit, 3, side.name);
      const limits = (await cli(side, ['limit', 'list', '--service', service.id])) as Record<string, unknown>[];
      assert.deepEqual(limits.map((l) => l['Resource Limit']), [3], side.name);
    }));
  });

  it('project tags: the tag routes, tags on projects and the list filters', async () => {
    await differential(sides, projectTagsSequence);
  });

  it('project tags through the openstack CLI', async () => {
    await Promise.all(sides.map(async (side) => {
      const created = (await cli(side, ['project', 'create', '--domain', 'default', '--tag', 'cli-red', '--tag', 'cli-blue', 'cli-tagged'])) as Record<string, unknown>;
      // The client sends the tags as a Python set, in no particular order.
      assert.deepEqual([...(created.tags as string[])].sort(), ['cli-blue', 'cli-red'], side.name);
      const listed = (await cli(side, ['project', 'list', '--tags', 'cli-red,cli-blue'])) as Record<string, unknown>[];
      assert.deepEqual(listed.map((p) => p.Name), ['cli-tagged'], side.name);
    }));
  });

  it('policies: create, read, list by type, update, delete', async () => {
    await differential(sides, policiesSequence);
  });

  it('policies through the openstack CLI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-policy-'));
    try {
      const file = join(dir, 'policy.json');
      await writeFile(file, '{"compute:start": "rule:admin"}');
      await Promise.all(sides.map(async (side) => {
        const created = (await cli(side, ['policy', 'create', '--type', 'application/x-cli', file])) as Record<string, unknown>;
        assert.equal(created.type, 'application/x-cli', side.name);
        assert.equal(created.rules, '{"compute:start": "rule:admin"}', side.name);
        const listed = (await cli(side, ['policy', 'list'])) as Record<string, unknown>[];
        assert.deepEqual(listed.filter((p) => p.Type === 'application/x-cli').map((p) => p.ID), [created.id], side.name);
      }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('domain configs, projects acting as domains, domain-specific roles and access rules', async () => {
    await differential(sides, domainConfigsSequence);
  });

  it('domain-specific and implied roles and access rules through the openstack CLI', async () => {
    await Promise.all(sides.map(async (side) => {
      const role = (await cli(side, ['role', 'create', '--domain', 'default', 'cli-domain-role'])) as Record<string, unknown>;
      assert.equal(role.domain_id, 'default', side.name);
      // The client finds roles among the global ones only, so its implications are between those.
      const global = (await cli(side, ['role', 'create', 'cli-global-role'])) as Record<string, unknown>;
      const implied = (await cli(side, ['implied', 'role', 'create', '--implied-role', 'reader', 'cli-global-role'])) as Record<string, unknown>;
      assert.equal(implied.prior_role, global.id, side.name);

      const rules = JSON.stringify([{ service: 'compute', path: '/v2.1/servers', method: 'GET' }]);
      const credential = (await cli(side, ['application', 'credential', 'create', '--access-rules', rules, 'cli-ruled'])) as Record<string, unknown>;
      const listed = (await cli(side, ['access', 'rule', 'list'])) as Record<string, unknown>[];
      assert.deepEqual(listed.map((r) => [r.Service, r.Method, r.Path]), [['compute', 'GET', '/v2.1/servers']], side.name);
      const shown = (await cli(side, ['access', 'rule', 'show', String(listed[0]?.ID)])) as Record<string, unknown>;
      assert.equal(shown.path, '/v2.1/servers', side.name);
      await openstack(side, side.admin, ['application', 'credential', 'delete', String(credential.id)], { json: false });
      await openstack(side, side.admin, ['access', 'rule', 'delete', String(listed[0]?.ID)], { json: false });
    }));
  });
});
