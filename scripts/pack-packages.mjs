#!/usr/bin/env node
// `npm run pack-packages [-- DIR]`: builds the public @baton/* packages (those whose
// package.json is not "private") and packs each into DIR (default ./packs) as the tarball
// a Node project installs: `npm install ./packs/baton-auth-token-0.1.0.tgz …`.
// examples/*/package.json install from ../../packs, and test/examples packs through here too.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const destination = resolve(process.argv[2] ?? join(root, 'packs'));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '');
    process.exit(result.status ?? 1);
  }
  return result.stdout;
}

const publicPackages = readdirSync(join(root, 'packages'))
  .filter((name) => JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')).private !== true)
  .sort();
mkdirSync(destination, { recursive: true });
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json']);
// Built just above, so each package's prepack (the same build) is skipped.
const packed = JSON.parse(
  run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...publicPackages.flatMap((name) => ['-w', `packages/${name}`])]),
);
for (const { filename } of packed) process.stdout.write(`${join(destination, filename)}\n`);
