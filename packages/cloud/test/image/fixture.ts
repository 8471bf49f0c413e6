// What the image and network API tests add to test-support's cloud identity: a member of a
// second project (`alt`, for the other-project 404s), the openstack CLI's credentials, and a
// service's config file in a temporary directory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  ADMIN_PASSWORD,
  createEntity,
  grantProjectRole,
  issuePasswordToken,
  startCloudIdentity,
  type CloudIdentity,
  type Credentials,
  type IdentityTarget,
} from '@baton/test-support';

export interface CloudFixture {
  identity: CloudIdentity;
  /** For `openstack()` of @baton/test-support. */
  target: Pick<IdentityTarget, 'url'>;
  demo: Credentials;
  alt: Credentials;
  admin: Credentials;
  nova: Credentials;
  dir: string;
  /** Writes `name`: [DEFAULT] state_path in the fixture's directory, the service sections, then `extra`. */
  writeConfig(name: string, extra?: string): Promise<string>;
  token(who: Credentials): Promise<string>;
  stop(): Promise<void>;
}

export async function startCloudFixture(): Promise<CloudFixture> {
  const cloud = await startCloudIdentity();
  const dir = await mkdtemp(join(tmpdir(), 'baton-cloud-'));
  try {
    const { token: adminToken } = await cloud.issue('admin');
    const altProject = await createEntity(cloud.url, adminToken, 'projects', 'project', { name: 'alt', domain_id: 'default' });
    const altUser = await createEntity(cloud.url, adminToken, 'users', 'user', { name: 'alt', domain_id: 'default', password: 'alt-secret' });
    await grantProjectRole(cloud.url, adminToken, altProject, altUser, cloud.users.memberRoleId);
    return {
      identity: cloud,
      target: { url: cloud.url },
      demo: { username: 'demo', password: cloud.users.demo.password, project: 'demo' },
      alt: { username: 'alt', password: 'alt-secret', project: 'alt' },
      admin: { username: 'admin', password: ADMIN_PASSWORD, project: 'admin' },
      nova: { username: 'nova', password: cloud.users.nova.password, project: 'service' },
      dir,
      async writeConfig(name, extra = '') {
        const path = join(dir, name);
        await writeFile(path, `[DEFAULT]\nstate_path = ${join(dir, 'state')}\n\n${cloud.serviceSections()}\n${extra}\n`);
        return path;
      },
      async token(who) {
        return (await issuePasswordToken(cloud.url, who.username, who.password, { project: who.project })).token;
      },
      async stop() {
        await cloud.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The test database of CI (trust auth); each suite works in a schema of its own. */
export const POSTGRES = 'postgresql://postgres@127.0.0.1:5432/test';

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
}
