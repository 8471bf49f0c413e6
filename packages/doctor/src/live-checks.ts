// Checks that need the running identity service: the services' credentials are tried for
// real, and the roles their tokens carry are compared with what the receivers require and
// with what identity's policy needs to validate tokens.
import { SessionConfigError, type AccessInfo, type AuthSectionValues } from '@baton/session';
import type { ServiceConfig } from './files.ts';
import type { Finding } from './findings.ts';
import { failureOf, type IdentityClient, type RoleAssignment } from './identity-client.ts';
import { isSource, pluginOf } from './service-checks.ts';

interface Signed {
  readonly service: ServiceConfig;
  readonly section: string;
  readonly access: AccessInfo;
}

export async function checkLive(services: readonly ServiceConfig[], client: IdentityClient, withAdmin: boolean): Promise<Finding[]> {
  const findings: Finding[] = [];
  const senders: Signed[] = [];
  for (const service of services) {
    const auth = service.serviceUserAuth;
    if (!isSource(service) || auth === null || service.serviceUser?.send_service_user_token !== true) continue;
    const signed = await signIn(client, withAdmin, service, auth.section, auth.values, 'service-user-auth-failed', findings);
    if (signed !== null) senders.push(signed);
  }
  for (const service of services) {
    if (service.authtoken === null) continue;
    const signed = await signIn(client, withAdmin, service, 'keystone_authtoken', service.authtoken, 'authtoken-auth-failed', findings);
    if (signed !== null) findings.push(...checkCanValidate(signed));
  }
  const existing = withAdmin ? await client.roleNames() : null;
  for (const sender of senders) findings.push(...(await checkSenderRoles(client, sender, services, existing)));
  if (existing !== null) findings.push(...checkRolesExist(services, existing));
  return findings;
}

async function signIn(
  client: IdentityClient,
  withAdmin: boolean,
  service: ServiceConfig,
  section: string,
  values: AuthSectionValues,
  id: 'service-user-auth-failed' | 'authtoken-auth-failed',
  findings: Finding[],
): Promise<Signed | null> {
  const plugin = pluginOf(values, section);
  // Incomplete sections were already reported from the file.
  if (plugin === null || plugin instanceof SessionConfigError) return null;
  try {
    return { service, section, access: await client.authenticate(plugin) };
  } catch (error) {
    const failure = failureOf(error);
    const user = userOf(service, section);
    const what = id === 'service-user-auth-failed'
      ? `${service.name} cannot get a service token, so its long operations fail once the user's token expires`
      : `${service.name} cannot validate the tokens it receives, so every request to it fails`;
    const absent = failure.kind === 'rejected' && withAdmin ? await missingUser(client, values) : null;
    findings.push({
      id,
      severity: 'error',
      location: { file: service.file, section, user },
      why: absent === null ? `${what}: ${failure.detail}.` : `${what}: user ${absent.name} does not exist in domain ${absent.domain}.`,
      fix: absent !== null
        ? `openstack user create --domain ${absent.domain} --password-prompt ${absent.name}   (then give it role service: openstack role add --user ${absent.name} --user-domain ${absent.domain} --project PROJECT service)`
        : failure.kind === 'unreachable'
          ? `Point auth_url in [${section}] at the identity service, or start it.`
          : `Correct username, password and domains in [${section}], or reset the user's password: openstack user set --password-prompt ${user ?? 'USER'}`,
    });
    return null;
  }
}

/** The user a refused section names, when identity has no such user (asked as the admin). */
async function missingUser(client: IdentityClient, values: AuthSectionValues): Promise<{ name: string; domain: string } | null> {
  const name = values.username;
  if (typeof name !== 'string' || name === '' || (values.user_id ?? '') !== '') return null;
  const id = values.user_domain_id ?? ((values.user_domain_name ?? null) === null ? values.default_domain_id : undefined) ?? undefined;
  const domainName = values.user_domain_name ?? values.default_domain_name ?? undefined;
  try {
    return (await client.userExists(name, { id: id ?? undefined, name: domainName ?? undefined })) ? null : { name, domain: domainName ?? id ?? 'default' };
  } catch {
    // The lookup only sharpens the message: without it the refusal is reported as it came.
    return null;
  }
}

function userOf(service: ServiceConfig, section: string): string | undefined {
  const values = section === 'keystone_authtoken' ? service.authtoken : service.serviceUserAuth?.values;
  return values?.username ?? values?.user_id ?? undefined;
}

function roleNamesOf(access: AccessInfo): string[] {
  return (access.body.roles ?? []).map((r) => r.name).filter((n): n is string => n !== undefined);
}

/** `openstack role add` for the user and scope of this token. */
function roleAddCommand(access: AccessInfo, role: string): string {
  const { user, project, domain, system } = access.body;
  const who = `--user ${user?.name ?? user?.id ?? 'USER'}${user?.domain?.name === undefined ? '' : ` --user-domain ${user.domain.name}`}`;
  const where = project !== undefined
    ? `--project ${project.name ?? project.id}${project.domain?.name === undefined ? '' : ` --project-domain ${project.domain.name}`}`
    : domain !== undefined ? `--domain ${domain.name ?? domain.id}` : system !== undefined ? '--system all' : '--project service';
  return `openstack role add ${who} ${where} ${role}`;
}

