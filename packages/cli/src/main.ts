// The `baton` command.
import { Command, CommanderError } from 'commander';
import { registerBlockStorage } from './commands/block-storage.ts';
import { registerCompute } from './commands/compute.ts';
import { registerDemo } from './commands/demo.ts';
import { registerEchoService } from './commands/echo-service.ts';
import { registerIdentity } from './commands/identity.ts';
import { registerImage } from './commands/image.ts';
import { registerManage } from './commands/manage.ts';
import { registerNetwork } from './commands/network.ts';
import { registerUp } from './commands/up.ts';
import { CommandError } from './load-config.ts';

const program = new Command('baton')
  .description('OpenStack service tokens: a Keystone-compatible identity service and its tools')
  .showHelpAfterError()
  .exitOverride();
registerUp(program);
registerIdentity(program);
registerManage(program);
registerEchoService(program);
registerDemo(program);
registerBlockStorage(program);
registerCompute(program);
registerImage(program);
registerNetwork(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommandError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof CommanderError) process.exit(error.exitCode);
  throw error;
}
