// `baton demo`: the service-token story end to end, on loopback, in one process. A
// "compute" job holds a user's short-lived token and keeps calling a "block-storage"
// service guarded by auth-token (service_token_roles_required = true). Once the user's
// token has expired, the call without a service token fails and the call with one
// (nova's, through [service_user] send_service_user_token = true) still succeeds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { authContextOf, createAuthToken, withAuthToken } from '@baton/auth-token';
import { keystoneAuthtokenGroup, loadConfigText, serviceUserGroup } from '@baton/config';
import { FernetKeyRepository } from '@baton/fernet';
import { IdentityService, bootstrap, createIdentityApp } from '@baton/identity';
import { PasswordAuth, Session, StaticTokenAuth, loadServiceUser, type AuthPlugin } from '@baton/session';
import { CommandError, loadKeystoneConfig } from '../load-config.ts';

interface DemoOptions {
  expiration: string;
}

const PASSWORDS = { admin: 'demo-admin', nova: 'demo-nova', demo: 'demo-user' } as const;

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`);
    });
  });
}

/** Identity on embedded defaults in a temporary state directory, with nova and demo users. */
async function startIdentity(dir: string, expiration: number) {
  const configPath = join(dir, 'keystone.conf');
  writeFileSync(configPath, `[DEFAULT]\nstate_path = ${dir}\n[token]\nexpiration = ${expiration}\n[identity]\npassword_hash_rounds = 4\n`);
  const config = loadKeystoneConfig([configPath]);
  new FernetKeyRepository({ path: config.fernet_tokens.key_repository, maxActiveKeys: config.fernet_tokens.max_active_keys }).setup();
  const service = await IdentityService.open(config);
  const app = await createIdentityApp(service);
  const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/v3`;
  await bootstrap(service, { password: PASSWORDS.admin, regionId: 'RegionOne', publicUrl: url, internalUrl: url, adminUrl: url });
  const grant = async (user: string, project: string, role: string) => {
    const p = await service.resource.createProject({ name: project, domainId: 'default' });
    const u = await service.identity.createUser({ name: user, domainId: 'default', password: PASSWORDS[user as 'nova' | 'demo'] });
    const r = await service.assignment.getRoleByName(role);
    await service.assignment.grant({ kind: 'user', id: u.id }, { kind: 'project', id: p.id }, r.id);
  };
  await grant('nova', 'service', 'service');
  await grant('demo', 'demo', 'member');
  return {
    url,
    async close() {
      await app.close();
      await service.close();
    },
  };
}

/** nova's credentials, as both [keystone_authtoken] and [service_user] spell them. */
function novaCredentials(identityUrl: string): string[] {
  return [
    `auth_url = ${identityUrl}`,
    'username = nova',
    `password = ${PASSWORDS.nova}`,
    'user_domain_name = Default',
    'project_name = service',
    'project_domain_name = Default',
  ];
}

/** The receiving service: auth-token in front of a handler that says who called. */
async function startBlockStorage(identityUrl: string) {
  const { config } = loadConfigText(
    [
      '[keystone_authtoken]',
      `www_authenticate_uri = ${identityUrl}`,
      ...novaCredentials(identityUrl),
      'service_token_roles = service',
      'service_token_roles_required = true',
    ].join('\n'),
    [keystoneAuthtokenGroup],
    'block-storage.conf',
  );
  const auth = createAuthToken(config.keystone_authtoken, { logger: { warn: () => undefined, info: () => undefined } });
  const server = createServer(
    withAuthToken(auth.core, (req, res) => {
      const context = authContextOf(req);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ user: context?.user?.userName, service: context?.service?.userName ?? null }));
    }),
  );
  const url = await listen(server);
  return {
    url,
    async close() {
      server.closeAllConnections();
      server.close();
      await auth.close();
    },
  };
}

/** What compute's job sends: the user's token alone, or wrapped as [service_user] says. */
function computeAuth(identityUrl: string, userToken: string, sendServiceToken: boolean): AuthPlugin {
  const { config } = loadConfigText(
    [
      '[service_user]',
      `send_service_user_token = ${sendServiceToken}`,
      'auth_type = password',
      ...novaCredentials(identityUrl),
    ].join('\n'),
    [serviceUserGroup],
    'compute.conf',
  );
  return loadServiceUser(config, new StaticTokenAuth({ token: userToken }));
}

async function call(url: string, auth: AuthPlugin): Promise<string> {
  const response = await new Session({ auth }).get(`${url}/v3/volumes`, { raiseError: false });
  if (response.status !== 200) return `${response.status}`;
  const who = response.json<{ user: string; service: string | null }>();
  return `200 (user ${who.user}${who.service === null ? '' : `, service ${who.service}`})`;
}

export async function runDemo(expiration: number, print: (line: string) => void): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-demo-'));
  const identity = await startIdentity(dir, expiration);
  const storage = await startBlockStorage(identity.url);
  try {
    print(`identity at ${identity.url} ([token] expiration = ${expiration} s); block-storage at ${storage.url}`);
    const session = new Session();
    const demo = new PasswordAuth({ authUrl: identity.url, username: 'demo', password: PASSWORDS.demo, userDomainName: 'Default', projectName: 'demo', projectDomainName: 'Default' });
    const access = await demo.getAccess(session);
    print(`demo's token expires at ${new Date(access.expiresAt * 1000).toISOString()}`);
    const plain = computeAuth(identity.url, access.token, false);
    const wrapped = computeAuth(identity.url, access.token, true);
    const step = async (label: string) => {
      const [alone, withService] = [await call(storage.url, plain), await call(storage.url, wrapped)];
      print(`${label}: user token alone -> ${alone}; with nova's service token -> ${withService}`);
      return { alone, withService };
    };
    const before = await step('long job starts');
    const wait = access.expiresAt * 1000 - Date.now() + 1500;
    print(`... the job runs on for ${Math.ceil(wait / 1000)} s, past the user's token expiry ...`);
    await sleep(wait);
    const after = await step('long job ends   ');
    const ok = before.alone.startsWith('200') && before.withService.startsWith('200') && after.alone === '401' && after.withService.startsWith('200');
    print(ok ? 'the service token carried the job past the user token expiry' : 'unexpected outcome: see the lines above');
    return ok;
  } finally {
    await storage.close();
    await identity.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('show a long job outliving a short user token thanks to a service token (identity, auth-token and session on loopback)')
    .option('--expiration <seconds>', "the user token's lifetime", '5')
    .action(async (options: DemoOptions) => {
      const expiration = Number(options.expiration);
      if (!Number.isInteger(expiration) || expiration < 1 || expiration > 600) {
        throw new CommandError(`baton: --expiration must be an integer from 1 to 600, got "${options.expiration}"`, 2);
      }
      const ok = await runDemo(expiration, (line) => process.stdout.write(`${line}\n`));
      if (!ok) throw new CommandError('baton demo: the service token did not behave as expected', 1);
    });
}
