// `baton up`: everything on embedded defaults, nothing to install or configure. A state
// directory gets a keystone.conf, Fernet keys and a SQLite database; the admin is
// bootstrapped with a generated password kept in the state directory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { assertPortFree, parsePort, startNamed } from '../cluster.ts';
import { fernetSetup, runBootstrap } from './manage.ts';
import { serveIdentity } from './identity.ts';

interface UpOptions {
  stateDir: string;
  host: string;
  port: number;
}

function ensureStateDir(stateDir: string): { configPath: string; password: string } {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const configPath = join(stateDir, 'keystone.conf');
  if (!existsSync(configPath)) {
    writeFileSync(
      configPath,
      `# Written by \`baton up\`; every option not named here takes its default.\n[DEFAULT]\nstate_path = ${stateDir}\n`,
      { mode: 0o600 },
    );
  }
  const passwordPath = join(stateDir, 'admin-password');
  if (!existsSync(passwordPath)) writeFileSync(passwordPath, randomBytes(18).toString('base64url'), { mode: 0o600 });
  return { configPath, password: readFileSync(passwordPath, 'utf8').trim() };
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('run the identity service on embedded defaults (SQLite, local Fernet keys), bootstrapped')
    .option('--state-dir <dir>', 'where the config, keys and database live', '.baton')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'identity port', parsePort, 5000)
    .action(async (options: UpOptions) => {
      const stateDir = resolve(options.stateDir);
      // Checked before the state directory is written, so a busy port leaves nothing behind.
      await assertPortFree('identity', options.host, options.port);
      const { configPath, password } = ensureStateDir(stateDir);
      fernetSetup([configPath]);
      const url = `http://${options.host}:${options.port}/v3`;
      await runBootstrap([configPath], {
        bootstrapPassword: password,
        bootstrapUsername: 'admin',
        bootstrapProjectName: 'admin',
        bootstrapRoleName: 'admin',
        bootstrapServiceName: 'keystone',
        bootstrapRegionId: 'RegionOne',
        bootstrapPublicUrl: url,
        bootstrapInternalUrl: url,
        bootstrapAdminUrl: url,
      });
      const server = await startNamed('identity', options.host, options.port, () =>
        serveIdentity({ config: [configPath], host: options.host, port: options.port }),
      );
      process.stdout.write(
        [
          `Baton identity is up at ${url} (state in ${stateDir})`,
          'Use it with the OpenStack CLI:',
          `  export OS_AUTH_URL=${url} OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin OS_PROJECT_NAME=admin`,
          `  export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_PASSWORD=$(cat ${join(stateDir, 'admin-password')})`,
          '  openstack token issue',
          'Stop with Ctrl-C.',
          '',
        ].join('\n'),
      );
      const stop = () => {
        server.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
