// `baton up`: a whole cloud on loopback with nothing to install or configure. Identity and the
// four services run as separate processes, each with its own file in the data directory
// (keystone.conf, nova.conf, cinder.conf, glance-api.conf, neutron.conf), as OpenStack runs
// them. The first start bootstraps identity (admin; demo with member; nova, cinder, glance and
// neutron with service in project service; the catalog); later starts keep every database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { setIniValues, type IniSetting } from '@baton/config';
import { IdentityService, NotFoundError } from '@baton/identity';
import { assertPortFree, parsePort } from '../cluster.ts';
import { CommandError, loadKeystoneConfig } from '../load-config.ts';
import { credentialSetup, fernetSetup, runBootstrap } from './manage.ts';

/** One cloud service as `baton up` runs it. */
export interface CloudServiceSpec {
  /** The `baton <name> serve` command and the name printed. */
  readonly name: string;
  readonly file: string;
  /** Its service user in project `service`, holding role `service`. */
  readonly user: string;
  readonly defaultPort: number;
  /** Catalog entries: type, name and the path under the service's root URL. */
  readonly catalog: readonly { readonly type: string; readonly name: string; readonly path: string }[];
}

/** The one list of services `baton up` starts (identity aside), in start order. */
export const CLOUD_SERVICES: readonly CloudServiceSpec[] = [
  { name: 'image', file: 'glance-api.conf', user: 'glance', defaultPort: 9292, catalog: [{ type: 'image', name: 'glance', path: '' }] },
  { name: 'network', file: 'neutron.conf', user: 'neutron', defaultPort: 9696, catalog: [{ type: 'network', name: 'neutron', path: '' }] },
  {
    name: 'block-storage',
    file: 'cinder.conf',
    user: 'cinder',
    defaultPort: 8776,
    // openstackclient 6.0 looks volumes up as volumev3; newer clients and nova as block-storage.
    catalog: [
      { type: 'block-storage', name: 'cinder', path: '/v3/%(project_id)s' },
      { type: 'volumev3', name: 'cinderv3', path: '/v3/%(project_id)s' },
    ],
  },
  { name: 'compute', file: 'nova.conf', user: 'nova', defaultPort: 8774, catalog: [{ type: 'compute', name: 'nova', path: '/v2.1' }] },
];

export const IDENTITY_DEFAULT_PORT = 5000;
const READY_TIMEOUT_MS = 60_000;
const REGION = 'RegionOne';

export interface CloudOptions {
  readonly dataDir: string;
  readonly host: string;
  /** Ports by service name ('identity', 'compute', …); missing ones take the defaults. */
  readonly ports: Readonly<Record<string, number>>;
  /** User token lifetime written to keystone.conf `[token] expiration` (and job durations to nova.conf). */
  readonly tokenLifetime?: number;
  /** bcrypt cost written to keystone.conf `[identity] password_hash_rounds`; unset keeps the file's (Keystone's 12 on a new cloud). */
  readonly passwordHashRounds?: number;
  /** Where the children's output goes, line by line. */
  readonly onOutput?: (service: string, line: string) => void;
  /** Where the lines saying which options of an existing file were updated go (stderr by default). */
  readonly onNotice?: (line: string) => void;
}

export interface RunningCloud {
  readonly dataDir: string;
  readonly endpoints: Readonly<Record<string, string>>;
  readonly authUrl: string;
  readonly adminPassword: string;
  readonly demoPassword: string;
  /** Resolves when a service exits on its own (the cloud is then broken). */
  readonly exited: Promise<{ service: string; code: number | null }>;
  stop(): Promise<void>;
}

interface Secrets {
  admin: string;
  demo: string;
  services: Record<string, string>;
}

function portOf(options: CloudOptions, name: string, fallback: number): number {
  return options.ports[name] ?? fallback;
}

/** Refuses busy ports before anything is written, naming the service, the port and its flag. */
async function checkPorts(host: string, ports: readonly [string, number][]): Promise<void> {
  for (const [service, port] of ports) await assertPortFree(service, host, port, service === 'identity' ? '--port' : `--${service}-port`);
}

