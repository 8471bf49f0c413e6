// Every validation branch, through the public loader: code and exact message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigValueError,
  boolOpt,
  defineGroup,
  floatOpt,
  intOpt,
  keystoneGroups,
  loadConfigText,
  portOpt,
  strOpt,
  uriOpt,
} from '@baton/config';

const extra = defineGroup('extra', {
  help: 'Test-only options.',
  options: {
    ratio: floatOpt({ default: 0.5, min: 0, max: 1, help: 'A ratio.' }),
    port: portOpt({ default: 5000, help: 'A port.' }),
    any_int: intOpt({ default: 1, help: 'An unbounded integer.' }),
    level: intOpt({ default: 1, choices: [1, 2, 3], help: 'A level.' }),
    web: uriOpt({ default: null, schemes: ['http', 'https'], help: 'An http(s) URI.' }),
    flag: boolOpt({ default: false, help: 'A flag.' }),
    name: strOpt({ default: 'x', help: 'A name.' }),
  },
});
const groups = [...keystoneGroups, extra] as const;

function valueError(text: string): ConfigValueError {
  try {
    loadConfigText(text, groups, 'keystone.conf');
  } catch (error) {
    assert.ok(error instanceof ConfigValueError, String(error));
    assert.equal(error.code, 'ERR_CONFIG_VALUE');
    return error;
  }
  assert.fail('expected a ConfigValueError');
}

describe('value validation', () => {
  const cases: [string, string, string][] = [
    ['a bad integer', '[token]\nexpiration = abc', 'keystone.conf:2: [token] expiration = "abc": expected an integer >= 0'],
    ['an integer below min', '[token]\nexpiration = -1', 'keystone.conf:2: [token] expiration = "-1": expected an integer >= 0'],
    ['a fractional integer', '[token]\nexpiration = 1.5', 'keystone.conf:2: [token] expiration = "1.5": expected an integer >= 0'],
    ['an integer above max', '[identity]\npassword_hash_rounds = 32', 'keystone.conf:2: [identity] password_hash_rounds = "32": expected an integer between 4 and 31'],
    ['an integer outside the safe range', '[extra]\nany_int = 99999999999999999999', 'keystone.conf:2: [extra] any_int = "99999999999999999999": expected an integer'],
    ['an empty non-nullable integer', '[token]\nexpiration =', 'keystone.conf:2: [token] expiration = "": expected an integer >= 0'],
    ['an integer not among choices', '[extra]\nlevel = 4', 'keystone.conf:2: [extra] level = "4": expected one of: 1, 2, 3'],
    ['a bad float', '[extra]\nratio = 1.5', 'keystone.conf:2: [extra] ratio = "1.5": expected a number between 0 and 1'],
    ['a bad port', '[extra]\nport = 70000', 'keystone.conf:2: [extra] port = "70000": expected a port number between 0 and 65535'],
    ['a bad boolean', '[DEFAULT]\ndebug = maybe', 'keystone.conf:2: [DEFAULT] debug = "maybe": expected a boolean (true/false, yes/no, on/off, 1/0)'],
    ['a bad choice', '[token]\nprovider = jws', 'keystone.conf:2: [token] provider = "jws": expected one of: fernet'],
    ['a choice in the wrong case', '[identity]\npassword_hash_algorithm = BCRYPT', 'keystone.conf:2: [identity] password_hash_algorithm = "BCRYPT": expected one of: bcrypt'],
    ['a URI without a host', '[DEFAULT]\npublic_endpoint = http:///v3', 'keystone.conf:2: [DEFAULT] public_endpoint = "http:///v3": expected a URI with a scheme and a host'],
    ['a URI without a scheme', '[DEFAULT]\npublic_endpoint = keystone:5000', 'keystone.conf:2: [DEFAULT] public_endpoint = "keystone:5000": expected a URI with a scheme and a host'],
    ['a URI with a disallowed scheme', '[extra]\nweb = ftp://h/x', 'keystone.conf:2: [extra] web = "ftp://h/x": expected a URI with a host and scheme http or https'],
    ['a bad database scheme (masked: secret)', '[database]\nconnection = mysql+pymysql://keystone:pw@db/keystone', 'keystone.conf:2: [database] connection = "****": expected a URL starting with sqlite://, postgresql:// or postgresql+psycopg2://'],
    ['a database URL with nothing after the scheme', '[database]\nconnection = sqlite://', 'keystone.conf:2: [database] connection = "****": expected a URL starting with sqlite://, postgresql:// or postgresql+psycopg2://'],
  ];
  for (const [name, text, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.equal(valueError(text).message, message);
    });
  }

  it('fills source, section, option and expected on the error', () => {
    const error = valueError('[Token]\n\nexpiration = x');
    assert.deepEqual(
      { source: error.source, section: error.section, option: error.option, expected: error.expected },
      { source: 'keystone.conf:3', section: 'Token', option: 'expiration', expected: 'an integer >= 0' },
    );
  });

  it('never shows a secret value, even its substituted parts', () => {
    const error = valueError('[database]\nconnection = mysql://keystone:s3cret@$state_path/k');
    assert.ok(!error.message.includes('s3cret'));
    assert.ok(!error.message.includes('mysql'));
  });

  it('accepts every oslo boolean spelling in any case', () => {
    const spellings: [string, boolean][] = [
      ['true', true], ['TRUE', true], ['Yes', true], ['on', true], ['1', true],
      ['false', false], ['No', false], ['OFF', false], ['0', false],
    ];
    for (const [text, expected] of spellings) {
      assert.equal(loadConfigText(`[DEFAULT]\ndebug = ${text}`, groups).config.DEFAULT.debug, expected, text);
    }
  });

  it('accepts Python integer spellings: a sign and underscores between digits', () => {
    assert.equal(loadConfigText('[extra]\nany_int = -1_000', groups).config.extra.any_int, -1000);
    assert.equal(loadConfigText('[token]\nexpiration = +60', groups).config.token.expiration, 60);
  });

  it('reads an empty value of a nullable integer as unset', () => {
    assert.equal(loadConfigText('[token]\ncache_time =', groups).config.token.cache_time, null);
  });

  it('accepts valid URIs, IPv6 hosts and every database form', () => {
    const ok = (text: string) => loadConfigText(text, groups).config;
    assert.equal(ok('[DEFAULT]\npublic_endpoint = https://user@[::1]:5000/identity').DEFAULT.public_endpoint, 'https://user@[::1]:5000/identity');
    for (const url of ['sqlite:///rel/k.db', 'sqlite:////abs/k.db', 'postgresql://k:p@db:5432/k', 'postgresql+psycopg2://k@db/k']) {
      assert.equal(ok(`[database]\nconnection = ${url}`).database.connection, url);
    }
  });
});
