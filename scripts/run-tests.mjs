#!/usr/bin/env node
// Runs every *.test.ts under packages/*/test and test/ with node's own test runner, two files at
// a time, longest first (by scripts/test-durations.json), so that both lanes end together instead
// of one idling while the other finishes a long interop file. `node --test FILE...` cannot do
// that: Node 20 sorts its file arguments by name; node:test's run() keeps the order given.
//
//   BATON_TEST_FILTER=packages/identity node scripts/run-tests.mjs   substring filter on the path
//   npm test -- --test-name-pattern=fernet                           only tests whose name matches
//   node scripts/run-tests.mjs --update-durations                    rewrite test-durations.json from this run
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;

// Test files are TypeScript: the runner hands its own node flags to every file's process, so
// it runs itself under tsx once (the files' processes then load tsx as they always did).
if (!process.execArgv.includes('tsx')) {
  const self = spawnSync(process.execPath, ['--import', 'tsx', ...process.execArgv, new URL(import.meta.url).pathname, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(self.status ?? 1);
}

// Every `baton` the tests start runs this run's bundle of the sources (scripts/build-cli.mjs);
// test-support reads the variable, and a file run alone falls back to the tsx command.
const { buildCli } = await import('./build-cli.mjs');
process.env.BATON_TEST_CLI = await buildCli();

const { run } = await import('node:test');
const { spec } = await import('node:test/reporters');

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      'test-name-pattern': { type: 'string', multiple: true },
      'test-concurrency': { type: 'string', default: '2' },
      'update-durations': { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(`run-tests: ${error.message}; it takes --test-name-pattern=RE, --test-concurrency=N and --update-durations`);
  process.exit(2);
}

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
const files = found.filter((f) => only === undefined || f.includes(only));

// Seconds per file from a full run on the 2-core CI machine. A file not listed yet (a new
// one) counts as long, so it starts early rather than last.
const durationsPath = join(root, 'scripts', 'test-durations.json');
const known = JSON.parse(readFileSync(durationsPath, 'utf8'));
const UNKNOWN_SECONDS = 60;
const expected = (file) => known[file] ?? UNKNOWN_SECONDS;
files.sort((a, b) => expected(b) - expected(a) || a.localeCompare(b));

const concurrency = Number(options['test-concurrency']);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`run-tests: --test-concurrency must be a whole number >= 1, got "${options['test-concurrency']}"`);
  process.exit(2);
}

const stream = run({
  files: files.map((f) => join(root, f)),
  concurrency,
  ...(options['test-name-pattern'] === undefined ? {} : { testNamePatterns: options['test-name-pattern'] }),
});

// A file's time: its top-level tests and suites (hooks included), which is what runs in its lane.
const measured = new Map();
const record = (event) => {
  if (event.nesting !== 0 || event.file === undefined) return;
  const file = relative(root, event.file);
  measured.set(file, (measured.get(file) ?? 0) + event.details.duration_ms / 1000);
};
stream.on('test:pass', record);
stream.on('test:fail', (event) => {
  process.exitCode = 1;
  record(event);
});
stream.compose(spec).pipe(process.stdout);

if (options['update-durations']) {
  stream.once('close', () => {
    // Files this run did not measure keep their seconds; deleted files drop out.
    const next = Object.fromEntries(found.map((file) => [file, measured.has(file) ? Math.round(measured.get(file)) : known[file]]));
    writeFileSync(durationsPath, `${JSON.stringify(next, null, 2)}\n`);
  });
}