function secretsOf(dataDir: string): Secrets {
  const file = join(dataDir, 'passwords.json');
  const adminFile = join(dataDir, 'admin-password');
  const fresh = (): string => randomBytes(18).toString('base64url');
  const known: Partial<Secrets> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>) : {};
  const secrets: Secrets = {
    // The admin password file predates the cloud: keep it where `baton up` always kept it.
    admin: existsSync(adminFile) ? readFileSync(adminFile, 'utf8').trim() : fresh(),
    demo: known.demo ?? fresh(),
    services: Object.fromEntries(CLOUD_SERVICES.map((s) => [s.user, known.services?.[s.user] ?? fresh()])),
  };
  writeFileSync(adminFile, secrets.admin, { mode: 0o600 });
  writeFileSync(file, `${JSON.stringify({ demo: secrets.demo, services: secrets.services }, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

const HEADER = '# Written by `baton up` when missing. Later starts keep your edits and set only what their flags decide (state_path, identity URLs, --token-lifetime).';

/** Shortest and longest `--token-lifetime`: below ~10 s a token can expire while a busy machine is still validating it. */
export const TOKEN_LIFETIME_RANGE = { min: 10, max: 600 } as const;

/** How much longer than a user token a live migration and a snapshot take on a `--token-lifetime` cloud. */
export const JOB_MARGIN_SECONDS = 5;

function keystoneSettings(dataDir: string, options: CloudOptions): IniSetting[] {
  const { tokenLifetime, passwordHashRounds } = options;
  return [
    { section: 'DEFAULT', key: 'state_path', value: dataDir },
    ...(tokenLifetime === undefined ? [] : [{ section: 'token', key: 'expiration', value: String(tokenLifetime) }]),
    ...(passwordHashRounds === undefined ? [] : [{ section: 'identity', key: 'password_hash_rounds', value: String(passwordHashRounds) }]),
  ];
}

/** What up's flags decide in a service's file; everything else there is the operator's. */
function serviceSettings(spec: CloudServiceSpec, dataDir: string, authUrl: string, tokenLifetime: number | undefined): IniSetting[] {
  const jobs = tokenLifetime === undefined || spec.name !== 'compute' ? [] : ['live_migration_duration', 'snapshot_duration'];
  return [
    { section: 'DEFAULT', key: 'state_path', value: dataDir },
    { section: 'keystone_authtoken', key: 'www_authenticate_uri', value: authUrl },
    { section: 'keystone_authtoken', key: 'auth_url', value: authUrl },
    { section: 'service_user', key: 'auth_url', value: authUrl },
    // Jobs that outlive a user token, so they show what service tokens are for.
    ...jobs.map((key) => ({ section: 'compute', key, value: String((tokenLifetime ?? 0) + JOB_MARGIN_SECONDS) })),
  ];
}

function serviceConf(user: string, password: string): string {
  const credentials = [
    'auth_type = password',
    `username = ${user}`,
    `password = ${password}`,
    'user_domain_name = Default',
    'project_name = service',
    'project_domain_name = Default',
  ];
  return [
    HEADER,
    '[DEFAULT]',
    '',
    '[keystone_authtoken]',
    ...credentials,
    'service_token_roles = service',
    'service_token_roles_required = true',
    '',
    '[service_user]',
    'send_service_user_token = true',
    ...credentials,
    '',
  ].join('\n');
}

/**
 * Writes `template` when the file is missing; either way applies `settings` in place, so an
 * operator's edits to every other option survive a restart. Says what it changed in a file that existed.
 */
function writeConfig(path: string, template: string, settings: readonly IniSetting[], notice: (line: string) => void): void {
  const existed = existsSync(path);
  const { text, changes } = setIniValues(existed ? readFileSync(path, 'utf8') : template, path, settings);
  if (existed && changes.length === 0) return;
  writeFileSync(path, text, { mode: 0o600 });
  if (!existed) return;
  for (const change of changes) {
    notice(`baton up: ${path}: [${change.section}] ${change.key} = ${change.value} (was ${change.previous ?? 'unset'})`);
  }
}

async function findOr<T>(find: () => Promise<T>, create: () => Promise<T>): Promise<T> {
  try {
    return await find();
  } catch (error) {
    if (error instanceof NotFoundError) return create();
    throw error;
  }
}

/** Users, projects, roles and the catalog, created once and brought up to date on each start. */
async function seedIdentity(keystone: string, secrets: Secrets, urls: Readonly<Record<string, string>>): Promise<void> {
  const service = await IdentityService.open(loadKeystoneConfig([keystone]));
  try {
    const role = (name: string) => findOr(() => service.assignment.getRoleByName(name), () => service.assignment.createRole({ name }));
    const project = (name: string) =>
      findOr(() => service.resource.getProjectByName(name, 'default'), () => service.resource.createProject({ name, domainId: 'default' }));
    const user = async (name: string, password: string, projectId: string, roleId: string) => {
      const found = await findOr(
        () => service.identity.getUserByName(name, 'default'),
        () => service.identity.createUser({ name, domainId: 'default', password, defaultProjectId: projectId }),
      );
      await service.assignment.grant({ kind: 'user', id: found.id }, { kind: 'project', id: projectId }, roleId);
    };
    const [serviceRole, memberRole, demoProject, serviceProject] = [await role('service'), await role('member'), await project('demo'), await project('service')];
    await user('demo', secrets.demo, demoProject.id, memberRole.id);
    for (const spec of CLOUD_SERVICES) {
      await user(spec.user, secrets.services[spec.user] ?? '', serviceProject.id, serviceRole.id);
      for (const entry of spec.catalog) {
        const url = `${urls[spec.name]}${entry.path}`;
        const existing = (await service.catalog.listServices({ type: entry.type }))[0];
        const catalogService = existing ?? (await service.catalog.createService({ type: entry.type, name: entry.name }));
        for (const face of ['public', 'internal', 'admin'] as const) {
          const endpoint = (await service.catalog.listEndpoints({ serviceId: catalogService.id, interface: face }))[0];
          if (endpoint === undefined) await service.catalog.createEndpoint({ serviceId: catalogService.id, interface: face, url, regionId: REGION });
          else if (endpoint.url !== url) await service.catalog.updateEndpoint(endpoint.id, { url });
        }
      }
    }
  } finally {
    await service.close();
  }
}

/** Starts `baton <args>` and resolves with its URL once it prints "listening on <url>". */
function startChild(name: string, args: readonly string[], onOutput: (service: string, line: string) => void): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [process.argv[1] ?? 'baton', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    let tail = '';
    const timer = setTimeout(() => fail(`did not start within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new CommandError(`baton up: ${name} ${why}${tail === '' ? '' : `:\n${tail.trimEnd()}`}`, 1));
    };
    const lines = (stream: NodeJS.ReadableStream | null, isStdout: boolean) => {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          const match = isStdout ? /^listening on (\S+)/.exec(line) : null;
          if (match !== null && !settled) {
            settled = true;
            clearTimeout(timer);
            resolvePromise({ child, url: match[1] as string });
          } else {
            if (!settled) tail = `${tail}${line}\n`.split('\n').slice(-20).join('\n');
            onOutput(name, line);
          }
        }
      });
    };
    lines(child.stdout, true);
    lines(child.stderr, false);
    child.once('error', (error) => fail(`could not be started (${error.message})`));
    child.once('exit', (code) => fail(`exited with ${code} before listening`));
  });
}

