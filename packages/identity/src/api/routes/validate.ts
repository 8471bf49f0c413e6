// Request bodies and query strings of the CRUD API, checked the way Keystone checks them:
// its JSON schemas (keystone/*/schema.py) are plain data here, and failures read as
// Python jsonschema words them ("Invalid input for field 'name': 1 is not of type
// 'string'"), because clients and tests match on those messages.
import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors.ts';

export type Json = Record<string, unknown>;
export type Query = Record<string, string | undefined>;

type JsonType = 'string' | 'boolean' | 'object' | 'array' | 'null' | 'integer' | 'number';

/** The subset of JSON Schema (draft 4) Keystone's request schemas use. */
export interface Schema {
  type?: JsonType | readonly JsonType[];
  properties?: Readonly<Record<string, Schema>>;
  required?: readonly string[];
  minProperties?: number;
  maxProperties?: number;
  additionalProperties?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: readonly unknown[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  /** Exactly one of the alternatives must hold. */
  oneOf?: readonly Schema[];
}

/** Python's repr(), which jsonschema puts in every message. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const body = value
      .replaceAll('\\', '\\\\')
      .replaceAll('\n', '\\n')
      .replaceAll('\r', '\\r')
      .replaceAll('\t', '\\t');
    return quote + (quote === "'" ? body.replaceAll("'", "\\'") : body) + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  const entries = Object.entries(value as Json).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`);
  return `{${entries.join(', ')}}`;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The first failure, as jsonschema finds it: keywords in schema order, depth first. */
function firstError(value: unknown, schema: Schema, path: string[]): { path: string[]; message: string } | null {
  for (const keyword of Object.keys(schema) as (keyof Schema)[]) {
    const fail = (message: string) => ({ path, message });
    switch (keyword) {
      case 'type': {
        const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
        if (!types.some((t) => hasType(value, t))) {
          return fail(`${pyRepr(value)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`);
        }
        break;
      }
      case 'enum':
        if (!(schema.enum ?? []).some((e) => same(e, value))) return fail(`${pyRepr(value)} is not one of ${pyRepr(schema.enum)}`);
        break;
      case 'minLength':
        if (typeof value === 'string' && [...value].length < (schema.minLength ?? 0)) return fail(`${pyRepr(value)} is too short`);
        break;
      case 'maxLength':
        if (typeof value === 'string' && [...value].length > (schema.maxLength ?? Infinity)) return fail(`${pyRepr(value)} is too long`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(schema.pattern ?? '', 'u').test(value)) {
          return fail(`${pyRepr(value)} does not match ${pyRepr(schema.pattern)}`);
        }
        break;
      case 'properties':
        if (isObject(value)) {
          for (const [name, sub] of Object.entries(schema.properties ?? {})) {
            if (!(name in value)) continue;
            const error = firstError(value[name], sub, [...path, name]);
            if (error !== null) return error;
          }
        }
        break;
      case 'required':
        if (isObject(value)) {
          const missing = (schema.required ?? []).find((name) => !(name in value));
          if (missing !== undefined) return fail(`${pyRepr(missing)} is a required property`);
        }
        break;
      case 'minProperties':
        if (isObject(value) && Object.keys(value).length < (schema.minProperties ?? 0)) {
          return fail(`${pyRepr(value)} does not have enough properties`);
        }
        break;
      case 'maxProperties':
        if (isObject(value) && Object.keys(value).length > (schema.maxProperties ?? Infinity)) {
          return fail(`${pyRepr(value)} has too many properties`);
        }
        break;
      case 'additionalProperties':
        if (isObject(value) && schema.additionalProperties === false) {
          const extras = Object.keys(value).filter((k) => !(k in (schema.properties ?? {}))).sort();
          if (extras.length > 0) {
            const verb = extras.length === 1 ? 'was' : 'were';
            return fail(`Additional properties are not allowed (${extras.map((e) => pyRepr(e)).join(', ')} ${verb} unexpected)`);
          }
        }
        break;
      case 'items':
        if (Array.isArray(value)) {
          for (const [index, item] of value.entries()) {
            const error = firstError(item, schema.items ?? {}, [...path, String(index)]);
            if (error !== null) return error;
          }
        }
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < (schema.minItems ?? 0)) return fail(`${pyRepr(value)} is too short`);
        break;
      case 'minimum':
        if (typeof value === 'number' && value < (schema.minimum ?? -Infinity)) {
          return fail(`${pyRepr(value)} is less than the minimum of ${pyRepr(schema.minimum)}`);
        }
        break;
      case 'maximum':
        if (typeof value === 'number' && value > (schema.maximum ?? Infinity)) {
          return fail(`${pyRepr(value)} is greater than the maximum of ${pyRepr(schema.maximum)}`);
        }
        break;
      case 'oneOf': {
        const holding = (schema.oneOf ?? []).filter((alternative) => firstError(value, alternative, path) === null).length;
        if (holding === 0) return fail(`${pyRepr(value)} is not valid under any of the given schemas`);
        if (holding > 1) return fail(`${pyRepr(value)} is valid under more than one of the given schemas`);
        break;
      }
      case 'maxItems':
        if (Array.isArray(value) && value.length > (schema.maxItems ?? Infinity)) return fail(`${pyRepr(value)} is too long`);
        break;
      case 'uniqueItems':
        if (Array.isArray(value) && schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
          return fail(`${pyRepr(value)} has non-unique elements`);
        }
        break;
    }
  }
  return null;
}

