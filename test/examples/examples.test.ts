// examples/ as a Node project uses Baton: the public packages packed with `npm run
// pack-packages`, each example copied outside the repository and installed from the tarballs
// (no tsx, no workspace), the TypeScript one compiled against the packed .d.ts, then each run
// with plain node against a real Baton identity and a recorder standing in for the service it calls.
// The same empty project also runs one of @baton/cloud's services from a TypeScript consumer.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  REPO_ROOT, adminToken, createProjectUser, issueToken, runChecked, startProcess, startTestIdentity,
  type Running, type TestIdentity,
} from '@baton/test-support';

const EXPIRATION_S = 15;
const PUBLIC_PACKAGES = ['auth-token', 'cache', 'cloud', 'config', 'fernet', 'logging', 'session', 'storage', 'tokens'];
const EXAMPLES = [
  { name: 'node-http', main: 'server.mjs' },
  { name: 'express', main: 'server.mjs' },
  { name: 'fastify', main: 'dist/server.js', build: true },
] as const;
const demoScope = { project: { name: 'demo-project', domain: { id: 'default' } } };
const exampleScope = { project: { name: 'example-project', domain: { id: 'default' } } };

/** A consumer's settings (tsc's own template: strict, NodeNext, skipLibCheck). */
const CLOUD_CONSUMER_TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: ['node'] },
  files: ['volumes.ts'],
};

const CLOUD_CONSUMER = `import { startBlockStorage, type ServiceStartOptions } from '@baton/cloud';

const options: ServiceStartOptions = { files: ['cinder.conf'], port: 0 };
// @ts-expect-error: port is a number in the packed .d.ts (were the types lost to \`any\`, tsc would fail here).
const wrong: ServiceStartOptions = { files: ['cinder.conf'], port: '0' };
const service = await startBlockStorage(options);
process.stdout.write(\`listening on \${service.url}\\n\`);
process.once('SIGTERM', () => void service.close().then(() => process.exit(0)));
`;