/** Keystone's identity:validate_token: admin, service, a system reader, or the token's own user. */
function checkCanValidate(signed: Signed): Finding[] {
  const roles = new Set(roleNamesOf(signed.access).map((r) => r.toLowerCase()));
  const systemReader = signed.access.body.system !== undefined && roles.has('reader');
  if (roles.has('service') || roles.has('admin') || systemReader) return [];
  const user = signed.access.body.user?.name ?? userOf(signed.service, signed.section);
  return [{
    id: 'authtoken-cannot-validate',
    severity: 'error',
    location: { file: signed.service.file, section: signed.section, user },
    why: `Identity's policy lets only a user with role service or admin validate other users' tokens (identity:validate_token), and ${user} has ${describeRoles(signed.access)}, so every request to ${signed.service.name} fails.`,
    fix: roleAddCommand(signed.access, 'service'),
  }];
}

function describeRoles(access: AccessInfo): string {
  const roles = roleNamesOf(access);
  return roles.length === 0 ? 'no role' : `only ${roles.join(', ')}`;
}

/**
 * The middleware compares role names exactly: the sender's token needs one of each receiver's
 * roles. When identity's roles are known, a receiver naming the sender's role in another case
 * is left to service-token-role-case, whose fix (the spelling) is the right one.
 */
async function checkSenderRoles(client: IdentityClient, sender: Signed, services: readonly ServiceConfig[], existing: readonly string[] | null): Promise<Finding[]> {
  const held = new Set(roleNamesOf(sender.access));
  const heldLower = new Set([...held].map((r) => r.toLowerCase()));
  const misspelt = (role: string) => existing !== null && !existing.includes(role) && heldLower.has(role.toLowerCase());
  const lacking = new Map<string, ServiceConfig[]>();
  for (const receiver of services) {
    const wanted = receiver.authtoken?.service_token_roles ?? [];
    if (receiver.file === sender.service.file || wanted.length === 0 || wanted.some((r) => held.has(r) || misspelt(r))) continue;
    const key = wanted.join(',');
    lacking.set(key, [...(lacking.get(key) ?? []), receiver]);
  }
  const user = sender.access.body.user?.name ?? userOf(sender.service, sender.section);
  const userId = sender.access.body.user?.id;
  const elsewhere = lacking.size > 0 && existing !== null && userId !== undefined ? await client.roleAssignments(userId).catch(() => []) : [];
  return [...lacking].map(([roles, receivers]) => ({
    id: 'service-user-lacks-service-role' as const,
    severity: 'error' as const,
    location: { file: sender.service.file, section: sender.section, user },
    why:
      `${receivers.map((r) => r.name).join(', ')} accept${receivers.length === 1 ? 's' : ''} an expired user token from ${sender.service.name} only if its service token carries one of service_token_roles = ${roles}, ` +
      `and ${user} has ${describeRoles(sender.access)}.`,
    fix: scopeFix(sender.section, roles.split(','), elsewhere) ?? roleAddCommand(sender.access, spelling(roles.split(',')[0] as string, existing)),
  }));
}

/** When the user holds a wanted role on another project, the scope in the file is what is wrong. */
function scopeFix(section: string, wanted: readonly string[], assignments: readonly RoleAssignment[]): string | undefined {
  const there = assignments.find((a) => a.project !== undefined && wanted.includes(a.role))?.project;
  if (there === undefined) return undefined;
  return `In [${section}]: project_name = ${there.name} and project_domain_name = ${there.domain} (the user holds the role there; its token is scoped elsewhere)`;
}

/** The role as identity spells it, when only the case differs. */
function spelling(role: string, existing: readonly string[] | null): string {
  return existing?.find((e) => e.toLowerCase() === role.toLowerCase()) ?? role;
}

function checkRolesExist(services: readonly ServiceConfig[], existing: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  for (const service of services) {
    const wanted = service.authtoken?.service_token_roles ?? [];
    const fixed = wanted.map((role) => (existing.includes(role) ? role : spelling(role, existing)));
    for (const role of wanted) {
      if (existing.includes(role)) continue;
      const near = existing.find((e) => e.toLowerCase() === role.toLowerCase());
      const location = { file: service.file, section: 'keystone_authtoken', option: 'service_token_roles' };
      findings.push(near === undefined
        ? {
          id: 'service-token-role-missing',
          severity: 'error',
          location,
          why: `Role ${role} does not exist in identity, so no service token can carry it and ${service.name} will not treat it as a service's.`,
          fix: `openstack role create ${role}`,
        }
        : {
          id: 'service-token-role-case',
          severity: 'error',
          location,
          why: `Identity's role is named ${near}, not ${role}; the middleware compares names exactly, so no service token matches.`,
          fix: `service_token_roles = ${fixed.join(',')}`,
        });
    }
  }
  return findings;
}
