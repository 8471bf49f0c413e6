// Every code block of the service authors' docs runs, against a real identity, and prints
// what the page says it prints. The rules are spelled out for readers at the end of
// docs/service-authors.md ("The snippets' rules"); this file is their one implementation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, serviceGroups } from '@baton/config';
import {
  ADMIN_PASSWORD,
  freePort,
  REPO_ROOT,
  runCommand,
  seedServiceUsers,
  startProcess,
  startTestIdentity,
  type Running,
  type ServiceUsers,
  type TestIdentity,
} from '@baton/test-support';

/** The pages whose blocks run, each with how many of its blocks are marked as not run. */
const PAGES: Readonly<Record<string, number>> = {
  'docs/service-authors.md': 2,
  'docs/auth-token.md': 0,
  'docs/session.md': 0,
};

const RUN = new Set(['ts', 'js', 'ini', 'sh']);
// Anything else would be a way round the rules (`typescript`, `bash`…): only output and data.
const SHOWN = new Set(['text', 'json']);
const NOT_RUN = /^<!-- snippet: not run: (.+\S) -->$/;
const SERVER = /\.listen\(/;
// Inside the repository, so the programs resolve @baton/* and tsx through the workspace.
const WORK = join(REPO_ROOT, 'test', 'docs', '.snippets-tmp');

interface Block {
  readonly lang: string;
  /** The file the block is saved as: the word after the language, else snippet-<line>. */
  readonly file: string;
  readonly code: string;
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
  readonly notRun: string | null;
  /** The `text` block right after a program: what it must print. */
  readonly output: string | null;
}

const EXTENSIONS: Readonly<Record<string, string>> = { ts: 'ts', js: 'mjs', ini: 'conf', sh: 'sh' };

function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const found: { lang: string; name: string | undefined; code: string; line: number; notRun: string | null }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(?:[ \t]+(\S+))?[ \t]*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    assert.ok(end < lines.length, `line ${start + 1}: the block is never closed`);
    const marker = NOT_RUN.exec(lines[start - 1] ?? '');
    found.push({ lang: open[1] ?? '', name: open[2], code: `${lines.slice(start + 1, end).join('\n')}\n`, line: start + 1, notRun: marker?.[1] ?? null });
    i = end;
  }
  return found.map((block, index) => {
    const next = found[index + 1];
    const program = block.lang === 'ts' || block.lang === 'js' || block.lang === 'sh';
    return {
      lang: block.lang,
      file: block.name ?? `snippet-${block.line}.${EXTENSIONS[block.lang] ?? 'txt'}`,
      code: block.code,
      line: block.line,
      notRun: block.notRun,
      output: program && next?.lang === 'text' ? next.code : null,
    };
  });
}

describe('the code blocks of the service authors\' docs run', () => {
  let identity: TestIdentity;
  let identityAddress: string;
  let users: ServiceUsers;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    rmSync(WORK, { recursive: true, force: true });
    identity = await startTestIdentity();
    const base = await identity.app.listen({ host: '127.0.0.1', port: 0 });
    identityAddress = new URL(base).host;
    // Bootstrap wrote placeholder catalog URLs; point them at the real port, as an operator would.
    for (const endpoint of await identity.service.catalog.listEndpoints()) {
      await identity.service.catalog.updateEndpoint(endpoint.id, { url: `${base}/v3` });
    }
    users = await seedServiceUsers({ url: `${base}/v3`, adminPassword: ADMIN_PASSWORD });
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OS_')));
    env = {
      ...inherited,
      OS_AUTH_URL: `${base}/v3`,
      OS_USERNAME: users.demo.username,
      OS_PASSWORD: users.demo.password,
      OS_PROJECT_NAME: users.demo.project,
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
    };
  });

  after(async () => {
    await identity?.close();
    rmSync(WORK, { recursive: true, force: true });
  });

  for (const [page, expectedNotRun] of Object.entries(PAGES)) {
    describe(page, () => {
      const blocks = blocksOf(readFileSync(join(REPO_ROOT, page), 'utf8'));
      const dir = join(WORK, page.replace(/[/.]/g, '-'));
      const servers: Running[] = [];
      const iniFiles: string[] = [];
      let servicePort = 0;
      /** The documented addresses, turned into the ones this test started. */
      const local = (text: string): string => text.replaceAll('127.0.0.1:5000', identityAddress).replace(/\b8080\b/g, String(servicePort));

      before(async () => {
        mkdirSync(dir, { recursive: true });
        servicePort = await freePort();
      });

      after(async () => {
        for (const server of servers) await server.stop();
      });

      it(`uses only ${[...RUN, ...SHOWN].join(', ')} blocks, and marks exactly ${expectedNotRun} as not run`, () => {
        for (const block of blocks) {
          assert.ok(RUN.has(block.lang) || SHOWN.has(block.lang), `${page}:${block.line}: a \`${block.lang}\` block: use one of ${[...RUN, ...SHOWN].join(', ')}`);
          assert.ok(block.notRun === null || RUN.has(block.lang), `${page}:${block.line}: only a runnable block can be marked as not run`);
        }
        assert.equal(blocks.filter((block) => block.notRun !== null).length, expectedNotRun);
      });

      for (const block of blocks.filter((b) => RUN.has(b.lang) && b.notRun === null)) {
        it(`${page}:${block.line} ${block.lang} ${block.file}`, async () => {
          const path = join(dir, block.file);
          writeFileSync(path, local(block.code));
          if (block.lang === 'ini') {
            // On top of the page's earlier ini blocks, as a later file of the same service, so a
            // fragment needs no copy of the options around it.
            iniFiles.push(path);
            const text = iniFiles.map((file) => readFileSync(file, 'utf8')).join('\n');
            const groups = serviceGroups.filter((group) => group.name === 'DEFAULT' || new RegExp(`^\\[${group.name}\\]`, 'im').test(text));
            const { warnings } = loadConfig({ files: iniFiles, groups });
            assert.deepEqual(warnings, [], `${page}:${block.line} loads with warnings`);
            return;
          }
          const [command, args] = block.lang === 'sh' ? ['bash', ['-e', block.file]] : [process.execPath, ['--import', 'tsx', block.file]];
          if (SERVER.test(block.code)) {
            servers.push(await startProcess(command, args, { cwd: dir, env, waitFor: /listening on (\S+)/ }));
            return;
          }
          const result = await runCommand(command, args, { cwd: dir, env, timeoutMs: 60_000 });
          assert.equal(result.code, 0, `${page}:${block.line} exited with ${String(result.code)}:\n${result.stderr}${result.stdout}`);
          if (block.output !== null) assert.equal(result.stdout.trimEnd(), local(block.output).trimEnd());
        });
      }
    });
  }
});
