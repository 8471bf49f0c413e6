// The real keystonemiddleware (python3-keystonemiddleware) in front of a small WSGI app,
// validating tokens issued by Baton's identity service, with and without service tokens; and
// beside Baton's own middleware on the same file, for application-credential access rules.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createAuthToken, loadAuthTokenConfig, withAuthToken, type AuthToken } from '@baton/auth-token';
import {
  createEntity,
  issueAccessRuleToken,
  issuePasswordToken,
  startTarget,
  type IdentityTarget,
  SYSTEM_PYTHON,
  stopChild,
  novaAuthtokenConf,
  seedServiceUsers,
  type ServiceUsers,
} from '@baton/test-support';

const KSM_ECHO = fileURLToPath(new URL('./python/ksm_echo.py', import.meta.url));
const EXPIRATION = 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe('keystonemiddleware (Python) validating Baton-issued tokens', { timeout: 180_000 }, () => {
  let target: IdentityTarget;
  let seeded: ServiceUsers;
  let child: ChildProcess;
  let dir: string;
  let url: string;
  let expiredDemo: string;
  let issuedAt: number;
  let baton: AuthToken;
  let batonServer: Server;
  let batonUrl: string;

  const token = async (user: 'nova' | 'demo') =>
    (await issuePasswordToken(target.url, user, seeded[user].password, { project: seeded[user].project })).token;
  const get = async (headers: Record<string, string>) => {
    const response = await fetch(`${url}/v1/servers`, { headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text) as { headers: Record<string, string> } };
  };

  before(async () => {
    target = await startTarget('baton', { expiration: EXPIRATION });
    seeded = await seedServiceUsers(target);
    dir = await mkdtemp(join(tmpdir(), 'baton-ksm-'));
    const conf = join(dir, 'ksm.conf');
    // service_type: what access rules are checked against (compute is added to the catalog below).
    await writeFile(conf, novaAuthtokenConf(target.url, seeded, ['interface = public', 'service_type = compute']));
    child = spawn(SYSTEM_PYTHON, [KSM_ECHO, conf], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ksm_echo.py did not start: ${stderr}`)), 30_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        const match = /listening on (\S+)/.exec(chunk);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
      child.once('exit', (code) => reject(new Error(`ksm_echo.py exited with ${code}: ${stderr}`)));
    });
    baton = createAuthToken(loadAuthTokenConfig([conf]).config, { logger: { warn: () => undefined, info: () => undefined } });
    batonServer = createServer(withAuthToken(baton.core, (_req, res) => void res.end('{}')));
    await new Promise<void>((resolve) => batonServer.listen({ host: '127.0.0.1', port: 0 }, resolve));
    batonUrl = `http://127.0.0.1:${(batonServer.address() as AddressInfo).port}`;
    issuedAt = Date.now();
    expiredDemo = await token('demo');
  });
  after(async () => {
    batonServer?.closeAllConnections();
    await new Promise((resolve) => (batonServer === undefined ? resolve(undefined) : batonServer.close(resolve)));
    await baton?.close();
    if (child !== undefined) await stopChild(child);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    await target?.stop();
  });

  it('accepts a Baton user token and sets the identity headers', async () => {
    const { status, body } = await get({ 'X-Auth-Token': await token('demo') });
    assert.equal(status, 200);
    assert.equal(body.headers['x-identity-status'], 'Confirmed');
    assert.equal(body.headers['x-user-id'], seeded.demo.userId);
    assert.equal(body.headers['x-project-id'], seeded.demo.projectId);
  });

  it('rejects no token and a garbage token with the OpenStack 401', async () => {
    for (const headers of [{}, { 'X-Auth-Token': 'garbage' }] as Record<string, string>[]) {
      const response = await fetch(`${url}/v1`, { headers });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), `Keystone uri="${target.url}"`);
      assert.equal((await response.json() as { error: { code: number } }).error.code, 401);
    }
  });

  it('accepts a valid Baton service token with the role, and refuses one without it', async () => {
    const user = await token('demo');
    const ok = await get({ 'X-Auth-Token': user, 'X-Service-Token': await token('nova') });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.headers['x-service-user-id'], seeded.nova.userId);
    assert.equal(ok.body.headers['x-service-roles'], 'service');
    const response = await fetch(`${url}/v1`, { headers: { 'X-Auth-Token': user, 'X-Service-Token': await token('demo') } });
    assert.equal(response.status, 401);
  });

  it('an application credential restricted by access rules: both middlewares allow and refuse the same requests', async () => {
    const admin = (await issuePasswordToken(target.url, 'admin', target.adminPassword, { project: 'admin' })).token;
    const compute = await createEntity(target.url, admin, 'services', 'service', { type: 'compute', name: 'nova' });
    await createEntity(target.url, admin, 'endpoints', 'endpoint', { service_id: compute, interface: 'public', url: 'http://127.0.0.1:8774/v2.1' });
    const rules = [
      { service: 'compute', method: 'GET', path: '/v2.1/servers/*' },
      { service: 'compute', method: 'PUT', path: '/v2.1/os-keypairs/**' },
      { service: 'image', method: 'GET', path: '/v2/images' },
    ];
    const restricted = await issueAccessRuleToken(target.url, await token('demo'), seeded.demo.userId, rules);
    const nova = await token('nova');
    // What keystonemiddleware answers, and Baton must too: [method, path, status, service token].
    const requests: [string, string, number, string?][] = [
      ['GET', '/v2.1/servers/abc?all_tenants=1', 200],
      ['GET', '/v2.1/servers/', 401],
      ['GET', '/v2.1/servers/abc/action', 401],
      ['POST', '/v2.1/servers/abc', 401],
      ['PUT', '/v2.1/os-keypairs/a/b', 200],
      ['PUT', '/v2.1/os-keypairs', 401],
      ['GET', '/v2/images', 401],
      ['GET', '/v2.1/flavors', 200, nova],
    ];
    const label = (method: string, path: string, service: string | undefined) => `${method} ${path}${service === undefined ? '' : ' with a service token'}`;
    const statuses = async (base: string) => {
      const answers: string[] = [];
      for (const [method, path, , service] of requests) {
        const sent = await fetch(`${base}${path}`, { method, headers: { 'X-Auth-Token': restricted, ...(service === undefined ? {} : { 'X-Service-Token': service }) } });
        await sent.arrayBuffer();
        answers.push(`${label(method, path, service)}: ${sent.status}`);
      }
      return answers;
    };
    const ksm = await statuses(url);
    assert.deepEqual(ksm, requests.map(([method, path, status, service]) => `${label(method, path, service)}: ${status}`));
    assert.deepEqual(await statuses(batonUrl), ksm);
  });

  it('accepts an expired Baton user token only with a Baton service token holding the role', async () => {
    await sleep(issuedAt + EXPIRATION * 1000 + 1200 - Date.now());
    const alone = await fetch(`${url}/v1`, { headers: { 'X-Auth-Token': expiredDemo } });
    assert.equal(alone.status, 401);
    const withService = await get({ 'X-Auth-Token': expiredDemo, 'X-Service-Token': await token('nova') });
    assert.equal(withService.status, 200);
    assert.equal(withService.body.headers['x-user-id'], seeded.demo.userId);
    assert.equal(withService.body.headers['x-service-user-id'], seeded.nova.userId);
  });
});
