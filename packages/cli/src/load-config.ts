// Loads keystone.conf for a command: warnings to stderr, and a config error becomes a
// one-line message naming file, section and option (exit status 2), not a stack trace.
import { existsSync } from 'node:fs';
import { loadConfig, keystoneGroups, errors as configErrors } from '@baton/config';

export type KeystoneConfig = ReturnType<typeof loadKeystoneConfig>;

export class CommandError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export function loadKeystoneConfig(files: readonly string[]) {
  for (const file of files) {
    if (!existsSync(file)) throw new CommandError(`baton: config file not found: ${file}`, 2);
  }
  try {
    const { config, warnings } = loadConfig({ files, groups: keystoneGroups, env: process.env });
    for (const warning of warnings) process.stderr.write(`baton: warning: ${warning}\n`);
    return config;
  } catch (error) {
    if (error instanceof configErrors.ConfigError) throw new CommandError(`baton: ${error.message}`, 2);
    throw error;
  }
}
