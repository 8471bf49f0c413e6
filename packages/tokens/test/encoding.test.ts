import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  bitmaskToMethods, bytesToUuidHex, encodeMsgpack, Float64, formatKeystoneTime, isWithinWindow, methodsToBitmask,
  newAuditId, uuidToBytes, type MsgpackValue,
} from '@baton/tokens';
import { vectors, type DescribedValue } from './fixtures.ts';

function build(value: DescribedValue): MsgpackValue {
  if (Array.isArray(value)) return value.map(build);
  if (value !== null && typeof value === 'object') {
    if ('float64' in value) return new Float64(value.float64);
    if ('repeat' in value) return value.bin ? Buffer.alloc(value.count, Number.parseInt(value.repeat, 16)) : value.repeat.repeat(value.count);
    return Buffer.from(value.bin, 'hex');
  }
  return value;
}

describe('encodeMsgpack matches Python msgpack.packb', () => {
  for (const c of vectors.msgpack) {
    it(JSON.stringify(c.input).slice(0, 60), () => {
      const bytes = Buffer.from(encodeMsgpack(build(c.input)));
      if (c.hex !== undefined) assert.equal(bytes.toString('hex'), c.hex);
      else assert.equal(createHash('sha256').update(bytes).digest('hex'), c.sha256);
    });
  }

  it('refuses values Python would not pack the same way', () => {
    assert.throws(() => encodeMsgpack(1.5), TypeError);
    assert.throws(() => encodeMsgpack(2 ** 60), TypeError);
    assert.throws(() => encodeMsgpack('\ud800'), TypeError);
    assert.throws(() => encodeMsgpack({} as unknown as MsgpackValue), TypeError);
  });
});

describe('uuidToBytes follows Python uuid.UUID()', () => {
  for (const c of vectors.uuids) {
    it(JSON.stringify(c.input), () => {
      const bytes = uuidToBytes(c.input);
      assert.equal(bytes === undefined ? null : bytesToUuidHex(bytes), c.hex);
    });
  }
  it('leaves non-ASCII ids as strings and rejects non-strings', () => {
    assert.equal(uuidToBytes('２f4c2b9d8c3e4a1fa0b1c2d3e4f50617'), undefined);
    assert.throws(() => uuidToBytes(5 as unknown as string), TypeError);
    assert.throws(() => bytesToUuidHex(new Uint8Array(15)), TypeError);
  });
});

describe('auth method bitmask', () => {
  for (const c of vectors.methodMasks) {
    it(`${c.mask} decodes as Keystone does`, () => {
      assert.deepEqual(bitmaskToMethods(c.mask, vectors.authMethods), c.methods);
      assert.equal(methodsToBitmask(c.methods, vectors.authMethods), c.mask);
    });
  }
  it('ignores unknown bits (Keystone would decode 66 as [])', () => {
    assert.deepEqual(bitmaskToMethods(66, vectors.authMethods), ['password']);
  });
  it('depends on the configured order', () => {
    assert.deepEqual(bitmaskToMethods(methodsToBitmask(['password'], vectors.authMethods), ['password', 'token', 'external']), ['token']);
  });
  it('counts a repeated method once and refuses unknown methods', () => {
    assert.equal(methodsToBitmask(['password', 'password'], vectors.authMethods), 2);
    assert.throws(() => methodsToBitmask(['kerberos'], vectors.authMethods), TypeError);
    assert.throws(() => bitmaskToMethods(-1, vectors.authMethods), TypeError);
  });
});

describe('times', () => {
  for (const c of vectors.times) {
    it(`formatKeystoneTime(${c.input}) = ${c.output}`, () => assert.equal(formatKeystoneTime(c.input), c.output));
  }
  it('rejects times Python cannot render', () => {
    for (const t of [Number.NaN, Infinity, -1, 253402300800]) assert.throws(() => formatKeystoneTime(t), TypeError);
  });
  it('isWithinWindow is strict at the boundary', () => {
    assert.equal(isWithinWindow(100, 99.999, 0), true);
    assert.equal(isWithinWindow(100, 100, 0), false);
    assert.equal(isWithinWindow(100, 199.5, 100), true);
    assert.equal(isWithinWindow(100, 200, 100), false);
    assert.throws(() => isWithinWindow(100, 1, -1), TypeError);
  });
});

describe('newAuditId', () => {
  it('is 22 urlsafe characters of 16 random bytes', () => {
    const id = newAuditId();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(Buffer.from(id, 'base64url').length, 16);
    assert.notEqual(newAuditId(), id);
  });
});
