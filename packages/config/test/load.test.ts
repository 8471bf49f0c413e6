import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigFileError,
  ConfigInvalidError,
  ConfigRequiredError,
  ConfigSubstitutionError,
  ConfigValueError,
  boolOpt,
  defineGroup,
  intOpt,
  keystoneGroups,
  listOpt,
  loadConfig,
  loadConfigText,
  multiStrOpt,
  strOpt,
} from '@baton/config';

const policy = defineGroup('oslo_policy_dirs', {
  help: 'Test group with a multi-valued option.',
  options: {
    policy_dirs: multiStrOpt({ default: ['policy.d'], help: 'Policy directories.' }),
    old: boolOpt({ default: false, deprecatedSince: 'Zed', deprecatedReason: 'Nobody uses it.', help: 'Old switch.' }),
  },
});
const authtoken = defineGroup('keystone_authtoken', {
  help: 'A group another package would declare.',
  options: {
    password: strOpt({ default: null, secret: true, required: true, help: 'Service user password.' }),
    www_authenticate_uri: strOpt({ default: null, help: 'Public identity URI.' }),
  },
});
const groups = [...keystoneGroups, policy] as const;

let dir = '';
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-config-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('gives every option its default when no file sets it, with $state_path substituted', () => {
    const { config, warnings } = loadConfigText('', keystoneGroups);
    assert.deepEqual(warnings, []);
    assert.equal(config.token.expiration, 3600);
    assert.equal(config.token.cache_time, null);
    assert.equal(config.token.provider, 'fernet');
    assert.deepEqual(config.auth.methods, ['external', 'password', 'token', 'oauth1', 'mapped', 'application_credential']);
    assert.equal(config.fernet_tokens.key_repository, '.baton/fernet-keys');
    assert.equal(config.database.connection, 'sqlite:///.baton/keystone.db');
    assert.equal(config.oslo_middleware.max_request_body_size, 114688);
  });

  it('lets a later file win per option and keeps options only the earlier file sets', () => {
    const first = file('a.conf', '[token]\nexpiration = 100\nallow_expired_window = 5\n');
    const second = file('b.conf', '[token]\nexpiration = 200\n');
    const { config } = loadConfig({ files: [first, second], groups });
    assert.equal(config.token.expiration, 200);
    assert.equal(config.token.allow_expired_window, 5);
  });

  it('substitutes $state_path set in a later file into defaults and earlier values', () => {
    const first = file('c.conf', '[fernet_tokens]\nkey_repository = $state_path/keys\n');
    const second = file('d.conf', '[DEFAULT]\nstate_path = /srv/baton\n');
    const { config } = loadConfig({ files: [first, second], groups });
    assert.equal(config.fernet_tokens.key_repository, '/srv/baton/keys');
    assert.equal(config.database.connection, 'sqlite:////srv/baton/keystone.db');
  });

  it('collects multi-valued options from repeated keys across files, continuation lines included', () => {
    const first = file('e.conf', '[oslo_policy_dirs]\npolicy_dirs = one\npolicy_dirs = two\n  more\n');
    const second = file('f.conf', '[oslo_policy_dirs]\npolicy_dirs = three\n');
    const { config } = loadConfig({ files: [first, second], groups });
    assert.deepEqual(config.oslo_policy_dirs.policy_dirs, ['one', 'two\nmore', 'three']);
  });

  it('fails on a missing file, naming it', () => {
    const missing = join(dir, 'nope.conf');
    assert.throws(() => loadConfig({ files: [missing], groups }), (error: unknown) => {
      assert.ok(error instanceof ConfigFileError);
      assert.equal(error.code, 'ERR_CONFIG_FILE');
      assert.equal(error.message, `cannot read config file ${missing}: no such file`);
      assert.equal(error.file, missing);
      return true;
    });
  });

  it('fails on a directory given as a file', () => {
    assert.throws(() => loadConfig({ files: [dir], groups }), { code: 'ERR_CONFIG_FILE', message: `cannot read config file ${dir}: is a directory` });
  });

  it('splits comma lists, trimming items and a trailing comma', () => {
    const { config } = loadConfigText('[auth]\nmethods = password , token,\n', groups);
    assert.deepEqual(config.auth.methods, ['password', 'token']);
    assert.deepEqual(loadConfigText('[auth]\nmethods =\n', groups).config.auth.methods, []);
  });

  it('lets OS_<GROUP>__<OPTION> win over files, validated and substituted like file values', () => {
    const text = '[token]\nexpiration = 100\n[DEFAULT]\nstate_path = /f\n';
    const env = { OS_TOKEN__EXPIRATION: '42', OS_FERNET_TOKENS__KEY_REPOSITORY: '$state_path/env-keys', OS_DEFAULT__DEBUG: 'yes' };
    const { config } = loadConfigText(text, groups, 'keystone.conf', { env });
    assert.equal(config.token.expiration, 42);
    assert.equal(config.fernet_tokens.key_repository, '/f/env-keys');
    assert.equal(config.DEFAULT.debug, true);
    assert.throws(() => loadConfigText('', groups, 'keystone.conf', { env: { OS_TOKEN__EXPIRATION: 'soon' } }), {
      code: 'ERR_CONFIG_VALUE',
      message: 'environment OS_TOKEN__EXPIRATION: [token] expiration = "soon": expected an integer >= 0',
    });
  });

  it('lets typed overrides win over environment and files, still checking limits', () => {
    const { config } = loadConfigText('[token]\nexpiration = 100\n', groups, 'keystone.conf', {
      env: { OS_TOKEN__EXPIRATION: '42' },
      overrides: { token: { expiration: 7 }, DEFAULT: { state_path: '/o' } },
    });
    assert.equal(config.token.expiration, 7);
    assert.equal(config.fernet_tokens.key_repository, '/o/fernet-keys');
    assert.throws(() => loadConfigText('', groups, 'x', { overrides: { token: { expiration: -5 } } }), {
      code: 'ERR_CONFIG_VALUE',
      message: 'override: [token] expiration = -5: expected an integer >= 0',
    });
    assert.throws(() => loadConfigText('', groups, 'x', { overrides: { nope: {} } as never }), TypeError);
  });

  it('resolves $name in the own group first, then DEFAULT; ${group.name} names the group', () => {
    const local = defineGroup('local', {
      help: 'Test group.',
      options: {
        state_path: strOpt({ default: '/local', help: 'Shadows DEFAULT.' }),
        dir: strOpt({ default: '$state_path/x', help: 'Uses the local one.' }),
        other: strOpt({ default: '${token.expiration}s ${DEFAULT.state_path} $$5 \\$6 $ 7', help: 'Cross-group.' }),
      },
    });
    const { config } = loadConfigText('[DEFAULT]\nstate_path = /d\n', [...groups, local]);
    assert.equal(config.local.dir, '/local/x');
    assert.equal(config.local.other, '3600s /d $5 $6 $ 7');
  });

  it('substitutes an unset option as empty text and booleans as Python spells them', () => {
    const { config } = loadConfigText('[DEFAULT]\nstate_path = [$log_file|$debug]\n', groups);
    assert.equal(config.DEFAULT.state_path, '[|False]');
  });

  it('rejects a reference to an unknown option and a reference cycle', () => {
    assert.throws(() => loadConfigText('[token]\nexpiration = $nope\n', groups), (error: unknown) => {
      assert.ok(error instanceof ConfigSubstitutionError);
      assert.equal(error.code, 'ERR_CONFIG_SUBSTITUTION');
      assert.equal(error.message, 'keystone.conf:2: [token] expiration: cannot substitute $nope: no such option');
      return true;
    });
    assert.throws(() => loadConfigText('[DEFAULT]\nstate_path = $log_file\nlog_file = ${DEFAULT.state_path}\n', groups), {
      code: 'ERR_CONFIG_SUBSTITUTION',
      message: 'keystone.conf:3: [DEFAULT] log_file: cannot substitute $DEFAULT.state_path: circular reference',
    });
  });

  it('warns about unknown sections and options, naming file, line, section and option', () => {
    const { warnings } = loadConfigText('[token]\nexpiry = 1\n[ldap]\nurl = ldap://k\n', groups);
    assert.deepEqual(warnings, [
      'keystone.conf:2: [token] expiry: unknown option, ignored',
      'keystone.conf:4: [ldap] url: unknown section, ignored',
    ]);
  });

  it('suggests the declared name nearest to a misspelt option or section', () => {
    const { warnings } = loadConfigText('[token]\nexpiraton = 5\nprovder = fernet\nxyz = 1\n[fernet_token]\nmax_active_keys = 3\n', groups);
    assert.deepEqual(warnings, [
      'keystone.conf:2: [token] expiraton: unknown option, ignored; did you mean `expiration`?',
      'keystone.conf:3: [token] provder: unknown option, ignored; did you mean `provider`?',
      'keystone.conf:4: [token] xyz: unknown option, ignored',
      'keystone.conf:6: [fernet_token] max_active_keys: unknown section, ignored; did you mean [fernet_tokens]?',
    ]);
  });

  it('reports every error in a file at once, each naming file, section, option, value and what is expected', () => {
    const text = '[token]\nexpiration = soon\nallow_expired_window = 2 days\n[DEFAULT]\nstate_path = $nope\n[fernet_tokens]\nmax_active_keys = many\n';
    assert.throws(() => loadConfigText(text, groups), (error: unknown) => {
      assert.ok(error instanceof ConfigInvalidError);
      assert.equal(error.code, 'ERR_CONFIG_INVALID');
      assert.deepEqual(error.errors.map((e) => e.code), ['ERR_CONFIG_SUBSTITUTION', 'ERR_CONFIG_VALUE', 'ERR_CONFIG_VALUE', 'ERR_CONFIG_VALUE']);
      assert.equal(
        error.message,
        [
          '4 errors in the configuration:',
          '  keystone.conf:5: [DEFAULT] state_path: cannot substitute $nope: no such option',
          '  keystone.conf:7: [fernet_tokens] max_active_keys = "many": expected an integer >= 1',
          '  keystone.conf:2: [token] expiration = "soon": expected an integer >= 0',
          '  keystone.conf:3: [token] allow_expired_window = "2 days": expected an integer',
        ].join('\n'),
      );
      return true;
    });
  });

  it('reports an option that refers to a failed one once, and keeps the warnings that explain an error', () => {
    assert.throws(() => loadConfigText('[DEFAULT]\nstate_path = $nope\n', groups), { code: 'ERR_CONFIG_SUBSTITUTION' });
    assert.throws(() => loadConfigText('[keystone_authtoken]\npasswrd = hunter2\n', [authtoken]), (error: unknown) => {
      assert.ok(error instanceof ConfigInvalidError);
      assert.equal(
        error.message,
        [
          '1 error in the configuration:',
          '  [keystone_authtoken] password is required: set it in a config file or in OS_KEYSTONE_AUTHTOKEN__PASSWORD',
          '  warning: keystone.conf:2: [keystone_authtoken] passwrd: unknown option, ignored; did you mean `password`?',
        ].join('\n'),
      );
      return true;
    });
  });

  it('matches section names case-insensitively except DEFAULT', () => {
    const { config, warnings } = loadConfigText('[TOKEN]\nexpiration = 9\n[default]\ndebug = true\n', groups);
    assert.equal(config.token.expiration, 9);
    assert.equal(config.DEFAULT.debug, false);
    assert.deepEqual(warnings, ['keystone.conf:4: [default] debug: unknown section, ignored; did you mean [DEFAULT]?']);
  });

  it('accepts a deprecated name with a warning; the current name wins in the same file', () => {
    const old = loadConfigText('[DEFAULT]\nosapi_max_request_body_size = 10\n', groups);
    assert.equal(old.config.oslo_middleware.max_request_body_size, 10);
    assert.deepEqual(old.warnings, [
      'keystone.conf:2: [DEFAULT] osapi_max_request_body_size is deprecated; use [oslo_middleware] max_request_body_size',
    ]);
    const both = loadConfigText('[oslo_middleware]\nmax_request_body_size = 20\n[DEFAULT]\nosapi_max_request_body_size = 10\n', groups);
    assert.equal(both.config.oslo_middleware.max_request_body_size, 20);
  });

  it('warns when an option deprecated for removal is set', () => {
    const { warnings } = loadConfigText('[oslo_policy_dirs]\nold = true\n', groups);
    assert.deepEqual(warnings, ['keystone.conf:2: [oslo_policy_dirs] old is deprecated since Zed and may be ignored in a later release: Nobody uses it.']);
  });

  it('enforces required options and keeps secrets out of every message', () => {
    assert.throws(() => loadConfigText('', [authtoken]), (error: unknown) => {
      assert.ok(error instanceof ConfigRequiredError);
      assert.equal(error.code, 'ERR_CONFIG_REQUIRED');
      assert.equal(error.message, '[keystone_authtoken] password is required: set it in a config file or in OS_KEYSTONE_AUTHTOKEN__PASSWORD');
      return true;
    });
    const { config, warnings } = loadConfigText('[keystone_authtoken]\npassword = hunter2\nbogus = 1\n', [authtoken]);
    assert.equal(config.keystone_authtoken.password, 'hunter2');
    assert.ok(warnings.every((w) => !w.includes('hunter2')));
  });

  it('returns a deeply frozen object', () => {
    const { config } = loadConfigText('', groups);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.token) && Object.isFrozen(config.auth.methods));
    assert.throws(() => {
      (config.token as { expiration: number }).expiration = 1;
    }, TypeError);
  });

  it('rejects the same group twice as a programming error', () => {
    assert.throws(() => loadConfigText('', [policy, policy]), { name: 'TypeError', message: 'loadConfig: group [oslo_policy_dirs] is declared twice' });
  });

  it('types the result from the declarations', () => {
    const limits = defineGroup('limits', {
      help: 'Test group.',
      options: {
        n: intOpt({ default: 1, help: 'A number.' }),
        maybe: intOpt({ default: null, help: 'Maybe a number.' }),
        tags: listOpt({ default: [], help: 'Tags.' }),
        mode: strOpt({ default: 'a', choices: ['a', 'b'], help: 'A mode.' }),
      },
    });
    const { config } = loadConfigText('[limits]\nmode = b\n', [limits, ...keystoneGroups]);
    const n: number = config.limits.n;
    const maybe: number | null = config.limits.maybe;
    const tags: readonly string[] = config.limits.tags;
    const mode: 'a' | 'b' = config.limits.mode;
    const endpoint: string | null = config.DEFAULT.public_endpoint;
    const methods: readonly string[] = config.auth.methods;
    // @ts-expect-error a nullable option is not a plain number
    const notNumber: number = config.limits.maybe;
    // @ts-expect-error an integer option is not a string
    const notString: string = config.token.expiration;
    // @ts-expect-error undeclared groups do not exist on the result
    void config.keystone_authtoken;
    assert.deepEqual([n, maybe, tags, mode, endpoint, methods.length, notNumber, notString], [1, null, [], 'b', null, 6, null, 3600]);
  });
});
