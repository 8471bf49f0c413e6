// `baton doctor`: checks a deployment's service-token setup (identity's keystone.conf and
// keys, each service's [service_user] and [keystone_authtoken], users and roles in identity)
// and prints every finding. Exit status: 0 clean, 1 warnings only, 2 errors. Self-contained:
// every problem, usage included, is a message and an exit status, never a stack trace.
import type { Command } from 'commander';
import {
  CREDENTIAL_KEYS,
  DEFAULT_MAX_EXPIRATION,
  exitCodeOf,
  formatDuration,
  parseDuration,
  renderJson,
  renderTable,
  runDoctor,
  wantsColor,
  type CredentialValues,
} from '@baton/doctor';

interface DoctorOptions {
  config: string[];
  service: string[];
  dataDir?: string;
  osCloud?: string;
  fernetRotationInterval?: string;
  longestJob?: string;
  maxTokenExpiration?: string;
  format: string;
  [credential: string]: unknown;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `--os-auth-url` → `osAuthUrl`, as commander names it. */
const camel = (key: string) => `os_${key}`.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function registerDoctor(program: Command): void {
  const command = program
    .command('doctor')
    .description('find every service-token misconfiguration of a deployment: services, identity and its keys (exit 0 clean, 1 warnings, 2 errors)')
    .option('--config <file>', "identity's keystone.conf; repeat for each node to compare their key repositories", collect, [])
    .option('--service <file>', 'a service config (nova.conf, cinder.conf, glance-api.conf, neutron.conf, …) or name=FILE; repeatable', collect, [])
    .option('--data-dir <dir>', 'every file a `baton up` deployment keeps in DIR (keystone.conf, nova.conf, cinder.conf, glance-api.conf, neutron.conf)')
    .option('--os-cloud <name>', 'admin credentials from clouds.yaml (OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack, /etc/openstack); env OS_CLOUD');
  for (const key of CREDENTIAL_KEYS) {
    command.option(`--os-${key.replaceAll('_', '-')} <value>`, `admin ${key.replaceAll('_', ' ')}; env OS_${key.toUpperCase()}`);
  }
  command
    .option('--fernet-rotation-interval <duration>', "how often keys are rotated (90s, 30m, 12h, 2d, 1w); default: inferred from the key files' ages")
    .option('--longest-job <duration>', 'the longest job a user token must survive; allow_expired_window must cover it')
    .option('--max-token-expiration <duration>', `[token] expiration above this is reported (default ${formatDuration(DEFAULT_MAX_EXPIRATION)})`)
    .option('--format <format>', 'table or json', 'table')
    .action(async (options: DoctorOptions) => {
      process.exitCode = await doctor(options);
    });
}

async function doctor(options: DoctorOptions): Promise<number> {
  const fail = (message: string): number => {
    process.stderr.write(`baton doctor: ${message}\n`);
    return 2;
  };
  if (options.format !== 'table' && options.format !== 'json') return fail(`--format must be table or json, got ${JSON.stringify(options.format)}`);
  if (options.config.length === 0 && options.service.length === 0 && options.dataDir === undefined) {
    return fail('nothing to check: give --config keystone.conf, --service FILE or --data-dir DIR');
  }
  const durations: Record<string, number | undefined> = {};
  for (const [name, text] of [['--fernet-rotation-interval', options.fernetRotationInterval], ['--longest-job', options.longestJob], ['--max-token-expiration', options.maxTokenExpiration]] as const) {
    try {
      durations[name] = text === undefined ? undefined : parseDuration(text);
    } catch (error) {
      return fail(`${name}: ${(error as Error).message}`);
    }
    if (durations[name] === 0 && name === '--fernet-rotation-interval') return fail(`${name} must be longer than 0`);
  }
  const flags: CredentialValues = {};
  for (const key of CREDENTIAL_KEYS) {
    const value = options[camel(key)];
    if (typeof value === 'string') flags[key] = value;
  }
  let findings;
  try {
    findings = await runDoctor({
      configs: options.config,
      services: options.service.map(serviceArg),
      dataDir: options.dataDir,
      credentials: { cloud: options.osCloud, flags, env: process.env },
      limits: {
        longestJob: durations['--longest-job'],
        rotationInterval: durations['--fernet-rotation-interval'],
        maxExpiration: durations['--max-token-expiration'] ?? DEFAULT_MAX_EXPIRATION,
      },
    });
  } catch (error) {
    return fail(`could not finish the checks: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.stdout.write(options.format === 'json' ? renderJson(findings) : renderTable(findings, wantsColor(process.stdout, process.env)));
  return exitCodeOf(findings);
}

/** `nova=/etc/nova/nova.conf` names the service; a plain path is named by its file. */
function serviceArg(value: string): { file: string; name?: string } {
  const match = /^([a-z][a-z0-9_-]*)=(.+)$/.exec(value);
  return match === null ? { file: value } : { name: match[1] as string, file: match[2] as string };
}