async function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/** Starts (bootstrapping on the first run) identity and every service of CLOUD_SERVICES. */
export async function startCloud(options: CloudOptions): Promise<RunningCloud> {
  const dataDir = resolve(options.dataDir);
  const host = options.host;
  const ports: [string, number][] = [
    ['identity', portOf(options, 'identity', IDENTITY_DEFAULT_PORT)],
    ...CLOUD_SERVICES.map((spec): [string, number] => [spec.name, portOf(options, spec.name, spec.defaultPort)]),
  ];
  await checkPorts(host, ports);
  const portByName = Object.fromEntries(ports);
  const root = (name: string) => `http://${host.includes(':') ? `[${host}]` : host}:${portByName[name]}`;
  const authUrl = `${root('identity')}/v3`;

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = secretsOf(dataDir);
  const keystone = join(dataDir, 'keystone.conf');
  const notice = options.onNotice ?? ((line: string) => process.stderr.write(`${line}\n`));
  writeConfig(keystone, `${HEADER}\n[DEFAULT]\n`, keystoneSettings(dataDir, options), notice);
  fernetSetup([keystone]);
  credentialSetup([keystone]);
  await runBootstrap([keystone], {
    bootstrapPassword: secrets.admin,
    bootstrapUsername: 'admin',
    bootstrapProjectName: 'admin',
    bootstrapRoleName: 'admin',
    bootstrapServiceName: 'keystone',
    bootstrapRegionId: REGION,
    bootstrapPublicUrl: authUrl,
    bootstrapInternalUrl: authUrl,
    bootstrapAdminUrl: authUrl,
  });
  await seedIdentity(keystone, secrets, Object.fromEntries(CLOUD_SERVICES.map((spec) => [spec.name, root(spec.name)])));
  for (const spec of CLOUD_SERVICES) {
    writeConfig(join(dataDir, spec.file), serviceConf(spec.user, secrets.services[spec.user] ?? ''), serviceSettings(spec, dataDir, authUrl, options.tokenLifetime), notice);
  }

  const onOutput = options.onOutput ?? ((service: string, line: string) => process.stderr.write(`[${service}] ${line}\n`));
  const running: { name: string; child: ChildProcess }[] = [];
  const children = () => running.map((r) => r.child);
  const endpoints: Record<string, string> = {};
  const serve = async (name: string, file: string) => {
    const { child, url } = await startChild(name, [name, 'serve', '--config', join(dataDir, file), '--host', host, '--port', String(portByName[name])], onOutput);
    running.push({ name, child });
    endpoints[name] = url;
  };
  try {
    await serve('identity', 'keystone.conf');
    // All started side by side; if one fails, the others are still waited for so none is left running.
    const failed = (await Promise.allSettled(CLOUD_SERVICES.map((spec) => serve(spec.name, spec.file)))).find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } catch (error) {
    await stopChildren(children());
    throw error;
  }
  let stopping = false;
  const exited = new Promise<{ service: string; code: number | null }>((done) => {
    for (const { name, child } of running) {
      child.once('exit', (code) => {
        if (!stopping) done({ service: name, code });
      });
    }
  });
  writeClientFiles(dataDir, authUrl, secrets);
  return {
    dataDir,
    endpoints,
    authUrl,
    adminPassword: secrets.admin,
    demoPassword: secrets.demo,
    exited,
    async stop() {
      stopping = true;
      await stopChildren(children());
    },
  };
}

