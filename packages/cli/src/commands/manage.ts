// `baton manage …`: keystone-manage's bootstrap, fernet_setup, fernet_rotate, db_sync and
// credential_setup, credential_rotate, credential_migrate.
import type { Command } from 'commander';
import { FernetKeyRepository, FernetKeysNotFoundError } from '@baton/fernet';
import { CREDENTIAL_MAX_ACTIVE_KEYS, IdentityService, bootstrap, createStorage } from '@baton/identity';
import { CommandError, loadKeystoneConfig, type KeystoneConfig } from '../load-config.ts';

function keyRepository(config: KeystoneConfig): FernetKeyRepository {
  return new FernetKeyRepository({
    path: config.fernet_tokens.key_repository,
    maxActiveKeys: config.fernet_tokens.max_active_keys,
  });
}

function credentialKeys(config: KeystoneConfig): FernetKeyRepository {
  return new FernetKeyRepository({ path: config.credential.key_repository, maxActiveKeys: CREDENTIAL_MAX_ACTIVE_KEYS });
}

/** Opens the service (the database) for the credential commands, closing it afterwards. */
async function withService<T>(config: KeystoneConfig, work: (service: IdentityService) => Promise<T>): Promise<T> {
  const service = await IdentityService.open(config);
  try {
    return await work(service);
  } finally {
    await service.close();
  }
}

export function credentialSetup(configFiles: string[]): number[] {
  const repository = credentialKeys(loadKeystoneConfig(configFiles));
  repository.setup();
  return repository.keyIndexes();
}

/**
 * keystone-manage credential_rotate: refused while a credential is still encrypted with
 * another key than the primary, since the rotation could drop that key.
 */
export async function credentialRotate(configFiles: string[]): Promise<number[]> {
  const config = loadKeystoneConfig(configFiles);
  const repository = credentialKeys(config);
  try {
    repository.keyIndexes();
  } catch (error) {
    if (!(error instanceof FernetKeysNotFoundError)) throw error;
    throw new CommandError(
      `baton manage credential-rotate: no keys in ${repository.path} ([credential] key_repository); create them with: baton manage credential-setup --config ${configFiles.join(' ')}`,
    );
  }
  return withService(config, async (service) => {
    const stale = await service.credentials.notOnPrimaryKey();
    if (stale.length > 0) {
      throw new CommandError(
        'baton manage credential-rotate: Unable to rotate credential keys because not all credentials are encrypted with the primary key. ' +
          `Please make sure all credentials have been encrypted with the primary key using \`baton manage credential-migrate --config ${configFiles.join(' ')}\`.`,
      );
    }
    repository.rotate();
    return repository.keyIndexes();
  });
}

/** keystone-manage credential_migrate: re-encrypts every credential not under the primary key. */
export async function credentialMigrate(configFiles: string[]): Promise<number> {
  return withService(loadKeystoneConfig(configFiles), (service) => service.credentials.migrate());
}

interface BootstrapFlags {
  config: string[];
  bootstrapPassword?: string;
  bootstrapUsername: string;
  bootstrapProjectName: string;
  bootstrapRoleName: string;
  bootstrapServiceName: string;
  bootstrapRegionId?: string;
  bootstrapPublicUrl?: string;
  bootstrapInternalUrl?: string;
  bootstrapAdminUrl?: string;
  /** false with --no-immutable-roles. */
  immutableRoles?: boolean;
}

/** keystone-manage reads OS_BOOTSTRAP_* too, and the environment wins over flags. */
function fromEnv(name: string, flag: string | undefined): string | undefined {
  return process.env[`OS_BOOTSTRAP_${name}`] ?? flag;
}

export async function runBootstrap(configFiles: string[], flags: Omit<BootstrapFlags, 'config'>) {
  const config = loadKeystoneConfig(configFiles);
  const password = fromEnv('PASSWORD', flags.bootstrapPassword);
  if (password === undefined || password === '') {
    throw new CommandError('baton manage bootstrap: --bootstrap-password (or OS_BOOTSTRAP_PASSWORD) is required', 2);
  }
  const service = await IdentityService.open(config);
  try {
    return await bootstrap(service, {
      password,
      username: fromEnv('USERNAME', flags.bootstrapUsername) ?? 'admin',
      projectName: fromEnv('PROJECT_NAME', flags.bootstrapProjectName) ?? 'admin',
      roleName: fromEnv('ROLE_NAME', flags.bootstrapRoleName) ?? 'admin',
      serviceName: fromEnv('SERVICE_NAME', flags.bootstrapServiceName) ?? 'keystone',
      regionId: fromEnv('REGION_ID', flags.bootstrapRegionId) ?? null,
      publicUrl: fromEnv('PUBLIC_URL', flags.bootstrapPublicUrl) ?? null,
      internalUrl: fromEnv('INTERNAL_URL', flags.bootstrapInternalUrl) ?? null,
      adminUrl: fromEnv('ADMIN_URL', flags.bootstrapAdminUrl) ?? null,
      immutableRoles: flags.immutableRoles !== false,
    });
  } finally {
    await service.close();
  }
}

