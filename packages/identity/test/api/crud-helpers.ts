// Shared by the crud-*.test.ts files: authenticated inject() calls against the real app.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { adminToken, createProjectUser, issueToken, json, type TestIdentity } from '@baton/test-support';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Caller {
  (method: Method, url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  token: string;
}

export function callerWith(identity: TestIdentity, token: string): Caller {
  const call = (method: Method, url: string, payload?: unknown) =>
    identity.app.inject({
      method,
      url,
      headers: { 'x-auth-token': token, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
  return Object.assign(call, { token });
}

export async function adminCaller(identity: TestIdentity): Promise<Caller> {
  return callerWith(identity, await adminToken(identity.app));
}

/** A user holding only `member` on their own project, with a token scoped to it. */
export async function memberCaller(identity: TestIdentity, name: string): Promise<Caller & { userId: string; projectId: string }> {
  const { userId, projectId, password } = await createProjectUser(identity, name, 'member');
  const token = await issueToken(identity.app, name, password, { project: { id: projectId } });
  return Object.assign(callerWith(identity, token), { userId, projectId });
}

/** A new application credential of `owner`'s (on their token's project) and a token of it. */
export async function applicationCredentialCaller(identity: TestIdentity, owner: Caller & { userId: string }, credential: Record<string, unknown>): Promise<Caller> {
  const created = await owner('POST', `/v3/users/${owner.userId}/application_credentials`, { application_credential: credential });
  assert.equal(created.statusCode, 201, created.body);
  const { id, secret } = json(created).application_credential;
  const issued = await identity.app.inject({
    method: 'POST',
    url: '/v3/auth/tokens',
    payload: { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } },
  });
  assert.equal(issued.statusCode, 201, issued.body);
  return callerWith(identity, issued.headers['x-subject-token'] as string);
}

/** Asserts the status and the error body Keystone would send. */
export function assertError(response: LightMyRequestResponse, status: number, message: string): void {
  assert.equal(response.statusCode, status, response.body);
  const body = json(response);
  assert.equal(body.error.code, status);
  assert.equal(body.error.message, message);
}

export function forbidden(action: string): string {
  return `You are not authorized to perform the requested action: identity:${action}.`;
}

/** links.self base of the test app (inject() talks to http://localhost). */
export const BASE = 'http://localhost/v3';

export const CLIENT_ERROR =
  ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

export { json };
