import { createEntity, findRoleId, grantProjectRole, issuePasswordToken } from './identity-api.ts';

const FRESH_MARGIN_MS = 5_000;

export type SeededUser = { userId: string; projectId: string; username: string; password: string; project: string };

export type ServiceUsers = { serviceRoleId: string; memberRoleId: string; nova: SeededUser; demo: SeededUser };

/**
 * Creates, through the Identity API as admin, the users a service-token deployment
 * has: `nova` with role `service` on project `service`, and `demo` with role
 * `member` on project `demo`. Works on any fresh identity service (Keystone or Baton).
 */
export async function seedServiceUsers(target: { url: string; adminPassword: string }): Promise<ServiceUsers> {
  const { url } = target;
  // Suites use user tokens of a few seconds; on a loaded machine one admin token may not
  // outlive the seeding, so each call takes a token with a few seconds still to live.
  let admin = { token: '', expiresAt: 0 };
  const fresh = async (): Promise<string> => {
    if (admin.expiresAt - Date.now() < FRESH_MARGIN_MS) {
      const issued = await issuePasswordToken(url, 'admin', target.adminPassword, { project: 'admin' });
      admin = { token: issued.token, expiresAt: Date.parse(issued.body.token.expires_at) };
    }
    return admin.token;
  };
  // Keystone's bootstrap makes admin, member and reader but not service; whatever a
  // bootstrap already made is reused, the rest is created.
  const role = async (name: string): Promise<string> =>
    (await findRoleId(url, await fresh(), name)) ?? (await createEntity(url, await fresh(), 'roles', 'role', { name }));
  const serviceRoleId = await role('service');
  const memberRoleId = await role('member');

  const seedUser = async (username: string, project: string, roleId: string): Promise<SeededUser> => {
    const projectId = await createEntity(url, await fresh(), 'projects', 'project', { name: project, domain_id: 'default' });
    const password = `${username}-secret`;
    const userId = await createEntity(url, await fresh(), 'users', 'user', {
      name: username,
      domain_id: 'default',
      password,
      default_project_id: projectId,
    });
    await grantProjectRole(url, await fresh(), projectId, userId, roleId);
    return { userId, projectId, username, password, project };
  };
  const nova = await seedUser('nova', 'service', serviceRoleId);
  const demo = await seedUser('demo', 'demo', memberRoleId);
  return { serviceRoleId, memberRoleId, nova, demo };
}

/** Option lines for nova's password credentials against the identity at `url` (any auth section). */
export function novaCredentials(url: string, seeded: ServiceUsers): string[] {
  return [
    'auth_type = password',
    `auth_url = ${url}`,
    'username = nova',
    `password = ${seeded.nova.password}`,
    'user_domain_name = Default',
    'project_name = service',
    'project_domain_name = Default',
  ];
}

/**
 * A service's [keystone_authtoken] section: nova's credentials (role service) against the
 * identity at `url`, with service_token_roles_required, plus `extra` option lines.
 */
export function novaAuthtokenConf(url: string, seeded: ServiceUsers, extra: readonly string[] = []): string {
  return [
    '[keystone_authtoken]',
    `www_authenticate_uri = ${url}`,
    ...novaCredentials(url, seeded),
    'service_token_roles = service',
    'service_token_roles_required = true',
    ...extra,
    '',
  ].join('\n');
}