export function fernetSetup(configFiles: string[]): number[] {
  const repository = keyRepository(loadKeystoneConfig(configFiles));
  repository.setup();
  return repository.keyIndexes();
}

/** keystone-manage db_sync, saying what it did: created the schema, applied N migrations, or nothing. */
export async function dbSync(configFiles: string[]): Promise<string> {
  const applied: string[] = [];
  const storage = await createStorage(loadKeystoneConfig(configFiles).database.connection, {
    log: (line) => {
      const migration = /^migration (\S+): Success$/.exec(line);
      if (migration !== null) applied.push(migration[1] ?? '');
      else process.stderr.write(`baton: warning: ${line}\n`);
    },
  });
  try {
    await storage.migrate();
  } finally {
    await storage.close();
  }
  const count = `${applied.length} migration${applied.length === 1 ? '' : 's'}`;
  if (applied.includes(FIRST_MIGRATION)) return `db-sync: created the schema (${count} applied: ${applied.join(', ')})`;
  if (applied.length > 0) return `db-sync: applied ${count}: ${applied.join(', ')}`;
  return 'db-sync: the schema is already up to date';
}

// Kysely records migrations by name; the first one creating every table means a new database.
const FIRST_MIGRATION = '0001-initial';

export function registerManage(program: Command): void {
  const manage = program.command('manage').description('administer the identity service (keystone-manage)');
  const configOption = ['--config <file...>', 'keystone.conf (repeat for several; later wins)'] as const;

  manage
    .command('bootstrap')
    .description('create the default domain, admin project, user and roles, and identity endpoints (idempotent)')
    .requiredOption(...configOption)
    .option('--bootstrap-password <password>', 'admin password (or OS_BOOTSTRAP_PASSWORD)')
    .option('--bootstrap-username <name>', 'admin user name', 'admin')
    .option('--bootstrap-project-name <name>', 'admin project name', 'admin')
    .option('--bootstrap-role-name <name>', 'admin role name', 'admin')
    .option('--bootstrap-service-name <name>', 'identity service name', 'keystone')
    .option('--bootstrap-region-id <id>', 'region of the identity endpoints')
    .option('--bootstrap-public-url <url>', 'public identity endpoint')
    .option('--bootstrap-internal-url <url>', 'internal identity endpoint')
    .option('--bootstrap-admin-url <url>', 'admin identity endpoint')
    .option('--no-immutable-roles', 'create the reader, member, admin and service roles without the "immutable" option')
    .action(async (flags: BootstrapFlags) => {
      const result = await runBootstrap(flags.config, flags);
      const summary = result.created.length > 0 ? result.created.join(', ') : 'nothing to change';
      process.stdout.write(`bootstrap: ${summary}\n`);
    });

  manage
    .command('fernet-setup')
    .description('create the Fernet key repository ([fernet_tokens] key_repository) with keys 0 and 1')
    .requiredOption(...configOption)
    .action((flags: { config: string[] }) => {
      process.stdout.write(`fernet-setup: keys ${fernetSetup(flags.config).join(', ')}\n`);
    });

  manage
    .command('fernet-rotate')
    .description('rotate Fernet keys: staged key 0 becomes primary, a new key 0 is staged, the oldest are dropped')
    .requiredOption(...configOption)
    .action((flags: { config: string[] }) => {
      const repository = keyRepository(loadKeystoneConfig(flags.config));
      repository.rotate();
      process.stdout.write(`fernet-rotate: keys ${repository.keyIndexes().join(', ')}\n`);
    });

  manage
    .command('credential-setup')
    .description('create the credential key repository ([credential] key_repository) with keys 0 and 1')
    .requiredOption(...configOption)
    .action((flags: { config: string[] }) => {
      process.stdout.write(`credential-setup: keys ${credentialSetup(flags.config).join(', ')}\n`);
    });

  manage
    .command('credential-rotate')
    .description('rotate the credential keys; refused until credential-migrate has re-encrypted every credential with the primary key')
    .requiredOption(...configOption)
    .action(async (flags: { config: string[] }) => {
      process.stdout.write(`credential-rotate: keys ${(await credentialRotate(flags.config)).join(', ')}\n`);
    });

  manage
    .command('credential-migrate')
    .description('re-encrypt every credential with the primary credential key (run after credential-rotate)')
    .requiredOption(...configOption)
    .action(async (flags: { config: string[] }) => {
      const count = await credentialMigrate(flags.config);
      process.stdout.write(`credential-migrate: ${count} credential${count === 1 ? '' : 's'} re-encrypted\n`);
    });

  manage
    .command('db-sync')
    .description('create or upgrade the database schema ([database] connection)')
    .requiredOption(...configOption)
    .action(async (flags: { config: string[] }) => {
      process.stdout.write(`${await dbSync(flags.config)}\n`);
    });
}