describe('examples/: Baton installed from its packed tarballs into plain Node projects', () => {
  let work: string;
  let identity: TestIdentity;
  let identityUrl: string;
  let exampleUser: { password: string };
  let demoUser: { password: string; projectId: string };
  let expiredDemo: string;
  const upstreamCalls: IncomingHttpHeaders[] = [];
  let upstream: Server;
  let upstreamUrl: string;
  const running = new Map<string, Running>();
  let tarballs: string[];
  let emptyProject: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'baton-examples-'));
    identity = await startTestIdentity({ expiration: EXPIRATION_S });
    identityUrl = `${await identity.app.listen({ host: '127.0.0.1', port: 0 })}/v3`;
    for (const endpoint of await identity.service.catalog.listEndpoints()) {
      await identity.service.catalog.updateEndpoint(endpoint.id, { url: identityUrl });
    }
    exampleUser = await createProjectUser(identity, 'example', 'service');
    demoUser = await createProjectUser(identity, 'demo', 'member');
    // Issued first, so it has expired by the time the packing and installing below are done.
    expiredDemo = await issueToken(identity.app, 'demo', demoUser.password, demoScope);
    const expiredAfter = Date.now() + EXPIRATION_S * 1000 + 1000;

    upstream = createServer((req, res) => {
      upstreamCalls.push(req.headers);
      res.end('{}');
    });
    await new Promise<void>((resolve) => upstream.listen({ host: '127.0.0.1', port: 0 }, resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    const packed = await runChecked(process.execPath, ['scripts/pack-packages.mjs', join(work, 'packs')], { cwd: REPO_ROOT, timeoutMs: 300_000 });
    tarballs = packed.stdout.trim().split('\n');
    await offerPrebuiltSqlite(work);
    const empty = installIntoEmptyProject(join(work, 'empty'), tarballs);
    // allSettled: a failure must not leave the others starting behind after()'s back.
    const setUps = await Promise.allSettled([empty, ...EXAMPLES.map(async (example) => {
      const dir = join(work, 'examples', example.name);
      cpSync(join(REPO_ROOT, 'examples', example.name), dir, { recursive: true, filter: (path) => !/\/(node_modules|dist)(\/|$)/.test(path) });
      await installQuietly(dir);
      // tsc with the example's own tsconfig: the packed .d.ts, no allowImportingTsExtensions.
      if ('build' in example) await runChecked('npm', ['run', 'build'], { cwd: dir, timeoutMs: 300_000 });
      writeFileSync(join(dir, 'service.conf'), serviceConf(identityUrl, exampleUser.password));
      running.set(example.name, await startProcess(process.execPath, [example.main], {
        cwd: dir,
        env: { PATH: process.env.PATH, PORT: '0', UPSTREAM_URL: upstreamUrl },
      }));
    })]);
    for (const setUp of setUps) if (setUp.status === 'rejected') throw setUp.reason;
    emptyProject = await empty;
    await sleep(Math.max(0, expiredAfter - Date.now()));
  });

  after(async () => {
    await Promise.all([...running.values()].map((service) => service.stop()));
    upstream?.close();
    await identity?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  async function call(example: string, path: string, headers: Record<string, string>) {
    const response = await fetch(`${running.get(example)!.url}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('packs every public package, and each installs into an empty project and loads with plain node', async () => {
    assert.deepEqual(tarballs.map((path) => basename(path)), PUBLIC_PACKAGES.map((name) => `baton-${name}-0.1.0.tgz`));
    for (const name of PUBLIC_PACKAGES) {
      const script = `import * as m from '@baton/${name}'; const r = (await import('node:module')).createRequire(import.meta.url)('@baton/${name}');`
        + ` if (Object.keys(m).length === 0 || Object.keys(r).length !== Object.keys(m).length) process.exit(1);`;
      await runChecked(process.execPath, ['--input-type=module', '-e', script], { cwd: emptyProject, env: { PATH: process.env.PATH } });
    }
  });

  it('@baton/cloud: a TypeScript consumer compiles against the packed .d.ts and runs block-storage with plain node', async () => {
    writeFileSync(join(emptyProject, 'tsconfig.json'), JSON.stringify(CLOUD_CONSUMER_TSCONFIG));
    writeFileSync(join(emptyProject, 'volumes.ts'), CLOUD_CONSUMER);
    await runChecked(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { cwd: emptyProject, timeoutMs: 120_000 });
    writeFileSync(join(emptyProject, 'cinder.conf'), `[database]\nconnection = sqlite:///cinder.db\n\n${serviceConf(identityUrl, exampleUser.password)}`);
    const service = await startProcess(process.execPath, ['volumes.js'], { cwd: emptyProject, env: { PATH: process.env.PATH } });
    running.set('cloud', service);

    const headers = { 'X-Auth-Token': await issueToken(identity.app, 'demo', demoUser.password, demoScope), 'Content-Type': 'application/json' };
    const volumes = `${service.url}/v3/${demoUser.projectId}/volumes`;
    const created = await fetch(volumes, { method: 'POST', headers, body: JSON.stringify({ volume: { size: 1, name: 'packed' } }) });
    assert.equal(created.status, 202);
    const { volume } = (await created.json()) as { volume: { id: string } };
    const listed = await fetch(volumes, { headers });
    assert.equal(listed.status, 200);
    assert.deepEqual(((await listed.json()) as { volumes: { id: string; name: string }[] }).volumes.map(({ id, name }) => ({ id, name })), [{ id: volume.id, name: 'packed' }]);
  });

  for (const { name } of EXAMPLES) {
    describe(`examples/${name}`, () => {
      it('lets a valid user token through', async () => {
        const token = await issueToken(identity.app, 'demo', demoUser.password, demoScope);
        assert.deepEqual(await call(name, '/whoami', { 'X-Auth-Token': token }), { status: 200, body: { user: 'demo', expired: false } });
      });

      it('refuses an expired user token alone', async () => {
        assert.equal((await call(name, '/whoami', { 'X-Auth-Token': expiredDemo })).status, 401);
      });

      it('lets an expired user token through with a service token', async () => {
        const service = await issueToken(identity.app, 'example', exampleUser.password, exampleScope);
        assert.deepEqual(
          await call(name, '/whoami', { 'X-Auth-Token': expiredDemo, 'X-Service-Token': service }),
          { status: 200, body: { user: 'demo', expired: true } },
        );
      });

      it("calls the next service with the user's token and its own service token", async () => {
        const service = await issueToken(identity.app, 'example', exampleUser.password, exampleScope);
        upstreamCalls.length = 0;
        const answer = await call(name, '/forward', { 'X-Auth-Token': expiredDemo, 'X-Service-Token': service });
        assert.deepEqual(answer, { status: 200, body: { upstream: 200 } });
        assert.equal(upstreamCalls.length, 1);
        const sent = upstreamCalls[0]!;
        assert.equal(sent['x-auth-token'], expiredDemo);
        assert.equal(typeof sent['x-service-token'], 'string');
        // The service token it sent is its own, fresh from [service_user].
        const validated = await identity.app.inject({
          method: 'GET',
          url: '/v3/auth/tokens',
          headers: { 'X-Auth-Token': await adminToken(identity.app), 'X-Subject-Token': sent['x-service-token'] as string },
        });
        assert.equal(validated.statusCode, 200);
        assert.equal((JSON.parse(validated.body) as { token: { user: { name: string } } }).token.user.name, 'example');
      });
    });
  }
});

