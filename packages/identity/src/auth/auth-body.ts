// Reading POST /v3/auth/tokens bodies (keystone/auth/schema.py, keystone/auth/core.py):
// the checks Keystone makes, with its messages, turned into typed requests.
import { ValidationError } from '../errors.ts';

const CLIENT_ERROR =
  ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

export function expecting(attribute: string, target: string): ValidationError {
  return new ValidationError(`Expecting to find ${attribute} in ${target}.${CLIENT_ERROR}`);
}

/** Keystone's SchemaValidationError: the detail alone, without the client-error suffix. */
export function invalidField(field: string, detail: string): ValidationError {
  return new ValidationError(`Invalid input for field '${field}': ${detail}`);
}

/** A reference by id, or by name within a domain (itself by id or name). */
export type NamedRef = { id: string } | { name: string; domain: { id: string } | { name: string } };

export type ScopeRequest =
  | { kind: 'none' }
  | { kind: 'unscoped' }
  | { kind: 'project'; ref: NamedRef }
  | { kind: 'domain'; ref: { id: string } | { name: string } }
  | { kind: 'system' }
  | { kind: 'trust'; id: string };

export interface PasswordRequest {
  user: NamedRef;
  password: string;
}

export type ApplicationCredentialRequest =
  | { id: string; secret: string }
  | { name: string; secret: string; user: NamedRef };

export interface AuthRequest {
  methods: string[];
  password?: PasswordRequest;
  token?: { id: string };
  applicationCredential?: ApplicationCredentialRequest;
  /** The oauth1 method: its proof is the request's signed Authorization header, not the body. */
  oauth1?: true;
  scope: ScopeRequest;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, field: string): Json {
  if (!isObject(value)) throw invalidField(field, `${JSON.stringify(value) ?? 'null'} is not of type 'object'`);
  return value;
}

function optionalString(parent: Json, key: string, field: string): string | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidField(`${field}/${key}`, `${JSON.stringify(value)} is not of type 'string'`);
  return value;
}

function idOrName(value: unknown, field: string): { id: string } | { name: string } {
  const obj = object(value, field);
  const id = optionalString(obj, 'id', field);
  if (id !== undefined) return { id };
  const name = optionalString(obj, 'name', field);
  if (name !== undefined) return { name };
  throw new ValidationError(`Invalid input for field ${field}: id or name must be present.`);
}

function namedRef(value: unknown, field: string, what: string): NamedRef {
  const obj = object(value, field);
  const ref = idOrName(obj, field);
  if ('id' in ref) return ref;
  if (obj.domain === undefined) throw expecting('domain', what);
  return { name: ref.name, domain: idOrName(obj.domain, `${field}/domain`) };
}

function readScope(raw: unknown): ScopeRequest {
  if (raw === undefined) return { kind: 'none' };
  if (raw === 'unscoped') return { kind: 'unscoped' };
  if (typeof raw === 'string') throw invalidField('scope', `'${raw}' is not one of ['unscoped']`);
  const scope = object(raw, 'scope');
  const keys = Object.keys(scope);
  if (keys.length !== 1) {
    throw new ValidationError(`Specify one of: project, domain, system or unscoped.${CLIENT_ERROR}`);
  }
  if ('unscoped' in scope) return { kind: 'unscoped' };
  // Any system object means the whole system, as in Keystone.
  if ('system' in scope) {
    object(scope.system, 'scope/system');
    return { kind: 'system' };
  }
  if ('project' in scope) return { kind: 'project', ref: namedRef(scope.project, 'scope/project', 'project') };
  if ('domain' in scope) return { kind: 'domain', ref: idOrName(scope.domain, 'scope/domain') };
  if ('OS-TRUST:trust' in scope) {
    const id = optionalString(object(scope['OS-TRUST:trust'], 'scope/OS-TRUST:trust'), 'id', 'scope/OS-TRUST:trust');
    if (id === undefined || id === '') throw expecting('trust_id', 'trust');
    return { kind: 'trust', id };
  }
  throw invalidField('scope', `unknown scope ${JSON.stringify(keys[0])}`);
}

/** Parses the JSON body of POST /v3/auth/tokens. */
export function readAuthBody(body: unknown): AuthRequest {
  if (!isObject(body) || !('auth' in body)) throw expecting('auth', 'request body');
  const auth = object(body.auth, 'auth');
  if (auth.identity === undefined) throw expecting('identity', 'auth');
  const identity = object(auth.identity, 'identity');
  const rawMethods = identity.methods;
  if (rawMethods === undefined) throw expecting('methods', 'identity');
  if (!Array.isArray(rawMethods) || rawMethods.some((m) => typeof m !== 'string')) {
    throw invalidField('identity/methods', `${JSON.stringify(rawMethods)} is not of type 'array' of strings`);
  }
  const methods = [...new Set(rawMethods as string[])];
  const request: AuthRequest = { methods, scope: readScope(auth.scope) };
  for (const method of methods) {
    if (identity[method] === undefined) throw expecting(method, 'identity');
  }
  if (methods.includes('password')) {
    const password = object(identity.password, 'identity/password');
    if (password.user === undefined) throw expecting('user', 'password');
    const user = object(password.user, 'identity/password/user');
    const secret = optionalString(user, 'password', 'identity/password/user');
    if (secret === undefined) throw expecting('password', 'user');
    request.password = { user: namedRef(user, 'identity/password/user', 'user'), password: secret };
  }
  if (methods.includes('token')) {
    const token = object(identity.token, 'identity/token');
    const id = optionalString(token, 'id', 'identity/token');
    if (id === undefined) throw expecting('id', 'token');
    request.token = { id };
  }
  if (methods.includes('application_credential')) {
    const cred = object(identity.application_credential, 'identity/application_credential');
    const secret = optionalString(cred, 'secret', 'identity/application_credential');
    if (secret === undefined) throw expecting('secret', 'application_credential');
    const id = optionalString(cred, 'id', 'identity/application_credential');
    if (id !== undefined) request.applicationCredential = { id, secret };
    else {
      const name = optionalString(cred, 'name', 'identity/application_credential');
      if (name === undefined) throw expecting('id or name', 'application_credential');
      if (cred.user === undefined) throw expecting('user', 'application_credential');
      request.applicationCredential = { name, secret, user: namedRef(cred.user, 'identity/application_credential/user', 'user') };
    }
  }
  if (methods.includes('oauth1')) {
    object(identity.oauth1, 'identity/oauth1');
    request.oauth1 = true;
  }
  return request;
}