/** Throws Keystone's SchemaValidationError message (without jsonschema's schema dump). */
export function validate(value: unknown, schema: Schema): void {
  const error = firstError(value, schema, []);
  if (error === null) return;
  const message = error.path.length > 0 ? `Invalid input for field '${error.path.join('/')}': ${error.message}` : error.message;
  throw new ValidationError(message);
}

/**
 * The entity under `key` in the request body, validated. Like Keystone, a missing key
 * counts as an empty object, so `{"projet": …}` fails on the schema's required name.
 */
export function readMember(body: unknown, key: string, schema: Schema): Json {
  const member = isObject(body) && key in body ? body[key] : {};
  validate(member, schema);
  return member as Json;
}

/** The list under `key` in the request body, validated (a missing key counts as `{}`, as in Keystone). */
export function readList(body: unknown, key: string, schema: Schema): Json[] {
  const list = isObject(body) && key in body ? body[key] : {};
  validate(list, schema);
  return list as Json[];
}

/** PATCH bodies may repeat the id but never change it (keystone _require_matching_id). */
export function requireMatchingId(member: Json, id: string): void {
  if ('id' in member && member.id !== id) throw new ValidationError('Cannot change ID');
}

/** Members of `member` that are not named in `known`: Keystone stores those as extra attributes. */
export function extraAttributes(member: Json, known: readonly string[]): Json {
  return Object.fromEntries(Object.entries(member).filter(([k]) => k !== 'id' && !known.includes(k)));
}

/** The query string, one value per name (the first, as Flask's request.args.get does). */
export function queryOf(request: FastifyRequest): Query {
  const out: Query = {};
  for (const [name, value] of Object.entries(request.query as Record<string, string | string[] | undefined>)) {
    out[name] = Array.isArray(value) ? value[0] : value;
  }
  return out;
}

/** Keystone's query_filter_is_true: present and not exactly '0' (so `?effective` counts). */
export function queryFlag(query: Query, name: string): boolean {
  const value = query[name];
  return value !== undefined && value !== '0';
}

/** The ?enabled filter: Keystone treats anything but false-ish strings as true. */
export function enabledFilter(query: Query): boolean | undefined {
  const value = query.enabled;
  if (value === undefined) return undefined;
  return !['0', 'f', 'false', 'off', 'n', 'no'].includes(value.trim().toLowerCase());
}

/** The request path after /v3/, with its query string, as Keystone's links.self has it. */
export function selfPath(request: FastifyRequest): string {
  return request.url.replace(/^\/v3\/?/, '');
}
