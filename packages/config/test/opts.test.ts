import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boolOpt, defineGroup, errors, intOpt, listOpt, multiStrOpt, portOpt, strOpt, uriOpt } from '@baton/config';
import type { ConfigErrorCode } from '@baton/config';

describe('option builders', () => {
  it('return frozen declarations carrying every given field', () => {
    const opt = intOpt({ default: 3, min: 1, max: 9, help: 'h', deprecatedName: 'old', deprecatedGroup: 'DEFAULT' });
    assert.ok(Object.isFrozen(opt));
    assert.deepEqual(
      { ...opt },
      { kind: 'int', help: 'h', default: 3, min: 1, max: 9, secret: false, required: false, deprecatedName: 'old', deprecatedGroup: 'DEFAULT' },
    );
    assert.deepEqual(portOpt({ default: 80, help: 'h' }).max, 65535);
    assert.ok(Object.isFrozen(listOpt({ default: ['a'], help: 'h' }).default));
  });

  const mistakes: [string, () => unknown, string][] = [
    ['missing help', () => boolOpt({ default: true, help: ' ' }), 'boolOpt: help text is required'],
    ['max below min', () => intOpt({ default: 5, min: 9, max: 1, help: 'h' }), 'intOpt: max 1 is less than min 9'],
    ['default below min', () => intOpt({ default: 0, min: 1, help: 'h' }), 'intOpt: default 0 is not an integer >= 1'],
    ['default not a choice', () => strOpt({ default: 'b' as 'a', choices: ['a'], help: 'h' }), 'strOpt: default "b" is not one of: a'],
    ['port bounds beyond 65535', () => portOpt({ default: 1, max: 70000, help: 'h' }), 'portOpt: min/max must lie within 0..65535'],
    ['bad URI default', () => uriOpt({ default: 'nohost', help: 'h' }), 'uriOpt: default "nohost" is not a URI with a scheme and a host'],
    ['since without a reason', () => multiStrOpt({ default: [], deprecatedSince: 'Zed', help: 'h' }), 'multistrOpt: deprecatedSince needs a deprecatedReason'],
  ];
  for (const [name, build, message] of mistakes) {
    it(`throw TypeError for ${name}`, () => {
      assert.throws(build, { name: 'TypeError', message });
    });
  }

  it('check a default holding a $reference only at load time', () => {
    assert.equal(strOpt({ default: '$state_path/x', schemes: ['sqlite'], help: 'h' }).default, '$state_path/x');
  });
});

describe('defineGroup', () => {
  it('rejects group names oslo could never match and malformed option names', () => {
    const opt = boolOpt({ default: true, help: 'h' });
    assert.throws(() => defineGroup('Token', { help: 'h', options: {} }), { name: 'TypeError', message: 'defineGroup: invalid group name "Token"' });
    assert.throws(() => defineGroup('g', { help: 'h', options: { 'bad-name': opt } }), {
      name: 'TypeError',
      message: 'defineGroup(g): invalid option name "bad-name"',
    });
    assert.throws(() => defineGroup('g', { help: '', options: {} }), { name: 'TypeError', message: 'defineGroup(g): help text is required' });
  });
});

describe('errors', () => {
  it('give each class its code as static and instance field, matching the union', () => {
    const codes: Record<ConfigErrorCode, true> = {
      ERR_CONFIG_PARSE: true,
      ERR_CONFIG_VALUE: true,
      ERR_CONFIG_FILE: true,
      ERR_CONFIG_SUBSTITUTION: true,
      ERR_CONFIG_REQUIRED: true,
      ERR_CONFIG_INVALID: true,
    };
    const origin = { source: 's', section: 'g', option: 'o' };
    const instances = [
      new errors.ConfigParseError('f', 1, 'r'),
      new errors.ConfigValueError(origin, '"v"', 'x'),
      new errors.ConfigFileError('f', 'r'),
      new errors.ConfigSubstitutionError(origin, 'ref', 'r'),
      new errors.ConfigRequiredError('g', 'o', 'OS_G__O'),
      new errors.ConfigInvalidError([new errors.ConfigRequiredError('g', 'o', 'OS_G__O')], []),
    ];
    assert.deepEqual(instances.map((e) => e.code).sort(), Object.keys(codes).sort());
    for (const error of instances) {
      assert.ok(error instanceof errors.ConfigError);
      assert.equal((error.constructor as unknown as { code: string }).code, error.code);
      assert.equal(error.name, error.constructor.name);
    }
  });
});
