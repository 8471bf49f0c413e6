#!/usr/bin/env node
// Bundles the `baton` command into packages/cli/dist/ with esbuild, for the test suite: every
// `baton` a test starts then loads plain JavaScript instead of compiling TypeScript through
// tsx, about 1 s of CPU instead of 3 per start, and the suite starts baton a few hundred times.
// The shipped command (packages/cli/bin/baton.js) stays tsx on the sources, so a checkout
// never runs a stale bundle; the suite rebuilds this one each run (a tenth of a second).
//
// Third-party packages stay imports of node_modules (bcrypt and better-sqlite3 are native);
// @baton/* are bundled through the tsconfig `paths`, like tsx resolves them. Splitting keeps
// main.ts's per-command lazy imports lazy. The output sits beside package.json, which main.ts
// reads for --version, so the bundle resolves that file and node_modules as the sources do.
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
export const BUNDLED_CLI = `${root}packages/cli/dist/baton.js`;

export async function buildCli() {
  await build({
    absWorkingDir: root,
    entryPoints: { baton: 'packages/cli/src/main.ts' },
    outdir: 'packages/cli/dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    tsconfig: 'tsconfig.json',
    logLevel: 'warning',
  });
  return BUNDLED_CLI;
}

if (process.argv[1] === new URL(import.meta.url).pathname) console.log(await buildCli());