function serviceConf(authUrl: string, password: string): string {
  const credentials = [
    `auth_url = ${authUrl}`, 'auth_type = password', 'username = example', `password = ${password}`,
    'user_domain_name = Default', 'project_name = example-project', 'project_domain_name = Default',
  ].join('\n');
  return `[keystone_authtoken]\n${credentials}\n\n[service_user]\nsend_service_user_token = true\n${credentials}\n`;
}

/**
 * `npm install` of all the tarballs into a project that has nothing else; npm must not warn.
 * Beside them, the TypeScript a consumer compiles with (the repository's pins). The package.json
 * holds what docs/packages.md tells a user of @baton/cloud to add.
 */
async function installIntoEmptyProject(dir: string, tarballs: readonly string[]): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const repo = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'empty', private: true, type: 'module',
    allowScripts: { 'better-sqlite3': true },
    overrides: { cookie: '1.1.1' },
  }));
  const typescript = ['typescript', '@types/node'].map((name) => `${name}@${repo.devDependencies[name]}`);
  await installQuietly(dir, [...tarballs, ...typescript]);
  assert.ok(!existsSync(join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'obj')), 'better-sqlite3 was compiled, not taken prebuilt');
  return dir;
}

/**
 * better-sqlite3 (under @baton/storage) installs its prebuilt binary, downloaded by
 * prebuild-install, or else compiles SQLite (minutes). Tests have no network, so the binary of
 * the repository's own install is offered as the release asset prebuild-install looks for, in
 * a local directory that a .prebuild-installrc above the projects names (an npm_config_
 * variable would make npm warn).
 */
async function offerPrebuiltSqlite(work: string): Promise<void> {
  const installed = join(REPO_ROOT, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string };
  const prebuilds = join(work, 'prebuilds');
  mkdirSync(prebuilds);
  const asset = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await runChecked('tar', ['-czf', join(prebuilds, asset), '-C', installed, 'build/Release/better_sqlite3.node']);
  writeFileSync(join(work, '.prebuild-installrc'), `local-prebuilds=${prebuilds}\n`);
}

async function installQuietly(dir: string, args: readonly string[] = []): Promise<void> {
  const install = await runChecked('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], { cwd: dir, timeoutMs: 300_000 });
  assert.doesNotMatch(install.stderr, /npm warn/i, `npm install in ${dir} warned`);
}
