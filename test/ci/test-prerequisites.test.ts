// scripts/test-prerequisites.sh (npm's pretest): apt runs only when a package is missing,
// as root or through passwordless sudo, and otherwise the script stops saying what to run.
// dpkg-query, apt-get, id and sudo are stubs on PATH: the test must not install anything.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCommand } from '@baton/test-support';

const SCRIPT = join(REPO_ROOT, 'scripts', 'test-prerequisites.sh');

describe('npm test prerequisites', () => {
  let bin: string;
  let aptLog: string;

  function stub(name: string, body: string): void {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }

  async function run(opts: { missing: string[]; uid: number; sudo: 'none' | 'works' | 'refuses' }) {
    rmSync(aptLog, { force: true });
    stub('id', `echo ${opts.uid}`);
    rmSync(join(bin, 'sudo'), { force: true });
    if (opts.sudo === 'works') stub('sudo', '[ "$1" = -n ] && shift; echo "sudo $*" >> "$APT_LOG"; exec "$@"');
    if (opts.sudo === 'refuses') stub('sudo', 'exit 1');
    const result = await runCommand('/bin/bash', [SCRIPT], {
      env: { PATH: `${bin}:/usr/bin:/bin`, APT_LOG: aptLog, MISSING: ` ${opts.missing.join(' ')} ` },
    });
    return { ...result, apt: existsSync(aptLog) ? readFileSync(aptLog, 'utf8') : '' };
  }

  before(() => {
    bin = mkdtempSync(join(tmpdir(), 'baton-prereq-'));
    aptLog = join(bin, 'apt.log');
    // Installed unless named in $MISSING; dpkg-query's last argument is the package.
    stub('dpkg-query', 'pkg="${@: -1}"; case "$MISSING" in *" $pkg "*) exit 1;; esac; echo "install ok installed"');
    stub('apt-get', 'echo "apt-get $*" >> "$APT_LOG"');
  });
  after(() => rmSync(bin, { recursive: true, force: true }));

  it('does nothing, silently, when every package is installed', async () => {
    const r = await run({ missing: [], uid: 1000, sudo: 'refuses' });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.apt, '');
  });

  it('installs only the missing packages as root, saying what and why', async () => {
    const r = await run({ missing: ['memcached', 'wrk'], uid: 0, sudo: 'none' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^test prerequisites: installing memcached wrk: the interop tests drive the real Keystone/);
    assert.equal(r.apt, 'apt-get update\napt-get install -y --no-install-recommends memcached wrk\n');
  });

  it('uses passwordless sudo when not root', async () => {
    const r = await run({ missing: ['python3-keystone'], uid: 1000, sudo: 'works' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.apt, /^sudo true\nsudo apt-get update\napt-get update\nsudo apt-get install -y --no-install-recommends python3-keystone\n/);
  });

  it('fails with the command to run when it cannot install', async () => {
    const r = await run({ missing: ['python3-keystone', 'uwsgi-core'], uid: 1000, sudo: 'refuses' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot install them: not root and no passwordless sudo/);
    assert.match(r.stderr, /sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-keystone uwsgi-core/);
    assert.equal(r.apt, '');
  });
});
