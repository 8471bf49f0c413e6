// [cache] across identity nodes: two services sharing one database (each with its own
// in-process cache), with the backends an operator can choose. A role removed on node A is
// seen by node B at once with caching off or a shared backend (memcached, Redis), and within
// expiration_time with the in-process one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { IdentityService, createIdentityApp, type IdentityConfig } from '../../src/index.ts';
import {
  adminToken,
  createProjectUser,
  issueToken,
  startMemcached,
  startTestIdentity,
  type Memcached,
  type TestIdentity,
} from '@baton/test-support';

type CacheOptions = Partial<IdentityConfig['cache']>;

interface Node {
  service: IdentityService;
  app: FastifyInstance;
}

/** Another node on `a`'s database: A's configuration with `cache` (and `config`) over it. */
async function startNodeB(
  a: TestIdentity,
  cache: CacheOptions,
  config: Partial<IdentityConfig> = {},
  warn?: (message: string) => void,
): Promise<Node & { close(): Promise<void> }> {
  const service = await IdentityService.open({ ...a.service.config, ...config, cache: { ...a.service.config.cache, ...cache } }, { warn });
  const app = await createIdentityApp(service);
  return {
    service,
    app,
    async close() {
      await app.close();
      await service.close();
    },
  };
}

let users = 0;

/**
 * A member token validated once on each of `nodes` (so they have it cached), then the member
 * role removed through A's API. Returns how a node answers for the token afterwards.
 */
async function revokeRoleOnA(a: TestIdentity, nodes: readonly Node[]): Promise<(node: Node) => Promise<number>> {
  const admin = await adminToken(a.app);
  const name = `cached-${users++}`;
  const u = await createProjectUser(a, name, 'member');
  const token = await issueToken(a.app, name, u.password, { project: { id: u.projectId } });
  const validate = async (node: Node) =>
    (await node.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin, 'x-subject-token': token } })).statusCode;
  for (const node of [a, ...nodes]) assert.equal(await validate(node), 200);
  const member = await a.service.assignment.getRoleByName('member');
  const removed = await a.app.inject({
    method: 'DELETE',
    url: `/v3/projects/${u.projectId}/users/${u.userId}/roles/${member.id}`,
    headers: { 'x-auth-token': admin },
  });
  assert.equal(removed.statusCode, 204);
  assert.equal(await validate(a), 404, 'a local write drops the cache at once');
  return validate;
}

/** Node B with A's shared backend, expiration_time 600: it sees the removal at its next validation. */
async function seenAtOnce(a: TestIdentity, cache: CacheOptions, kind: string): Promise<void> {
  const b = await startNodeB(a, cache);
  try {
    assert.equal(b.service.cache.kind, kind);
    const onNode = await revokeRoleOnA(a, [b]);
    assert.equal(await onNode(b), 404);
  } finally {
    await b.close();
  }
}

describe('[cache] on several identity nodes', () => {
  // Node A writes through Redis, so B nodes with Redis see its writes; B nodes with another
  // backend ignore the shared key, as an in-process node would.
  let a: TestIdentity;
  const redis = { backend: 'dogpile.cache.redis', backend_argument: ['url:redis://127.0.0.1:6379/0'], expiration_time: 600 };
  before(async () => {
    a = await startTestIdentity({ cache: redis });
  });
  after(() => a.close());

  it('Redis (dogpile.cache.redis, backend_argument url): node B sees a removal on node A at once', async () => {
    await seenAtOnce(a, redis, 'redis');
  });

  it('in-process (oslo_cache.dict): another node only once its expiration_time has passed', async () => {
    const long = await startNodeB(a, { backend: 'oslo_cache.dict', expiration_time: 600 });
    const short = await startNodeB(a, { backend: 'oslo_cache.dict', expiration_time: 1 });
    try {
      const onNode = await revokeRoleOnA(a, [long, short]);
      assert.equal(await onNode(long), 200, 'nothing tells an in-process node before its entries expire');
      const started = Date.now();
      // Bound 1 s; the deadline is generous for a loaded machine.
      while ((await onNode(short)) !== 404) {
        assert.ok(Date.now() - started < 15_000, 'node B never saw the removed role');
        await sleep(100);
      }
    } finally {
      await long.close();
      await short.close();
    }
  });

  it('caching off ([cache] enabled = false, or [token] and [role] caching = false): node B at once', async () => {
    const disabled = await startNodeB(a, { enabled: false });
    const off = { caching: false, cache_time: null };
    const areasOff = await startNodeB(a, { backend: 'oslo_cache.dict' }, { token: { ...a.service.config.token, ...off }, role: off });
    try {
      assert.equal(disabled.service.cache.kind, 'null');
      const onNode = await revokeRoleOnA(a, [disabled, areasOff]);
      assert.equal(await onNode(disabled), 404);
      assert.equal(await onNode(areasOff), 404);
    } finally {
      await disabled.close();
      await areasOff.close();
    }
  });

  it('refuses a backend_argument it would not act on, naming it', async () => {
    await assert.rejects(
      startNodeB(a, { backend: 'dogpile.cache.redis', backend_argument: ['distributed_lock:true'] }),
      /\[cache\] backend_argument: "distributed_lock" is not an argument Baton reads for dogpile\.cache\.redis/,
    );
  });
});

describe('[cache] with memcached (oslo_cache.memcache_pool)', () => {
  let memcached: Memcached;
  let a: TestIdentity;
  let cache: CacheOptions;
  before(async () => {
    memcached = await startMemcached();
    cache = { backend: 'oslo_cache.memcache_pool', memcache_servers: [`${memcached.host}:${memcached.port}`], expiration_time: 600 };
    a = await startTestIdentity({ cache });
  });
  after(async () => {
    await a.close();
    await memcached.stop();
  });

  it('node B sees a removal on node A at once, with a long expiration_time', async () => {
    await seenAtOnce(a, cache, 'memcached');
  });

  it('a cache server that stops answering: the node reads the database (still correct) and warns once', async () => {
    const lost = await startMemcached();
    const warnings: string[] = [];
    const b = await startNodeB(
      a,
      { backend: 'dogpile.cache.memcached', memcache_servers: [`${lost.host}:${lost.port}`], memcache_socket_timeout: 0.5 },
      {},
      (message) => warnings.push(message),
    );
    try {
      await lost.stop();
      const onNode = await revokeRoleOnA(a, [b]);
      assert.equal(await onNode(b), 404, 'without the region key nothing cached is trusted');
      assert.equal(warnings.filter((w) => /memcached cache does not answer/.test(w)).length, 1, warnings.join('\n'));
    } finally {
      await b.close();
    }
  });
});
