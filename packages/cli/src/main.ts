// The `baton` command. Every error ends in errors.ts: one line, never a stack trace
// unless --debug or BATON_DEBUG=1 asks for it.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { runCli } from './errors.ts';

type Register = (program: Command) => void;

// Each command's module is imported only when that command runs: loading every service's
// code for `baton identity serve` cost seconds of CPU per start. Help, --version and an
// unknown command load them all, in this order (the order of `baton --help`).
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  up: async () => (await import('./commands/up.ts')).registerUp,
  identity: async () => (await import('./commands/identity.ts')).registerIdentity,
  manage: async () => (await import('./commands/manage.ts')).registerManage,
  'echo-service': async () => (await import('./commands/echo-service.ts')).registerEchoService,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  doctor: async () => (await import('./commands/doctor.ts')).registerDoctor,
  'block-storage': async () => (await import('./commands/block-storage.ts')).registerBlockStorage,
  compute: async () => (await import('./commands/compute.ts')).registerCompute,
  image: async () => (await import('./commands/image.ts')).registerImage,
  network: async () => (await import('./commands/network.ts')).registerNetwork,
};

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('baton')
  .description('OpenStack service tokens: a Keystone-compatible identity service and its tools')
  .version(version, '-V, --version', 'print the version of baton')
  .option('--debug', 'show the stack trace of an unexpected error (or set BATON_DEBUG=1)')
  .showHelpAfterError()
  .exitOverride();

// The only global option takes no value, so the first word that is not an option is the command.
const named = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
await runCli(async () => {
  for (const name of wanted) (await COMMANDS[name]!())(program);
  await program.parseAsync(process.argv);
});
