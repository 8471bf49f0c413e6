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
import { trustsSequence } from './identity-areas-trusts.ts';

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

  it('trusts: create and its errors, list, get, roles, trust-scoped tokens, uses, deletion', async () => {
    await differential(sides, trustsSequence);
  });

  it('trusts through the openstack CLI', async () => {
    await Promise.all(sides.map(async (side) => {
      const trustee = (await cli(side, ['user', 'create', '--domain', 'default', '--password', 'cli-secret', `cli-trustee-${side.name}`])) as { id: string };
      const created = (await cli(side, ['trust', 'create', '--project', 'admin', '--role', 'admin', 'admin', trustee.id])) as Record<string, unknown>;
      assert.equal(created.trustee_user_id, trustee.id, side.name);
      assert.equal(created.roles, 'admin', side.name);
      const listed = (await cli(side, ['trust', 'list'])) as Record<string, unknown>[];
      assert.deepEqual(listed.filter((t) => t['Trustee User ID'] === trustee.id).map((t) => t.ID), [created.id], side.name);
      const shown = (await cli(side, ['trust', 'show', created.id as string])) as Record<string, unknown>;
      assert.equal(shown.project_id, created.project_id, side.name);
      await openstack(side, side.admin, ['trust', 'delete', created.id as string], { json: false });
      const after = (await cli(side, ['trust', 'list'])) as Record<string, unknown>[];
      assert.equal(after.filter((t) => t.ID === created.id).length, 0, side.name);
    }));
  });
});
