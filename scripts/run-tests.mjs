#!/usr/bin/env node
// Runs every *.test.ts under packages/*/test and test/ with node's own test runner
// (Node 20's --test does not expand globs). Extra arguments are passed through, so
// `npm test -- --test-name-pattern=fernet` works.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const found = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
}
for (const top of ['packages', 'test']) walk(join(root, top));
found.sort();
const only = process.env.BATON_TEST_FILTER;
const files = only ? found.filter((f) => f.includes(only)) : found;
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...process.argv.slice(2), ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
