// Loads keystone.conf for a command. A config error reaches the CLI's one error handler
// (errors.ts), which prints it as one line naming file, section and option (exit status 2).
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { loadConfig, keystoneGroups } from '@baton/config';
import { CommandError, USAGE_EXIT } from './errors.ts';

// Commands that predate errors.ts import CommandError from here.
export { CommandError } from './errors.ts';

export type KeystoneConfig = ReturnType<typeof loadKeystoneConfig>;

const shown = new Set<string>();

/**
 * Prints config warnings once per command run: `baton up` loads its config several times,
 * and the workers of `--workers N` load what their primary already checked and reported.
 */
export function printConfigWarnings(warnings: readonly string[]): void {
  if (cluster.isWorker) return;
  for (const warning of warnings) {
    if (shown.has(warning)) continue;
    shown.add(warning);
    process.stderr.write(`baton: warning: ${warning}\n`);
  }
}

export function loadKeystoneConfig(files: readonly string[]) {
  for (const file of files) {
    if (!existsSync(file)) throw new CommandError(`baton: config file not found: ${file}`, USAGE_EXIT);
  }
  const { config, warnings } = loadConfig({ files, groups: keystoneGroups, env: process.env });
  printConfigWarnings(warnings);
  return config;
}
