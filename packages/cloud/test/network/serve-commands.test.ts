// `baton image serve` and `baton network serve` as an operator runs them: a config file, a
// port, "listening on URL", version discovery answered; a wrong option refused at start-up
// naming the file, section and option.
import assert from 'node:assert/strict';
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
    it(`${service}: serves from its config file and prints where it listens`, async () => {
      const config = await cloud.writeConfig(file);
      const running = await startBatonCommand([service, 'serve', '--config', config, '--port', '0']);
      try {
        const response = await fetch(`${running.url}/`);
        assert.equal(response.status, root);
        assert.equal(((await response.json()) as { versions: unknown[] }).versions.length, 1);
      } finally {
        await running.stop();
      }
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