function writeClientFiles(dataDir: string, authUrl: string, secrets: Secrets): void {
  const cloud = (name: string, user: string, password: string, project: string) =>
    [
      `  ${name}:`,
      '    auth:',
      `      auth_url: ${authUrl}`,
      `      username: ${user}`,
      `      password: ${JSON.stringify(password)}`,
      `      project_name: ${project}`,
      '      user_domain_name: Default',
      '      project_domain_name: Default',
      `    region_name: ${REGION}`,
      '    interface: public',
      '    identity_api_version: 3',
    ].join('\n');
  writeFileSync(
    join(dataDir, 'clouds.yaml'),
    `# Written by \`baton up\`.\nclouds:\n${cloud('baton-admin', 'admin', secrets.admin, 'admin')}\n${cloud('baton-demo', 'demo', secrets.demo, 'demo')}\n`,
    { mode: 0o600 },
  );
  writeFileSync(
    join(dataDir, 'admin-openrc'),
    [
      '# Written by `baton up`: source it to use the cloud as admin.',
      `export OS_AUTH_URL=${authUrl}`,
      'export OS_IDENTITY_API_VERSION=3',
      'export OS_USERNAME=admin',
      `export OS_PASSWORD='${secrets.admin}'`,
      'export OS_PROJECT_NAME=admin',
      'export OS_USER_DOMAIN_NAME=Default',
      'export OS_PROJECT_DOMAIN_NAME=Default',
      `export OS_REGION_NAME=${REGION}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

interface UpOptions {
  dataDir: string;
  host: string;
  tokenLifetime?: number;
  [port: string]: string | number | undefined;
}

/** Commander's parser for --token-lifetime (its message becomes "option … argument … is invalid", exit 2). */
export function parseTokenLifetime(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < TOKEN_LIFETIME_RANGE.min || n > TOKEN_LIFETIME_RANGE.max) {
    throw new InvalidArgumentError(`expected an integer from ${TOKEN_LIFETIME_RANGE.min} to ${TOKEN_LIFETIME_RANGE.max}.`);
  }
  return n;
}

function camel(name: string): string {
  return name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
}

export function registerUp(program: Command): void {
  const command = program
    .command('up')
    .description('run identity, compute, block-storage, image and network on loopback, bootstrapped (prints "ready")')
    .option('--data-dir <dir>', 'where the config files, keys and databases live', '.baton')
    .option('--host <address>', 'address every service listens on', '127.0.0.1')
    .option('--port <port>', `identity port (same as --identity-port; default ${IDENTITY_DEFAULT_PORT})`, parsePort)
    .option('--identity-port <port>', `identity port (default ${IDENTITY_DEFAULT_PORT})`, parsePort)
    .option(
      '--token-lifetime <seconds>',
      `short user tokens for watching jobs outlive them (baton demo --data-dir): keystone.conf [token] expiration, and nova.conf [compute] live_migration_duration and snapshot_duration ${JOB_MARGIN_SECONDS} s longer (${TOKEN_LIFETIME_RANGE.min}-${TOKEN_LIFETIME_RANGE.max}; unset keeps the files' values, 3600 s on a new cloud)`,
      parseTokenLifetime,
    );
  for (const spec of CLOUD_SERVICES) command.option(`--${spec.name}-port <port>`, `${spec.name} port (default ${spec.defaultPort})`, parsePort);
  command.action(async (options: UpOptions) => {
    const ports: Record<string, number> = {};
    for (const name of ['identity', ...CLOUD_SERVICES.map((s) => s.name)]) {
      const value = options[`${camel(name)}Port`] ?? (name === 'identity' ? options.port : undefined);
      if (typeof value === 'number') ports[name] = value;
    }
    const cloud = await startCloud({ dataDir: options.dataDir, host: options.host, ports, ...(options.tokenLifetime === undefined ? {} : { tokenLifetime: options.tokenLifetime }) });
    const clouds = join(cloud.dataDir, 'clouds.yaml');
    process.stdout.write(
      [
        `Baton cloud (data in ${cloud.dataDir}):`,
        ...Object.entries(cloud.endpoints).map(([name, url]) => `  ${name.padEnd(14)} ${url}`),
        'Use it with the OpenStack CLI:',
        `  export OS_CLIENT_CONFIG_FILE=${clouds}`,
        '  openstack --os-cloud baton-demo volume create --size 1 my-volume',
        '  openstack --os-cloud baton-admin catalog list',
        `or: source ${join(cloud.dataDir, 'admin-openrc')}`,
        'Stop with Ctrl-C.',
        'ready',
        '',
      ].join('\n'),
    );
    const stop = () => {
      cloud.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const { service, code } = await cloud.exited;
    process.stderr.write(`baton up: ${service} exited with ${code}; stopping the cloud\n`);
    await cloud.stop();
    process.exit(1);
  });
}
