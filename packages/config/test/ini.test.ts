import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigParseError, errors, iniValues, parseIni } from '@baton/config';

function parseError(text: string): ConfigParseError {
  try {
    parseIni(text, 'k.conf');
  } catch (error) {
    assert.ok(error instanceof errors.ConfigParseError);
    return error;
  }
  assert.fail('expected a parse error');
}

describe('parseIni', () => {
  it('splits on whichever of = and : comes first', () => {
    const doc = parseIni('[a]\nurl = http://x:5000\nb: c=d\n', 'k.conf');
    assert.deepEqual(iniValues(doc, 'a', 'url'), ['http://x:5000']);
    assert.deepEqual(iniValues(doc, 'a', 'b'), ['c=d']);
  });

  it('ignores only whole-line # and ; comments, keeping # and ; inside values', () => {
    const doc = parseIni('# top\n[a]\n; note\nx = 1 # not a comment ; nor this\n', 'k.conf');
    assert.deepEqual(iniValues(doc, 'a', 'x'), ['1 # not a comment ; nor this']);
    assert.deepEqual([...(doc.sections.get('a')?.entries.keys() ?? [])], ['x']);
  });

  it('joins indented continuation lines with newlines until a blank line', () => {
    const doc = parseIni('[a]\nx = one\n  two\n\tthree\n\ny = 2\n', 'k.conf');
    assert.deepEqual(iniValues(doc, 'a', 'x'), ['one\ntwo\nthree']);
    assert.deepEqual(iniValues(doc, 'a', 'y'), ['2']);
  });

  it('strips one pair of matching surrounding quotes only', () => {
    const doc = parseIni(`[a]\nd = " spaced "\ns = 'x'\nm = "x'\nq = "\n`, 'k.conf');
    assert.deepEqual(iniValues(doc, 'a', 'd'), [' spaced ']);
    assert.deepEqual(iniValues(doc, 'a', 's'), ['x']);
    assert.deepEqual(iniValues(doc, 'a', 'm'), [`"x'`]);
    assert.deepEqual(iniValues(doc, 'a', 'q'), ['']);
  });

  it('keeps every value of a repeated key in order, with its line', () => {
    const doc = parseIni('[a]\np = one\n[b]\n[a]\np = two\n', 'k.conf');
    assert.deepEqual(doc.sections.get('a')?.entries.get('p'), [
      { value: 'one', line: 2 },
      { value: 'two', line: 5 },
    ]);
    assert.equal(doc.sections.get('a')?.line, 1);
  });

  it('accepts CRLF line endings and a UTF-8 BOM', () => {
    const doc = parseIni('\uFEFF[a]\r\nx = 1\r\n', 'k.conf');
    assert.deepEqual(iniValues(doc, 'a', 'x'), ['1']);
  });

  it('keeps an empty value', () => {
    assert.deepEqual(iniValues(parseIni('[a]\nx =\n', 'k.conf'), 'a', 'x'), ['']);
  });

  const cases: [string, string, string][] = [
    ['no separator', '[a]\njust words\n', 'k.conf:2: expected "key = value" or "key: value"'],
    ['empty key', '[a]\n= v\n', 'k.conf:2: empty key'],
    ['unclosed section', '[a\n', 'k.conf:1: section header must end with "]"'],
    ['empty section name', '[]\n', 'k.conf:1: empty section name'],
    ['continuation without a key', '[a]\n  stray\n', 'k.conf:2: unexpected continuation line'],
    ['continuation after a blank line', '[a]\nx = 1\n\n  y\n', 'k.conf:4: unexpected continuation line'],
    ['assignment before a section', 'x = 1\n', 'k.conf:1: assignment before the first [section] header'],
  ];
  for (const [name, text, message] of cases) {
    it(`rejects ${name} with file and line`, () => {
      const error = parseError(text);
      assert.equal(error.code, 'ERR_CONFIG_PARSE');
      assert.equal(ConfigParseError.code, 'ERR_CONFIG_PARSE');
      assert.equal(error.message, message);
      assert.equal(error.file, 'k.conf');
    });
  }

  it('leaves the offending line out of the message (it may hold a password)', () => {
    const error = parseError('[service_user]\npassword hunter2\n');
    assert.ok(!error.message.includes('hunter2'));
  });
});
