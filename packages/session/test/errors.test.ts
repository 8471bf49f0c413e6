import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors, type SessionErrorCode } from '../src/index.ts';

// Type-checked both ways: a code missing here, or listed here but not in the union, fails tsc.
const CODES: Record<SessionErrorCode, true> = {
  ERR_SESSION_HTTP: true,
  ERR_SESSION_UNAUTHORIZED: true,
  ERR_SESSION_FORBIDDEN: true,
  ERR_SESSION_NOT_FOUND: true,
  ERR_SESSION_ENDPOINT_NOT_FOUND: true,
  ERR_SESSION_CONNECTION: true,
  ERR_SESSION_TIMEOUT: true,
  ERR_SESSION_AUTHENTICATION: true,
  ERR_SESSION_CONFIG: true,
};

test('every exported error class has a distinct static code, equal to its instances’ code, from the union', () => {
  const classes = Object.values(errors).filter(
    (value): value is typeof errors.HttpError => typeof value === 'function' && 'code' in value,
  );
  const codes = classes.map((c) => (c as unknown as { code: string }).code);
  assert.deepEqual([...codes].sort(), Object.keys(CODES).sort());
  const context = { url: 'http://x/y', method: 'GET', service: 'compute', requestId: 'req-1' };
  const instances = [
    new errors.HttpError(500, 'boom', context),
    new errors.UnauthorizedError('no', { ...context, reauthCouldHelp: false }),
    new errors.ForbiddenError('no', context),
    new errors.NotFoundError('no', context),
    new errors.EndpointNotFoundError('service_type=x', 'nothing', context),
    new errors.ConnectionError('ECONNREFUSED', context),
    new errors.TimeoutError(5, context),
    new errors.AuthenticationError('bad', context),
    new errors.SessionConfigError('service_user', 'auth_type', 'missing'),
  ];
  for (const error of instances) {
    const ctor = error.constructor as unknown as { code: string; name: string };
    assert.equal(error.code, ctor.code);
    assert.equal(error.name, ctor.name);
    assert.ok(error instanceof errors.SessionError);
  }
  const http = instances[0] as errors.HttpError;
  assert.equal(http.message, 'GET http://x/y answered 500: boom (service compute, request id req-1)');
  assert.equal(http.service, 'compute');
  assert.equal(http.requestId, 'req-1');
});
