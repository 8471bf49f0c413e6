// The `baton` command. Every error ends in errors.ts: one line, never a stack trace
// unless --debug or BATON_DEBUG=1 asks for it.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerBlockStorage } from './commands/block-storage.ts';
import { registerCompute } from './commands/compute.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerEchoService } from './commands/echo-service.ts';
import { registerIdentity } from './commands/identity.ts';
import { registerImage } from './commands/image.ts';
import { registerManage } from './commands/manage.ts';
import { registerNetwork } from './commands/network.ts';
import { registerUp } from './commands/up.ts';
import { runCli } from './errors.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('baton')
  .description('OpenStack service tokens: a Keystone-compatible identity service and its tools')
  .version(version, '-V, --version', 'print the version of baton')
  .option('--debug', 'show the stack trace of an unexpected error (or set BATON_DEBUG=1)')
  .showHelpAfterError()
  .exitOverride();
registerUp(program);
registerIdentity(program);
registerManage(program);
registerEchoService(program);
registerDemo(program);
registerDoctor(program);
registerBlockStorage(program);
registerCompute(program);
registerImage(program);
registerNetwork(program);

await runCli(() => program.parseAsync(process.argv));
