// `baton compute serve --config nova.conf [--host] [--port]`.
import type { Command } from 'commander';
import { COMPUTE_DEFAULT_PORT, registerServeCommand, startCompute } from '@baton/cloud';

export function registerCompute(program: Command): void {
  registerServeCommand(program, {
    name: 'compute',
    description: "the compute service (nova's /v2.1: servers, live migration, snapshots) and its durable job worker",
    configName: 'nova.conf',
    defaultPort: COMPUTE_DEFAULT_PORT,
    start: ({ config, host, port }) => startCompute({ files: config, host, port, env: process.env }),
  });
}
