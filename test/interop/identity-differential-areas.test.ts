// The differential suite for unified limits, project tags and policies (issue #11, item 3;
// the other areas of that item get their sequences here too): each area's sequence runs
// against one real Keystone 22 and one Baton (started through its CLI, the same options),
// and the transcripts must agree on every status, JSON shape (keys, types, links) and
// error code. The real `openstack` CLI then drives each area it has commands for, on Baton.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OPENSTACK_CLI, openstack, runCommand, startBaton, startKeystone, type RealKeystone } from '@baton/test-support';
import { differential, limitsSequence, policiesSequence, projectTagsSequence, sideOf, type Side } from './identity-areas-sequences.ts';
import { federationSequence } from './identity-areas-federation.ts';
import { credentialsSequence } from './identity-areas-credentials.ts';
import { oauth1Sequence } from './identity-areas-oauth1.ts';
import { endpointFilterSequence, prepare } from './identity-areas-endpoint-filter.ts';
import { trustsSequence } from './identity-areas-trusts.ts';
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
  // The CLI blocks drive Baton alone: the sequences compare it with Keystone request by request,
  // and each CLI command costs seconds of Python start-up, which the suite's budget cannot pay twice.
  const cliSides = (): Side[] => sides.filter((side) => side.name === 'baton');

  it('unified limits: registered limits, limits, the model and the strict_two_level checks', async () => {
    await differential(sides, limitsSequence);
  });

  it('project tags: the tag routes, tags on projects and the list filters', async () => {
    await differential(sides, projectTagsSequence);
  });

  it('policies: create, read, list by type, update, delete', async () => {
    await differential(sides, policiesSequence);
  });

  it('federation: identity providers, protocols, mappings, service providers, service_providers in tokens', async () => {
    await differential(sides, federationSequence);
  });

  it('endpoint filter and endpoint policies: groups, project endpoints, the narrowed catalog, policy associations', async () => {
    await differential(sides, endpointFilterSequence);
  });

  it('credentials: /v3/credentials, OS-EC2 credentials and /v3/ec2tokens', async () => {
    await differential(sides, credentialsSequence);
  });

  it('OAuth1: consumers, the signed exchanges, authorization, oauth1 tokens and access tokens', async () => {
    await differential(sides, oauth1Sequence);
  });

  it('trusts: create and its errors, list, get, roles, trust-scoped tokens, uses, deletion', async () => {
    await differential(sides, trustsSequence);
  });

  it('domain configs, projects acting as domains, domain-specific roles and access rules', async () => {
    await differential(sides, domainConfigsSequence);
  });

  // The CLI blocks come after every sequence: they add services and endpoints to Baton alone,
  // which would otherwise show in the catalogs the later sequences compare.
  it('unified limits through the openstack CLI', async () => {
    await Promise.all(cliSides().map(async (side) => {
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

  it('project tags through the openstack CLI', async () => {
    await Promise.all(cliSides().map(async (side) => {
      const created = (await cli(side, ['project', 'create', '--domain', 'default', '--tag', 'cli-red', '--tag', 'cli-blue', 'cli-tagged'])) as Record<string, unknown>;
      // The client sends the tags as a Python set, in no particular order.
      assert.deepEqual([...(created.tags as string[])].sort(), ['cli-blue', 'cli-red'], side.name);
      const listed = (await cli(side, ['project', 'list', '--tags', 'cli-red,cli-blue'])) as Record<string, unknown>[];
      assert.deepEqual(listed.map((p) => p.Name), ['cli-tagged'], side.name);
    }));
  });

  it('policies through the openstack CLI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-policy-'));
    try {
      const file = join(dir, 'policy.json');
      await writeFile(file, '{"compute:start": "rule:admin"}');
      await Promise.all(cliSides().map(async (side) => {
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

  it('federation through the openstack CLI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-mapping-'));
    try {
      const rules = join(dir, 'rules.json');
      await writeFile(rules, JSON.stringify([{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'REMOTE_USER' }] }]));
      await Promise.all(cliSides().map(async (side) => {
        const idp = (await cli(side, ['identity', 'provider', 'create', '--remote-id', 'https://cli.example.com/idp', '--enable', 'cli-idp'])) as Record<string, unknown>;
        assert.deepEqual(idp.remote_ids, ['https://cli.example.com/idp'], side.name);
        const mapping = (await cli(side, ['mapping', 'create', '--rules', rules, 'cli-map'])) as Record<string, unknown>;
        assert.equal(mapping.id, 'cli-map', side.name);
        const protocol = (await cli(side, ['federation', 'protocol', 'create', '--identity-provider', 'cli-idp', '--mapping', 'cli-map', 'saml2'])) as Record<string, unknown>;
        assert.equal(protocol.mapping, 'cli-map', side.name);
        const sp = (await cli(side, ['service', 'provider', 'create', '--auth-url', 'https://sp.example.com/v3/auth', '--service-provider-url', 'https://sp.example.com/ECP', '--disable', 'cli-sp'])) as Record<string, unknown>;
        assert.deepEqual([sp.enabled, sp.relay_state_prefix], [false, 'ss:mem:'], side.name);
      }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('endpoint filter through the openstack CLI: a group and an endpoint on a project, and its catalog', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-ep-filter-'));
    try {
      await Promise.all(cliSides().map(async (side) => {
        // The service, its endpoint and the project come through the API: the CLI's start-up costs seconds.
        const serviceId = (await prepare(side, 'POST', '/services', { service: { type: 'cli-filtered-type', name: 'cli-filtered' } })).service.id as string;
        const endpointId = (await prepare(side, 'POST', '/endpoints', { endpoint: { service_id: serviceId, interface: 'public', url: 'http://cli-filtered/', region_id: 'RegionOne' } }))
          .endpoint.id as string;
        const projectId = (await prepare(side, 'POST', '/projects', { project: { name: 'cli-filtered', domain_id: 'default' } })).project.id as string;
        const adminRole = (await prepare(side, 'GET', '/roles?name=admin')).roles[0].id as string;
        const adminUser = (await prepare(side, 'GET', '/users?name=admin')).users[0].id as string;
        await prepare(side, 'PUT', `/projects/${projectId}/users/${adminUser}/roles/${adminRole}`);

        const filters = join(dir, `${side.name}.json`);
        await writeFile(filters, JSON.stringify({ service_id: serviceId }));
        const group = (await cli(side, ['endpoint', 'group', 'create', '--description', 'cli', 'cli-group', filters])) as Record<string, unknown>;
        assert.equal(group.name, 'cli-group', side.name);
        await Promise.all([
          openstack(side, side.admin, ['endpoint', 'group', 'add', 'project', String(group.id), projectId], { json: false }),
          openstack(side, side.admin, ['endpoint', 'add', 'project', endpointId, projectId], { json: false }),
        ]);
        const [listed, catalog] = (await Promise.all([
          cli(side, ['endpoint', 'list', '--project', projectId]),
          openstack(side, { ...side.admin, project: 'cli-filtered' }, ['catalog', 'list'], { json: true }),
        ])) as Record<string, unknown>[][];
        assert.deepEqual(listed?.map((e) => e.ID), [endpointId], side.name);
        assert.deepEqual(catalog?.map((c) => c.Type), ['cli-filtered-type'], side.name);
      }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('credentials through the openstack CLI', async () => {
    await Promise.all(cliSides().map(async (side) => {
      const created = (await cli(side, ['credential', 'create', '--type', 'cert', 'admin', 'cli-blob'])) as Record<string, unknown>;
      assert.equal(created.blob, 'cli-blob', side.name);
      const listed = (await cli(side, ['credential', 'list', '--type', 'cert'])) as Record<string, unknown>[];
      assert.ok(listed.some((c) => c.ID === created.id), side.name);
      const pair = (await cli(side, ['ec2', 'credentials', 'create', '--project', 'admin'])) as Record<string, unknown>;
      const pairs = (await cli(side, ['ec2', 'credentials', 'list'])) as Record<string, unknown>[];
      assert.ok(pairs.some((p) => p.Access === pair.access), side.name);
      // Silent on success; a refusal would make the CLI exit non-zero.
      await openstack(side, side.admin, ['ec2', 'credentials', 'delete', pair.access as string], { json: false });
    }));
  });

  it('OAuth1 through the openstack CLI, then a token with keystoneauth\'s v3oauth1 plugin', async () => {
    await Promise.all(cliSides().map(async (side) => {
      const consumer = (await cli(side, ['consumer', 'create', '--description', 'cli'])) as { id: string; secret: string };
      const request = (await cli(side, ['request', 'token', 'create', '--consumer-key', consumer.id, '--consumer-secret', consumer.secret, '--project', 'admin'])) as Record<string, string>;
      // keystoneclient names a token's key `id` and its secret `secret`.
      const authorized = (await cli(side, ['request', 'token', 'authorize', '--request-key', request.id as string, '--role', 'member'])) as Record<string, string>;
      const access = (await cli(side, [
        'access', 'token', 'create', '--consumer-key', consumer.id, '--consumer-secret', consumer.secret,
        '--request-key', request.id as string, '--request-secret', request.secret as string, '--verifier', authorized.oauth_verifier as string,
      ])) as Record<string, string>;
      const env = {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_'))),
        OS_AUTH_TYPE: 'v3oauth1', OS_AUTH_URL: side.url, OS_IDENTITY_API_VERSION: '3',
        OS_CONSUMER_KEY: consumer.id, OS_CONSUMER_SECRET: consumer.secret,
        OS_ACCESS_KEY: access.id as string, OS_ACCESS_SECRET: access.secret as string,
      };
      const issued = await runCommand(OPENSTACK_CLI, ['token', 'issue', '-f', 'json'], { env, timeoutMs: 60_000 });
      assert.equal(issued.code, 0, `${side.name}: ${issued.stderr}`);
      const token = JSON.parse(issued.stdout) as Record<string, string>;
      assert.ok(token.id, side.name);
      assert.ok(token.project_id, side.name);
    }));
  });

  it('trusts through the openstack CLI', async () => {
    await Promise.all(cliSides().map(async (side) => {
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

  it('domain-specific and implied roles and access rules through the openstack CLI', async () => {
    await Promise.all(cliSides().map(async (side) => {
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
