// The real keystonemiddleware (python3-keystonemiddleware) in front of a small WSGI app,
// validating tokens issued by Baton's identity service, with and without service tokens.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
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
    await writeFile(conf, novaAuthtokenConf(target.url, seeded, ['interface = public']));
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
    issuedAt = Date.now();
    expiredDemo = await token('demo');
  });
  after(async () => {
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
