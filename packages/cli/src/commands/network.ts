// `baton network serve --config neutron.conf [--host] [--port]`.
import type { Command } from 'commander';
import { NETWORK_DEFAULT_PORT, registerServeCommand, startNetwork } from '@baton/cloud';

export function registerNetwork(program: Command): void {
  registerServeCommand(program, {
    name: 'network',
    description: "the network service (neutron's v2.0 networks, subnets and ports API)",
    configName: 'neutron.conf',
    defaultPort: NETWORK_DEFAULT_PORT,
    start: ({ config, host, port }) => startNetwork({ files: config, host, port, env: process.env }),
  });
}
