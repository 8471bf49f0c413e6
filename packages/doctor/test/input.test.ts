// The doctor's own inputs: durations, admin credentials the openstack CLI's way, and how
// findings are rendered.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CredentialsError, formatDuration, parseDuration, renderJson, renderTable, resolveCredentials, serviceNameOf, wantsColor, type Finding } from '../src/index.ts';

describe('durations', () => {
  test('90s, 30m, 12h, 2d, 1w and plain seconds', () => {
    assert.deepEqual(['90s', '30m', '12h', '2d', '1w', '3600'].map(parseDuration), [90, 1800, 43200, 172800, 604800, 3600]);
    assert.equal(formatDuration(176400), '49h');
    assert.equal(formatDuration(90), '90s');
  });
  test('anything else is refused with what is accepted', () => {
    for (const bad of ['', '2 days', '-1h', '1.5h', '1y', 'h']) {
      assert.throws(() => parseDuration(bad), /invalid duration .*expected a whole number with s, m, h, d or w/);
    }
  });
});

test('services are named by their file', () => {
  assert.deepEqual(['/etc/nova/nova.conf', 'cinder.conf', '/etc/glance/glance-api.conf', 'neutron.conf', 'my-svc.ini'].map(serviceNameOf), ['nova', 'cinder', 'glance', 'neutron', 'my-svc.ini']);
});

describe('admin credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-doctor-clouds-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const clouds = join(dir, 'clouds.yaml');
  writeFileSync(clouds, [
    'clouds:',
    '  prod:',
    '    auth:',
    '      auth_url: http://keystone.example:5000/v3',
    '      username: admin',
    '      password: from-yaml',
    '      project_name: admin',
    '      user_domain_name: Default',
    '      project_domain_name: Default',
    '    region_name: RegionOne',
    '  token:',
    '    auth_type: token',
    '    auth: {token: x}',
    '',
  ].join('\n'));

  test('from clouds.yaml (OS_CLIENT_CONFIG_FILE), overridden by OS_* and then by --os-* options', () => {
    const env = { OS_CLIENT_CONFIG_FILE: clouds, OS_PASSWORD: 'from-env' };
    assert.deepEqual(resolveCredentials({ cloud: 'prod', flags: {}, env }), {
      kind: 'password',
      options: { authUrl: 'http://keystone.example:5000/v3', password: 'from-env', username: 'admin', userDomainId: undefined, userDomainName: 'Default', projectName: 'admin', projectDomainId: undefined, projectDomainName: 'Default' },
    });
    const flagged = resolveCredentials({ cloud: undefined, flags: { password: 'from-flag' }, env: { ...env, OS_CLOUD: 'prod' } });
    assert.equal(flagged.kind === 'password' && flagged.options.password, 'from-flag');
  });

  test('OS_* alone, with the default domain when none is named', () => {
    const r = resolveCredentials({ flags: {}, env: { OS_AUTH_URL: 'http://h/v3', OS_USERNAME: 'admin', OS_PASSWORD: 'p', OS_PROJECT_NAME: 'admin' } });
    assert.equal(r.kind, 'password');
    assert.equal(r.kind === 'password' && r.options.userDomainId, 'default');
    assert.equal(r.kind === 'password' && r.options.projectDomainId, 'default');
  });

  test('nothing given names what is missing', () => {
    assert.deepEqual(resolveCredentials({ flags: { auth_url: 'http://h/v3' }, env: {} }), { kind: 'none', missing: ['--os-username', '--os-password', '--os-project-name'] });
  });

  test('an unknown cloud, a non-password cloud and broken YAML are clear errors', () => {
    const env = { OS_CLIENT_CONFIG_FILE: clouds };
    assert.throws(() => resolveCredentials({ cloud: 'nope', flags: {}, env }), (e: unknown) => e instanceof CredentialsError && /cloud "nope" not found in .*clouds\.yaml/.test(e.message));
    assert.throws(() => resolveCredentials({ cloud: 'token', flags: {}, env }), /auth_type "token" is not supported/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'clouds: [\n');
    assert.throws(() => resolveCredentials({ cloud: 'prod', flags: {}, env: { OS_CLIENT_CONFIG_FILE: broken } }), /broken\.yaml is not valid YAML/);
  });
});

describe('rendering', () => {
  const findings: Finding[] = [
    { id: 'send-service-user-token-false', severity: 'error', location: { file: 'nova.conf', section: 'service_user', option: 'send_service_user_token' }, why: 'Why.', fix: 'send_service_user_token = true' },
    { id: 'service-token-roles-not-required', severity: 'warning', location: { file: 'glance-api.conf', section: 'keystone_authtoken', option: 'service_token_roles_required' }, why: 'Why not.', fix: 'line one\nline two' },
  ];

  test('a table with where, why and fix, and a summary', () => {
    assert.equal(renderTable(findings, false), [
      'SEVERITY  FINDING                           WHERE',
      'error     send-service-user-token-false     nova.conf [service_user] send_service_user_token',
      '          why: Why.',
      '          fix: send_service_user_token = true',
      'warning   service-token-roles-not-required  glance-api.conf [keystone_authtoken] service_token_roles_required',
      '          why: Why not.',
      '          fix: line one',
      '               line two',
      '',
      '1 error, 1 warning',
      '',
    ].join('\n'));
    assert.equal(renderTable([], false), 'No problems found.\n');
  });

  test('colour only on a terminal without NO_COLOR', () => {
    assert.match(renderTable(findings, true), /\u001b\[31merror/);
    assert.equal(wantsColor({ isTTY: true }, {}), true);
    assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(wantsColor({ isTTY: false }, {}), false);
    assert.equal(wantsColor({}, {}), false);
  });

  test('JSON with the exit code', () => {
    assert.deepEqual(JSON.parse(renderJson(findings)), { exitCode: 2, findings });
    assert.deepEqual(JSON.parse(renderJson([findings[1] as Finding])).exitCode, 1);
    assert.deepEqual(JSON.parse(renderJson([])), { exitCode: 0, findings: [] });
  });
});
