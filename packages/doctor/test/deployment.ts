// A deployment to break on purpose: Baton's identity listening on 127.0.0.1 with the users a
// service-token setup has, and a directory of keystone.conf / nova.conf / cinder.conf /
// glance-api.conf written from option lines, so each test plants one problem.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, createProjectUser, startTestIdentity, type TestIdentity } from '@baton/test-support';
import { DEFAULT_MAX_EXPIRATION, runDoctor, type DoctorRequest, type Finding } from '../src/index.ts';

export interface Deployment {
  readonly identity: TestIdentity;
  /** http://127.0.0.1:PORT/v3 */
  readonly url: string;
  readonly keyRepository: string;
  close(): Promise<void>;
}

/**
 * Users: nova, cinder, glance with role service; weak with member only (each on project
 * <name>-project); misscoped with member on its own project and service on nova-project.
 */
export async function startDeployment(): Promise<Deployment> {
  const identity = await startTestIdentity();
  const address = await identity.app.listen({ port: 0, host: '127.0.0.1' });
  const made = new Map<string, { userId: string; projectId: string }>();
  for (const [name, role] of [['nova', 'service'], ['cinder', 'service'], ['glance', 'service'], ['weak', 'member'], ['misscoped', 'member']] as const) {
    made.set(name, await createProjectUser(identity, name, role));
  }
  const service = await identity.service.assignment.getRoleByName('service');
  await identity.service.assignment.grant({ kind: 'user', id: made.get('misscoped')!.userId }, { kind: 'project', id: made.get('nova')!.projectId }, service.id);
  return { identity, url: `${address}/v3`, keyRepository: join(identity.dir, 'fernet-keys'), close: () => identity.close() };
}

/** Password credentials of `user` (made by startDeployment) as an auth section's lines. */
export function credentials(url: string, user: string): string[] {
  return [
    'auth_type = password',
    `auth_url = ${url}`,
    `username = ${user}`,
    `password = ${user}-secret`,
    'user_domain_name = Default',
    `project_name = ${user}-project`,
    'project_domain_name = Default',
  ];
}

export interface Plant {
  /** Lines appended per file (a later line wins); a file mapped to null is not written. */
  readonly [file: string]: readonly string[] | null | undefined;
}

/** Writes a clean deployment's files into a new directory, with `plant`'s lines added. */
export function writeDeployment(d: Deployment, plant: Plant = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-doctor-'));
  const authtoken = (user: string) => ['[keystone_authtoken]', `www_authenticate_uri = ${d.url}`, ...credentials(d.url, user), 'service_token_roles = service', 'service_token_roles_required = true'];
  const serviceUser = (user: string) => ['[service_user]', 'send_service_user_token = true', ...credentials(d.url, user)];
  const clean: Record<string, string[]> = {
    'keystone.conf': ['[token]', 'expiration = 3600', 'allow_expired_window = 172800', '[fernet_tokens]', `key_repository = ${d.keyRepository}`, 'max_active_keys = 3'],
    'nova.conf': ['[DEFAULT]', 'my_ip = 127.0.0.1', ...authtoken('nova'), ...serviceUser('nova')],
    'cinder.conf': ['[DEFAULT]', 'enabled_backends = lvm', ...authtoken('cinder'), ...serviceUser('cinder')],
    'glance-api.conf': ['[DEFAULT]', ...authtoken('glance')],
  };
  for (const [file, lines] of Object.entries(clean)) {
    const extra = plant[file];
    if (extra === null) continue;
    writeFileSync(join(dir, file), `${[...lines, ...(extra ?? [])].join('\n')}\n`);
  }
  return dir;
}

/** A copy of the deployment's key repository that a test may change. */
export function copyKeys(d: Deployment, dir: string, name = 'keys'): string {
  const copy = join(dir, name);
  cpSync(d.keyRepository, copy, { recursive: true });
  return copy;
}

export function adminFlags(url: string, password = ADMIN_PASSWORD): DoctorRequest['credentials'] {
  return { flags: { auth_url: url, username: 'admin', password, project_name: 'admin', user_domain_name: 'Default', project_domain_name: 'Default' }, env: {} };
}

/** The doctor on a deployment directory written by writeDeployment, as admin. */
export async function doctorOn(d: Deployment, dir: string, overrides: Partial<DoctorRequest> = {}): Promise<Finding[]> {
  try {
    return await runDoctor({
      configs: [],
      services: [],
      dataDir: dir,
      credentials: adminFlags(d.url),
      limits: { maxExpiration: DEFAULT_MAX_EXPIRATION },
      ...overrides,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The one finding with this id; fails with every finding's id when there is not exactly one. */
export function only(findings: readonly Finding[], id: string): Finding {
  const hits = findings.filter((f) => f.id === id);
  if (hits.length !== 1) throw new Error(`expected one ${id}, got: ${JSON.stringify(findings.map((f) => [f.id, f.location]))}`);
  return hits[0] as Finding;
}
