// A cloud service honours [DEFAULT] log_file: one access-log line per request, with the
// reason for a 401 and never a token.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/common/index.ts';
import { startNetwork } from '../../src/network/service.ts';
import { startCloudFixture, type CloudFixture } from '../image/fixture.ts';

describe('a cloud service log', () => {
  let cloud: CloudFixture;
  let network: RunningService;
  let logFile: string;

  before(async () => {
    cloud = await startCloudFixture();
    logFile = join(cloud.dir, 'logs', 'neutron.log');
    const config = await cloud.writeConfig('neutron.conf', `[DEFAULT]\nlog_file = ${logFile}\n`);
    network = await startNetwork({ files: [config], port: 0, log: () => undefined });
  });
  after(async () => {
    await network?.close();
    await cloud?.stop();
  });

  async function entries(): Promise<Record<string, unknown>[]> {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async function waitFor(predicate: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = (await entries()).find(predicate);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no such line in ${logFile}:\n${JSON.stringify(await entries(), null, 1)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('writes a JSON access-log line per request to log_file, with the request id and the 401 reason', async () => {
    const token = await cloud.token(cloud.demo);
    const ok = await fetch(`${network.url}/v2.0/networks`, { headers: { 'x-auth-token': token } });
    assert.equal(ok.status, 200);
    const requestId = ok.headers.get('x-openstack-request-id');
    const line = await waitFor((entry) => entry.requestId === requestId);
    assert.equal(line.method, 'GET');
    assert.equal(line.path, '/v2.0/networks');
    assert.equal(line.status, 200);
    assert.equal(typeof line.durationMs, 'number');

    const refused = await fetch(`${network.url}/v2.0/networks`, { headers: { 'x-auth-token': 'not-a-token' } });
    assert.equal(refused.status, 401);
    const refusal = await waitFor((entry) => entry.requestId === refused.headers.get('x-openstack-request-id'));
    assert.equal(refusal.status, 401);
    assert.equal(typeof refusal.reason, 'string');
    assert.ok(!JSON.stringify(await entries()).includes(token), 'a token reached the log');
  });

});
