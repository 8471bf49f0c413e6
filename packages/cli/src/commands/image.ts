// `baton image serve --config glance-api.conf [--host] [--port]`.
import type { Command } from 'commander';
import { IMAGE_DEFAULT_PORT, registerServeCommand, startImage } from '@baton/cloud';

export function registerImage(program: Command): void {
  registerServeCommand(program, {
    name: 'image',
    description: "the image service (glance's v2 images API with image data on disk, /v2)",
    configName: 'glance-api.conf',
    defaultPort: IMAGE_DEFAULT_PORT,
    start: ({ config, host, port }) => startImage({ files: config, host, port, env: process.env }),
  });
}
