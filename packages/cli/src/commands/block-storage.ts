// `baton block-storage serve --config cinder.conf [--host] [--port]`.
import type { Command } from 'commander';
import { BLOCK_STORAGE_DEFAULT_PORT, registerServeCommand, startBlockStorage } from '@baton/cloud';

export function registerBlockStorage(program: Command): void {
  registerServeCommand(program, {
    name: 'block-storage',
    description: "the block-storage service (cinder's volumes and attachments API, /v3/{project_id})",
    configName: 'cinder.conf',
    defaultPort: BLOCK_STORAGE_DEFAULT_PORT,
    start: ({ config, host, port }) => startBlockStorage({ files: config, host, port, env: process.env }),
  });
}
