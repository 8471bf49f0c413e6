// Route schemas: compiled by the app's validator compiler, failing with the messages
// Python jsonschema gives Keystone, and a wrong schema stops start-up.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TSchema } from 'typebox';
import { ValidationError } from '../../src/errors.ts';
import { createIdentityApp } from '../../src/index.ts';
import { createValidatorCompiler, memberBody, parseQueryString, pyRepr } from '../../src/api/request-schema.ts';
import { queryFlag } from '../../src/api/routes/request.ts';
import { applicationCredentialSchema, limitSchemas, passwordChangeSchema, projectSchemas, registeredLimitSchemas } from '../../src/api/routes/schemas.ts';
import { startTestIdentity } from '@baton/test-support';

const compiler = createValidatorCompiler();

function message(value: unknown, schema: TSchema): string {
  const check = compiler({ schema, method: 'POST', url: '/', httpPart: 'body' }) as (data: unknown) => unknown;
  const result = check(value) as true | { error?: unknown };
  if (result === true || result.error === undefined) return 'valid';
  assert.ok(result.error instanceof ValidationError);
  assert.equal(result.error.code, 'ERR_IDENTITY_VALIDATION');
  return result.error.message;
}

describe('request schemas', () => {
  test('pyRepr renders values as Python does', () => {
    assert.equal(pyRepr('a'), "'a'");
    assert.equal(pyRepr("it's"), '"it\'s"');
    assert.equal(pyRepr(true), 'True');
    assert.equal(pyRepr(null), 'None');
    assert.equal(pyRepr([1, 'x']), "[1, 'x']");
    assert.equal(pyRepr({ a: false }), "{'a': False}");
  });

  test('field errors carry the path; object-level ones do not; the first in schema order wins', () => {
    const project = memberBody('project', projectSchemas.create);
    const p = (member: unknown) => message({ project: member }, project);
    assert.equal(p({ name: 'p', tags: ['ok', 'a/b'] }), "Invalid input for field 'tags/1': 'a/b' does not match '^[^,/]*$'");
    assert.equal(p({ name: 'p', tags: ['x', 'x'] }), "Invalid input for field 'tags': ['x', 'x'] has non-unique elements");
    assert.equal(p({ name: 'p', parent_id: null }), 'valid');
    assert.equal(p({ name: 'p', parent_id: 3 }), "Invalid input for field 'parent_id': 3 is not of type 'string', 'null'");
    assert.equal(p({ name: 'x'.repeat(65) }), `Invalid input for field 'name': '${'x'.repeat(65)}' is too long`);
    // ajv checks enum and type together and required before properties; jsonschema does not.
    assert.equal(p({ name: 'p', enabled: 'yes' }), "Invalid input for field 'enabled': 'yes' is not of type 'boolean'");
    assert.equal(p({ description: 1 }), "Invalid input for field 'description': 1 is not of type 'string', 'null'");
    assert.equal(message({ original_password: 'a', password: 'b', z: 1, extra: 1 }, passwordChangeSchema), "Additional properties are not allowed ('extra', 'z' were unexpected)");
    assert.equal(
      message({ name: 'a', roles: [{ id: 'r' }, { id: 'r', name: 'n' }] }, applicationCredentialSchema),
      "Invalid input for field 'roles/1': {'id': 'r', 'name': 'n'} has too many properties",
    );
  });

  test('limit schemas: minItems, minimum, maximum, oneOf and their own keyword order word as jsonschema does', () => {
    const registered = memberBody('registered_limits', registeredLimitSchemas.create);
    const r = (list: unknown) => message({ registered_limits: list }, registered);
    const item = { service_id: 's', resource_name: 'r' };
    assert.equal(r([]), '[] is too short');
    assert.equal(message({}, registered), "{} is not of type 'array'");
    assert.equal(r([{ ...item, default_limit: -2 }]), "Invalid input for field '0/default_limit': -2 is less than the minimum of -1");
    assert.equal(r([{ ...item, default_limit: 2 ** 31 }]), "Invalid input for field '0/default_limit': 2147483648 is greater than the maximum of 2147483647");
    // Keystone lists additionalProperties before required here, so the extra member wins.
    assert.equal(r([{ ...item, bad: 1 }]), "Invalid input for field '0': Additional properties are not allowed ('bad' was unexpected)");
    const limits = memberBody('limits', limitSchemas.create);
    const l = (member: Record<string, unknown>) => message({ limits: [member] }, limits);
    assert.equal(l({ ...item, resource_limit: 1 }), "Invalid input for field '0': {'service_id': 's', 'resource_name': 'r', 'resource_limit': 1} is not valid under any of the given schemas");
    assert.equal(l({ project_id: 'p', ...item, resource_limit: 1 }), 'valid');
    assert.equal(l({ domain_id: 'd', ...item, resource_limit: 1.5 }), "Invalid input for field '0': {'domain_id': 'd', 'service_id': 's', 'resource_name': 'r', 'resource_limit': 1.5} is not valid under any of the given schemas");
    assert.equal(message({ limit: { resource_limit: 'x' } }, memberBody('limit', limitSchemas.update)), "Invalid input for field 'resource_limit': 'x' is not of type 'integer'");
  });

  test('a missing member key is validated as an empty object', () => {
    const project = memberBody('project', projectSchemas.create);
    assert.equal(message({ projet: { name: 'x' } }, project), "'name' is a required property");
    assert.equal(message(null, project), "'name' is a required property");
    assert.equal(message({ project: 'x' }, project), "'x' is not of type 'object'");
    assert.equal(message({ project: { name: 'x' } }, project), 'valid');
  });

  test('query strings keep the first value of a repeated name; flags follow query_filter_is_true', () => {
    const query = parseQueryString('a=1&a=2&b&__proto__=x');
    assert.deepEqual(Object.entries(query), [['a', '1'], ['b', ''], ['__proto__', 'x']]);
    assert.equal(queryFlag({ effective: '' }, 'effective'), true);
    assert.equal(queryFlag({ include_names: 'True' }, 'include_names'), true);
    assert.equal(queryFlag({ include_names: '0' }, 'include_names'), false);
    assert.equal(queryFlag({}, 'effective'), false);
  });

  test('a wrong schema on a route makes createIdentityApp reject', async () => {
    const t = await startTestIdentity();
    const name = projectSchemas.create.properties.name as unknown as { type: string };
    name.type = 'strnig';
    try {
      // name64 is shared, so the first route to use it (POST /v3/domains) reports it.
      await assert.rejects(createIdentityApp(t.service), /Failed building the validation schema for POST: \/v3\/domains.*properties\/name\/type/);
    } finally {
      name.type = 'string';
      await t.close();
    }
  });
});
