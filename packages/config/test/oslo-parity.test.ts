// Loads the same files with the real oslo.config (python3-oslo.config on this machine) and
// with Baton, and compares every value: the parser and loader rules must agree.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boolOpt, defineGroup, intOpt, keystoneGroups, listOpt, loadConfig, multiStrOpt, strOpt } from '@baton/config';

const extra = defineGroup('extra', {
  help: 'Options exercising parser corners.',
  options: {
    dirs: multiStrOpt({ default: [], help: 'Repeated key.' }),
    note: strOpt({ default: null, help: 'Hash inside a value.' }),
    multi: strOpt({ default: null, help: 'Continuation lines.' }),
    quoted: strOpt({ default: null, help: 'Quoted value.' }),
    colon: strOpt({ default: null, help: 'Colon separator.' }),
    dollars: strOpt({ default: null, help: 'Escapes.' }),
    cross: strOpt({ default: null, help: 'Cross-group reference.' }),
    flag: boolOpt({ default: false, help: 'Boolean spelling.' }),
    parts: listOpt({ default: [], help: 'List.' }),
    count: intOpt({ default: 1, help: 'Integer.' }),
  },
});

// Python side: the same declarations, then every value as JSON.
const PYTHON = `
import json, sys
from oslo_config import cfg
c = cfg.ConfigOpts()
c.register_opts([cfg.StrOpt('state_path'), cfg.BoolOpt('debug')])
c.register_opts([cfg.IntOpt('expiration'), cfg.IntOpt('allow_expired_window')], group='token')
c.register_opts([cfg.StrOpt('key_repository', default='$state_path/fernet-keys')], group='fernet_tokens')
c.register_opts([cfg.ListOpt('methods')], group='auth')
c.register_opts([cfg.IntOpt('max_request_body_size', deprecated_opts=[cfg.DeprecatedOpt('osapi_max_request_body_size', group='DEFAULT')])], group='oslo_middleware')
c.register_opts([cfg.MultiStrOpt('dirs'), cfg.StrOpt('note'), cfg.StrOpt('multi'), cfg.StrOpt('quoted'), cfg.StrOpt('colon'),
                 cfg.StrOpt('dollars'), cfg.StrOpt('cross'), cfg.BoolOpt('flag'), cfg.ListOpt('parts'), cfg.IntOpt('count')], group='extra')
args = []
for f in sys.argv[1:]:
    args += ['--config-file', f]
c(args=args)
print(json.dumps({
  'state_path': c.state_path, 'debug': c.debug,
  'expiration': c.token.expiration, 'window': c.token.allow_expired_window,
  'key_repository': c.fernet_tokens.key_repository, 'methods': c.auth.methods,
  'body': c.oslo_middleware.max_request_body_size,
  'extra': {k: getattr(c.extra, k) for k in ['dirs', 'note', 'multi', 'quoted', 'colon', 'dollars', 'cross', 'flag', 'parts', 'count']},
}))
`;

const FIRST = `# comment
[DEFAULT]
state_path = /first
debug = On
osapi_max_request_body_size = 2048

[token]
expiration = 100
allow_expired_window = 7

[Extra]
dirs = a
dirs = b # kept
note = x # y ; z
multi = one
  two
\tthree

quoted = " spaced "
colon: http://h:5000/v3 = ok
dollars = $$HOME \\$PATH $ 1
cross = \${token.expiration}/$state_path
flag = YES
parts = p, q ,r,
count = 1_000
`;

const SECOND = `[DEFAULT]
state_path = /second

[token]
expiration = 200

[extra]
dirs = c
`;

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-oslo-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parity with oslo.config', () => {
  it('loads two files to the same values as the real oslo.config', () => {
    const first = join(dir, 'first.conf');
    const second = join(dir, 'second.conf');
    writeFileSync(first, FIRST);
    writeFileSync(second, SECOND);
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('OS_')) delete env[name];
    const oslo: unknown = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PYTHON, first, second], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }));

    const { config } = loadConfig({ files: [first, second], groups: [...keystoneGroups, extra] });
    const baton = {
      state_path: config.DEFAULT.state_path,
      debug: config.DEFAULT.debug,
      expiration: config.token.expiration,
      window: config.token.allow_expired_window,
      key_repository: config.fernet_tokens.key_repository,
      methods: config.auth.methods,
      body: config.oslo_middleware.max_request_body_size,
      extra: config.extra,
    };
    // oslo leaves an unset ListOpt as None; Baton's [auth] methods has Keystone's default.
    assert.deepEqual({ ...baton, methods: null }, oslo);
    assert.equal(baton.extra.dollars, '$HOME $PATH $ 1');
    assert.equal(baton.extra.cross, '200//second');
  });
});
