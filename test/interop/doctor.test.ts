// `baton doctor` on a deployment written the way real nova, cinder, glance and neutron
// deployments write their files, against the REAL Keystone (Debian's, under uwsgi) and
// against Baton: the same planted problems, the same findings.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MAX_EXPIRATION, runDoctor, type Finding } from '@baton/doctor';
import { TARGET_NAMES, startTarget, seedServiceUsers, type IdentityTarget, type ServiceUsers } from '@baton/test-support';

/** keystoneauth's password options as deployment guides write them, for `user`. */
function credentials(url: string, user: { username: string; password: string; project: string }): string[] {
  return [
    `auth_url = ${url}`,
    'auth_type = password',
    'project_domain_name = Default',
    'user_domain_name = Default',
    `project_name = ${user.project}`,
    `username = ${user.username}`,
    `password = ${user.password}`,
  ];
}

function writeFiles(dir: string, url: string, seeded: ServiceUsers): void {
  const base = url.replace(/\/v3$/, '/');
  const authtoken = (user: ServiceUsers['nova'], extra: readonly string[] = []) => [
    '[keystone_authtoken]',
    `www_authenticate_uri = ${base}`,
    ...credentials(url, user),
    'memcached_servers = 127.0.0.1:11211',
    ...extra,
  ];
  const serviceUser = (user: ServiceUsers['nova']) => ['[service_user]', 'send_service_user_token = true', ...credentials(url, user)];
  const files: Record<string, string[]> = {
    'nova.conf': [
      '[DEFAULT]', 'transport_url = rabbit://openstack:secret@controller', 'my_ip = 10.0.0.11',
      '[api_database]', 'connection = mysql+pymysql://nova:secret@controller/nova_api',
      '[api]', 'auth_strategy = keystone',
      ...authtoken(seeded.nova, ['service_token_roles = service', 'service_token_roles_required = true']),
      ...serviceUser(seeded.nova),
      '[glance]', 'api_servers = http://controller:9292',
      '[oslo_concurrency]', 'lock_path = /var/lib/nova/tmp',
      '[placement]', 'region_name = RegionOne', 'auth_type = password', `auth_url = ${url}`,
    ],
    // Planted: cinder sends demo's token (role member) and validates with a wrong password.
    'cinder.conf': [
      '[DEFAULT]', 'transport_url = rabbit://openstack:secret@controller', 'auth_strategy = keystone', 'enabled_backends = lvm',
      '[database]', 'connection = mysql+pymysql://cinder:secret@controller/cinder',
      ...authtoken({ ...seeded.nova, password: 'not-the-password' }, ['service_token_roles_required = true']),
      ...serviceUser({ ...seeded.demo }),
      '[lvm]', 'volume_driver = cinder.volume.drivers.lvm.LVMVolumeDriver', 'volume_group = cinder-volumes',
    ],
    // Planted: `Service` for `service`, and service_token_roles_required left at its default.
    'glance-api.conf': [
      '[DEFAULT]', 'bind_host = 0.0.0.0',
      ...authtoken(seeded.nova, ['service_token_roles = Service']),
      '[paste_deploy]', 'flavor = keystone',
      '[glance_store]', 'stores = file,http', 'default_store = file', 'filesystem_store_datadir = /var/lib/glance/images/',
    ],
    // Planted: placement validates tokens as a user identity does not have.
    'placement.conf': [
      '[DEFAULT]', 'debug = false',
      '[placement_database]', 'connection = mysql+pymysql://placement:secret@controller/placement',
      ...authtoken({ ...seeded.nova, username: 'ghost' }, ['service_token_roles_required = true']),
    ],
    // Planted: neutron validates tokens as demo, whom identity's policy does not let validate.
    'neutron.conf': [
      '[DEFAULT]', 'core_plugin = ml2', 'notify_nova_on_port_status_changes = true',
      ...authtoken(seeded.demo, ['service_token_roles_required = true']),
      '[nova]', `auth_url = ${url}`, 'auth_type = password', 'region_name = RegionOne', 'username = nova',
    ],
  };
  for (const [file, lines] of Object.entries(files)) writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
}

/** What a finding concerns, without paths that differ between runs. */
const concern = (f: Finding) => [f.id, f.severity, f.location.file === undefined ? '' : basename(f.location.file), f.location.section ?? '', f.location.option ?? '', f.location.user ?? ''].join(' ');

const EXPECTED = [
  'allow-expired-window-shorter-than-job error keystone.conf token allow_expired_window ',
  'fernet-rotation-too-fast error keystone.conf fernet_tokens max_active_keys ',
  'service-token-roles-not-required warning glance-api.conf keystone_authtoken service_token_roles_required ',
  'authtoken-auth-failed error cinder.conf keystone_authtoken  nova',
  'authtoken-auth-failed error placement.conf keystone_authtoken  ghost',
  'authtoken-cannot-validate error neutron.conf keystone_authtoken  demo',
  // demo holds no spelling of service; nova's `service` is glance's `Service` in another case.
  'service-user-lacks-service-role error cinder.conf service_user  demo',
  'service-user-lacks-service-role error cinder.conf service_user  demo',
  'service-token-role-case error glance-api.conf keystone_authtoken service_token_roles ',
].sort();

for (const name of TARGET_NAMES) {
  describe(`baton doctor against ${name}`, { timeout: 240_000 }, () => {
    let target: IdentityTarget;
    let seeded: ServiceUsers;
    let dir: string;
    before(async () => {
      target = await startTarget(name);
      seeded = await seedServiceUsers(target);
      dir = mkdtempSync(join(tmpdir(), 'baton-doctor-interop-'));
      writeFiles(dir, target.url, seeded);
    });
    after(async () => {
      await target?.stop();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('finds the planted problems in real-style files and identity state, and nothing else', async () => {
      const findings = await runDoctor({
        configs: [target.configPath],
        services: ['nova.conf', 'cinder.conf', 'glance-api.conf', 'neutron.conf', 'placement.conf'].map((f) => ({ file: join(dir, f) })),
        credentials: {
          flags: { auth_url: target.url, username: 'admin', password: target.adminPassword, project_name: 'admin', user_domain_name: 'Default', project_domain_name: 'Default' },
          env: {},
        },
        limits: { maxExpiration: DEFAULT_MAX_EXPIRATION, longestJob: 3 * 86_400, rotationInterval: 86_400 },
      });
      assert.deepEqual(findings.map(concern).sort(), EXPECTED);
      const caseOnly = findings.find((f) => f.id === 'service-token-role-case');
      assert.equal(caseOnly?.fix, 'service_token_roles = service');
      // Identity's users API tells a missing user from a wrong password.
      const ghost = findings.find((f) => f.location.user === 'ghost');
      assert.match(ghost?.why ?? '', /: user ghost does not exist in domain Default\.$/);
      assert.match(findings.find((f) => f.id === 'authtoken-auth-failed' && f.location.user === 'nova')?.why ?? '', /answered 401/);
      // The fix grants the role as identity spells it, never a role that does not exist.
      const fixes = findings.filter((f) => f.id === 'service-user-lacks-service-role').map((f) => f.fix);
      assert.deepEqual(fixes, Array(2).fill('openstack role add --user demo --user-domain Default --project demo --project-domain Default service'));
    });
  });
}
