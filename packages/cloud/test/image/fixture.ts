// What the image and network API tests share: Baton's identity started through its CLI on a
// real port, the service users and a second project, a service's config file, and the
// service's endpoint registered in the catalog once it listens.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  callApi,
  createEntity,
  grantProjectRole,
  issuePasswordToken,
  novaAuthtokenConf,
  seedServiceUsers,
  startBaton,
  type BatonIdentity,
  type Credentials,
  type IdentityTarget,
  type ServiceUsers,
} from '@baton/test-support';

export interface CloudFixture {
  identity: BatonIdentity;
  /** For `openstack()` of @baton/test-support. */
  target: IdentityTarget;
  users: ServiceUsers;
  /** A member of a second project, `alt`. */
  alt: Credentials;
  demo: Credentials;
  admin: Credentials;
  dir: string;
  /** Writes `name` in the fixture's directory: [DEFAULT] state_path, [keystone_authtoken], then `extra`. */
  writeConfig(name: string, extra?: string): Promise<string>;
  /** Adds a service of `type` with public/internal/admin endpoints at `url`. */
  register(type: string, name: string, url: string): Promise<void>;
  token(who: Credentials): Promise<string>;
  stop(): Promise<void>;
}

export async function startCloudFixture(): Promise<CloudFixture> {
  const identity = await startBaton();
  const dir = await mkdtemp(join(tmpdir(), 'baton-cloud-'));
  try {
    const users = await seedServiceUsers(identity);
    const { token: adminToken } = await issuePasswordToken(identity.url, 'admin', identity.adminPassword, { project: 'admin' });
    const altProject = await createEntity(identity.url, adminToken, 'projects', 'project', { name: 'alt', domain_id: 'default' });
    const altUser = await createEntity(identity.url, adminToken, 'users', 'user', { name: 'alt', domain_id: 'default', password: 'alt-secret' });
    await grantProjectRole(identity.url, adminToken, altProject, altUser, users.memberRoleId);
    return {
      identity,
      target: { name: 'baton', url: identity.url, adminPassword: identity.adminPassword, stop: () => identity.stop() },
      users,
      alt: { username: 'alt', password: 'alt-secret', project: 'alt' },
      demo: { username: 'demo', password: users.demo.password, project: 'demo' },
      admin: { username: 'admin', password: identity.adminPassword, project: 'admin' },
      dir,
      async writeConfig(name, extra = '') {
        const path = join(dir, name);
        await writeFile(path, `[DEFAULT]\nstate_path = ${join(dir, 'state')}\n\n${novaAuthtokenConf(identity.url, users)}\n${extra}\n`);
        return path;
      },
      async register(type, name, url) {
        const serviceId = await createEntity(identity.url, adminToken, 'services', 'service', { type, name });
        for (const iface of ['public', 'internal', 'admin']) {
          await callApi('POST', `${identity.url}/endpoints`, {
            token: adminToken,
            body: { endpoint: { service_id: serviceId, interface: iface, url, region_id: 'RegionOne' } },
            expect: 201,
          });
        }
      },
      async token(who) {
        return (await issuePasswordToken(identity.url, who.username, who.password, { project: who.project })).token;
      },
      async stop() {
        await identity.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await identity.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
