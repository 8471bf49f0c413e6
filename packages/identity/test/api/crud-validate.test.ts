// The request-schema checker: messages as Python jsonschema words them for Keystone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../../src/errors.ts';
import { pyRepr, queryFlag, readMember, validate, type Schema } from '../../src/api/routes/validate.ts';
import { applicationCredentialSchema, passwordChangeSchema, projectSchemas } from '../../src/api/routes/schemas.ts';

function message(value: unknown, schema: Schema): string {
  try {
    validate(value, schema);
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.code, 'ERR_IDENTITY_VALIDATION');
    return error.message;
  }
  return 'valid';
}

describe('validate', () => {
  test('pyRepr renders values as Python does', () => {
    assert.equal(pyRepr('a'), "'a'");
    assert.equal(pyRepr("it's"), '"it\'s"');
    assert.equal(pyRepr(true), 'True');
    assert.equal(pyRepr(null), 'None');
    assert.equal(pyRepr([1, 'x']), "[1, 'x']");
    assert.equal(pyRepr({ a: false }), "{'a': False}");
  });

  test('field errors carry the path; object-level ones do not', () => {
    assert.equal(message({ name: 'p', tags: ['ok', 'a/b'] }, projectSchemas.create), "Invalid input for field 'tags/1': 'a/b' does not match '^[^,/]*$'");
    assert.equal(message({ name: 'p', tags: ['x', 'x'] }, projectSchemas.create), "Invalid input for field 'tags': ['x', 'x'] has non-unique elements");
    assert.equal(message({ name: 'p', parent_id: null }, projectSchemas.create), 'valid');
    assert.equal(message({ name: 'p', parent_id: 3 }, projectSchemas.create), "Invalid input for field 'parent_id': 3 is not of type 'string', 'null'");
    assert.equal(message({ name: 'x'.repeat(65) }, projectSchemas.create), `Invalid input for field 'name': '${'x'.repeat(65)}' is too long`);
    assert.equal(message({ original_password: 'a', password: 'b', extra: 1 }, passwordChangeSchema), "Additional properties are not allowed ('extra' was unexpected)");
    assert.equal(
      message({ name: 'a', roles: [{ id: 'r', name: 'n' }] }, applicationCredentialSchema),
      "Invalid input for field 'roles/0': {'id': 'r', 'name': 'n'} has too many properties",
    );
  });

  test('readMember treats a missing member key as an empty object', () => {
    assert.throws(() => readMember({ projet: { name: 'x' } }, 'project', projectSchemas.create), { message: "'name' is a required property" });
    assert.throws(() => readMember({ project: 'x' }, 'project', projectSchemas.create), { message: "'x' is not of type 'object'" });
    assert.deepEqual(readMember({ project: { name: 'x' } }, 'project', projectSchemas.create), { name: 'x' });
  });

  test('query flags follow query_filter_is_true: present and not "0"', () => {
    assert.equal(queryFlag({ effective: '' }, 'effective'), true);
    assert.equal(queryFlag({ include_names: 'True' }, 'include_names'), true);
    assert.equal(queryFlag({ include_names: '0' }, 'include_names'), false);
    assert.equal(queryFlag({}, 'effective'), false);
  });
});
