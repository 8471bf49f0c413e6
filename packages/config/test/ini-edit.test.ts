import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setIniValues } from '@baton/config';

describe('setIniValues', () => {
  it('replaces the value in place and keeps comments, other options and order', () => {
    const text = '# mine\n[compute]\n# slower hosts\nhosts = a,b\nlive_migration_duration = 10\n\n[other]\nx = 1\n';
    const { text: out, changes } = setIniValues(text, 'nova.conf', [{ section: 'compute', key: 'live_migration_duration', value: '20' }]);
    assert.equal(out, '# mine\n[compute]\n# slower hosts\nhosts = a,b\nlive_migration_duration = 20\n\n[other]\nx = 1\n');
    assert.deepEqual(changes, [{ section: 'compute', key: 'live_migration_duration', value: '20', previous: '10' }]);
  });

  it('changes nothing when the value is already set', () => {
    const text = '[token]\nexpiration = 15\n';
    assert.deepEqual(setIniValues(text, 'k.conf', [{ section: 'token', key: 'expiration', value: '15' }]), { text, changes: [] });
  });

  it('adds a missing key after the last option of its section, and a missing section at the end', () => {
    const text = '[DEFAULT]\nstate_path = /s\n\n[service_user]\nauth_type = password\n';
    const { text: out, changes } = setIniValues(text, 'nova.conf', [
      { section: 'service_user', key: 'auth_url', value: 'http://127.0.0.1:5000/v3' },
      { section: 'compute', key: 'snapshot_duration', value: '20' },
    ]);
    assert.equal(out, '[DEFAULT]\nstate_path = /s\n\n[service_user]\nauth_type = password\nauth_url = http://127.0.0.1:5000/v3\n\n[compute]\nsnapshot_duration = 20\n');
    assert.deepEqual(changes.map((c) => c.previous), [undefined, undefined]);
  });

  it('replaces the last of repeated keys (the one oslo.config reads) with its continuation lines', () => {
    const text = '[a]\nx = 1\nx = two\n  lines\ny = 3\n';
    assert.equal(setIniValues(text, 'a.conf', [{ section: 'a', key: 'x', value: '9' }]).text, '[a]\nx = 1\nx = 9\ny = 3\n');
    assert.equal(setIniValues('[a]\nx = one\n  two\n[b]\n', 'a.conf', [{ section: 'a', key: 'z', value: '1' }]).text, '[a]\nx = one\n  two\nz = 1\n[b]\n');
  });
});
