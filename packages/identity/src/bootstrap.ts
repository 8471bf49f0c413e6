// keystone-manage bootstrap (keystone/cmd/bootstrap.py): the default domain, an admin
// project, user and role, the default roles and the identity endpoints. Every step
// looks before it writes, so running it again changes nothing (or repairs drift).
import type { EndpointInterface, Role } from './storage/types.ts';
import { findOrNull } from './errors.ts';
import type { IdentityService } from './service.ts';

export interface BootstrapOptions {
  password: string;
  username?: string;
  projectName?: string;
  roleName?: string;
  serviceName?: string;
  regionId?: string | null;
  publicUrl?: string | null;
  internalUrl?: string | null;
  adminUrl?: string | null;
  /** Roles bootstrap creates get `options: {"immutable": true}` (Keystone's default; false is --no-immutable-roles). */
  immutableRoles?: boolean;
}

export interface BootstrapResult {
  domainId: string;
  projectId: string;
  userId: string;
  roleIds: Record<string, string>;
  serviceId: string | null;
  created: string[];
}

/**
 * Idempotent bootstrap. Unlike Keystone Zed, Baton also creates the `service` role
 * (Keystone does so from 2023.2 on, immutable like the others): service users need it for
 * service tokens. The admin user gets no default project, as in Keystone.
 */
export async function bootstrap(service: IdentityService, options: BootstrapOptions): Promise<BootstrapResult> {
  const created: string[] = [];
  const { resource, identity, assignment, catalog } = service;
  const domainId = service.config.identity.default_domain_id;

  if ((await findOrNull(() => resource.getDomain(domainId))) === null) {
    await resource.createDomain({ id: domainId, name: 'Default', description: 'The default domain' });
    created.push(`domain ${domainId}`);
  }

  const projectName = options.projectName ?? 'admin';
  let project = await findOrNull(() => resource.getProjectByName(projectName, domainId));
  if (project === null) {
    project = await resource.createProject({ name: projectName, domainId, description: 'Bootstrap project for initializing the cloud.' });
    created.push(`project ${projectName}`);
  }

  const username = options.username ?? 'admin';
  let user = await findOrNull(() => identity.getUserByName(username, domainId));
  if (user === null) {
    user = await identity.createUser({ name: username, domainId, password: options.password, exemptFromFirstUse: true });
    created.push(`user ${username}`);
  } else {
    // Keystone re-enables the user and resets a changed password (which revokes its tokens).
    const sameEnabled = user.enabled;
    const samePassword = await identity.authenticate(user, options.password).then(() => true, () => false);
    if (!sameEnabled || !samePassword) {
      user = await identity.updateUser(user.id, {
        enabled: true,
        exemptFromFirstUse: true,
        ...(samePassword ? {} : { password: options.password }),
      });
      created.push(`user ${username} updated`);
    }
  }

  const roleIds: Record<string, string> = {};
  // Only a role bootstrap creates is made immutable; an existing one keeps its options.
  const roleOptions = options.immutableRoles === false ? {} : { options: { immutable: true } };
  const ensureRole = async (name: string): Promise<Role> => {
    let role = await findOrNull(() => assignment.getRoleByName(name, null));
    if (role === null) {
      role = await assignment.createRole({ name, ...roleOptions });
      created.push(`role ${name}`);
    }
    roleIds[name] = role.id;
    return role;
  };
  const reader = await ensureRole('reader');
  const member = await ensureRole('member');
  const adminRole = await ensureRole(options.roleName ?? 'admin');
  await ensureRole('service');
  const rules = await assignment.listImpliedRoles();
  const ensureImplies = async (prior: Role, implied: Role) => {
    if (!rules.some((r) => r.priorRoleId === prior.id && r.impliedRoleId === implied.id)) {
      await assignment.createImpliedRole(prior.id, implied.id);
    }
  };
  await ensureImplies(member, reader);
  await ensureImplies(adminRole, member);

  const actor = { kind: 'user', id: user.id } as const;
  if (!(await assignment.hasGrant(actor, { kind: 'project', id: project.id }, adminRole.id))) {
    await assignment.grant(actor, { kind: 'project', id: project.id }, adminRole.id);
  }
  if (!(await assignment.hasGrant(actor, { kind: 'system' }, adminRole.id))) {
    await assignment.grant(actor, { kind: 'system' }, adminRole.id);
  }

  const regionId = options.regionId ?? null;
  if (regionId !== null && (await findOrNull(() => catalog.getRegion(regionId))) === null) {
    await catalog.createRegion({ id: regionId });
    created.push(`region ${regionId}`);
  }

  const urls: [EndpointInterface, string | null | undefined][] = [
    ['public', options.publicUrl],
    ['internal', options.internalUrl],
    ['admin', options.adminUrl],
  ];
  let serviceId: string | null = null;
  if (urls.some(([, url]) => url)) {
    const serviceName = options.serviceName ?? 'keystone';
    const existing = (await catalog.listServices({ type: 'identity' })).find((s) => s.name === serviceName);
    const identityService = existing ?? (await catalog.createService({ type: 'identity', name: serviceName }));
    if (existing === undefined) created.push(`service ${serviceName}`);
    serviceId = identityService.id;
    const endpoints = await catalog.listEndpoints({ serviceId });
    for (const [iface, url] of urls) {
      if (!url) continue;
      const current = endpoints.find((e) => e.interface === iface && e.regionId === regionId);
      if (current === undefined) {
        await catalog.createEndpoint({ serviceId, interface: iface, url, regionId });
        created.push(`endpoint ${iface}`);
      } else if (current.url !== url) {
        await catalog.updateEndpoint(current.id, { url });
        created.push(`endpoint ${iface} updated`);
      }
    }
  }

  return { domainId, projectId: project.id, userId: user.id, roleIds, serviceId, created };
}
