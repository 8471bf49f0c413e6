// `baton image serve` and `baton network serve` as an operator runs them: a config file, a
// port, "listening on URL", version discovery answered, the log complete on SIGTERM; a wrong option refused at start-up
// naming the file, section and option.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BATON_BIN, REPO_ROOT, runCommand, startBatonCommand } from '@baton/test-support';
import { startCloudFixture, type CloudFixture } from '../image/fixture.ts';

describe('baton image serve / baton network serve', () => {
  let cloud: CloudFixture;
  before(async () => {
    cloud = await startCloudFixture();
  });
  after(async () => {
    await cloud?.stop();
  });

  for (const [service, file, root] of [['image', 'glance-api.conf', 300], ['network', 'neutron.conf', 200]] as const) {
    it(`${service}: serves from its config file, prints where it listens, and has logged every request when it stops`, async () => {
      const logFile = join(cloud.dir, `${service}.log`);
      const config = await cloud.writeConfig(file, `[DEFAULT]\nlog_file = ${logFile}\n`);
      const running = await startBatonCommand([service, 'serve', '--config', config, '--port', '0']);
      let requestId: string | null;
      try {
        const response = await fetch(`${running.url}/`);
        assert.equal(response.status, root);
        assert.equal(((await response.json()) as { versions: unknown[] }).versions.length, 1);
        requestId = response.headers.get('x-openstack-request-id');
      } finally {
        // At once: the access-log line is written after the answer, and the exit must not lose it.
        await running.stop();
      }
      const logged = (await readFile(logFile, 'utf8')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { requestId?: string });
      assert.ok(requestId !== null && logged.some((line) => line.requestId === requestId), `no line for ${requestId} in ${logFile}`);
    });
  }

  it('refuses a wrong [DEFAULT] option at start-up, naming file, section and option', async () => {
    const cases = [
      ['image', 'glance-api.conf', 'image_size_cap = lots', 'image_size_cap'],
      ['network', 'neutron.conf', 'base_mac = fa:16:3e', 'base_mac'],
    ] as const;
    await Promise.all(
      cases.map(async ([service, file, line, option]) => {
        const config = await cloud.writeConfig(`bad-${file}`, `[DEFAULT]\n${line}\n`);
        const result = await runCommand(process.execPath, [BATON_BIN, service, 'serve', '--config', config, '--port', '0'], { cwd: REPO_ROOT, timeoutMs: 60_000 });
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, new RegExp(`bad-${file.replace('.', '\\.')}.*\\[DEFAULT\\] ${option}`));
        assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      }),
    );
  });
});
