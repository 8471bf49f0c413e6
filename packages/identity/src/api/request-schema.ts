// Request schemas live on the routes (Fastify's `schema` option) as typebox values: ajv
// compiles each once when the app starts, so a wrong schema stops start-up, and the type
// provider types each handler's body and query. Failures read as Keystone's: it reports
// Python jsonschema's first error ("Invalid input for field 'name': 1 is not of type
// 'string'"), and clients and tests match on those messages.
//
// Converting a route: declare `schema: { body: memberBody('x', xSchemas.create) }` (and
// `querystring`, `params`) on it; add `attachValidation: true` when Keystone checks the
// token and policy first (most routes), and read the body with `validBody(request)` after
// them; without it Fastify answers the 400 before the handler runs.
import { Ajv, type ErrorObject } from 'ajv';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { Type, type Static, type TObject, type TOptional, type TSchema, type TUnsafe } from 'typebox';
import { ValidationError } from '../errors.ts';

/** Marks a body schema whose one member Keystone validates alone (see memberBody). */
const MEMBER = 'x-keystone-member';
/** A schema's own keyword order, when Keystone writes it otherwise (see keywordOrder). */
const ORDER = 'x-keyword-order';
/** Marks a schema whose every error Keystone reports (see allErrors). */
const ALL = 'x-keystone-all-errors';

/** The body `{"<key>": member}`; like Keystone, a missing key is validated as `{}`. */
export function memberBody<K extends string, S extends TSchema>(key: K, member: S): TObject<{ [P in K]: S }> {
  return Type.Object({ [key]: member } as { [P in K]: S }, { [MEMBER]: key });
}

/** The body `{"<key>": member}` where the member may be missing, and is then not validated. */
export function optionalMemberBody<K extends string, S extends TSchema>(key: K, member: S): TObject<{ [P in K]: TOptional<S> }> {
  return Type.Object({ [key]: Type.Optional(member) } as { [P in K]: TOptional<S> }, { [MEMBER]: key });
}

/**
 * A schema that allows null beside its own type, written as Keystone does: type: [t, 'null'],
 * and null added to an enum (the nullable booleans).
 */
export function nullable<S extends TSchema>(schema: S): TUnsafe<Static<S> | null> {
  const { type, enum: values } = schema as unknown as { type: string; enum?: unknown[] };
  return Type.Unsafe<Static<S> | null>({ ...schema, type: [type, 'null'], ...(values === undefined ? {} : { enum: [...values, null] }) });
}

/**
 * A schema whose keywords Keystone writes in another order than KEYWORD_ORDER (limits and
 * credentials put additionalProperties before required), so its first error is theirs.
 */
export function keywordOrder<S extends TSchema>(schema: S, order: readonly string[]): S {
  return { ...schema, [ORDER]: order };
}

/**
 * A schema Keystone checks with its own Draft4Validator instead of lazy_validate (mapping
 * rules): the 400 lists every error's message, sorted, each followed by a newline.
 */
export function allErrors<S extends TSchema>(schema: S): S {
  return { ...schema, [ALL]: true };
}

/**
 * The request's body after the handler has done what Keystone does first (401, 403):
 * throws the validation failure Fastify attached, or returns the validated body.
 */
export function validBody<R extends Pick<FastifyRequest, 'validationError'> & { body: unknown }>(request: R): R['body'] {
  if (request.validationError !== undefined) throw request.validationError;
  return request.body;
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
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`);
  return `{${entries.join(', ')}}`;
}

/**
 * jsonschema reports the first keyword that fails in schema order, depth first; ajv checks
 * keywords in its own order. Keystone writes every schema's keywords in this one order,
 * so ranking ajv's errors (all of them: allErrors) by it finds jsonschema's first.
 */
const KEYWORD_ORDER = [
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'oneOf',
];

type SchemaNode = { properties?: Record<string, SchemaNode>; items?: SchemaNode; [ORDER]?: readonly string[] };

function pointer(path: string): string[] {
  return path === '' ? [] : path.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Where jsonschema would meet the error: keyword ranks, property positions, item indexes. */
function rank(root: SchemaNode, error: ErrorObject): number[] {
  const schemaPath = pointer(error.schemaPath.replace(/^#/, ''));
  const instancePath = pointer(error.instancePath);
  const out: number[] = [];
  let node: SchemaNode | undefined = root;
  for (let i = 0, j = 0; i < schemaPath.length && node !== undefined; i++) {
    const keyword = schemaPath[i] as string;
    const keywords = node[ORDER] ?? KEYWORD_ORDER;
    const order = keywords.indexOf(keyword);
    out.push(order === -1 ? keywords.length : order);
    if (keyword === 'properties') {
      const name = schemaPath[++i] as string;
      out.push(Object.keys(node.properties ?? {}).indexOf(name));
      node = node.properties?.[name];
      j++;
    } else if (keyword === 'items') {
      out.push(Number(instancePath[j++]));
      node = node.items;
    } else break;
  }
  return out;
}

function before(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  }
  return a.length < b.length;
}

function describe(error: ErrorObject, all: readonly ErrorObject[]): string {
  const value = pyRepr(error.data);
  switch (error.keyword) {
    case 'type': {
      const types: unknown[] = Array.isArray(error.schema) ? error.schema : [error.schema];
      return `${value} is not of type ${types.map(pyRepr).join(', ')}`;
    }
    case 'enum':
      return `${value} is not one of ${pyRepr(error.schema)}`;
    case 'const':
      return `${pyRepr(error.schema)} was expected`;
    case 'minimum':
      return `${value} is less than the minimum of ${pyRepr(error.schema)}`;
    case 'maximum':
      return `${value} is greater than the maximum of ${pyRepr(error.schema)}`;
    case 'oneOf': {
      const passing = error.params.passingSchemas as number[] | null;
      if (passing === null) return `${value} is not valid under any of the given schemas`;
      const alternatives = (error.schema as unknown[]).filter((_, i) => passing.includes(i));
      return `${value} is valid under each of ${alternatives.map(pyRepr).join(', ')}`;
    }
    case 'minLength':
    case 'minItems':
      return `${value} is too short`;
    case 'maxLength':
    case 'maxItems':
      return `${value} is too long`;
    case 'pattern':
      return `${value} does not match ${pyRepr(error.schema)}`;
    case 'required':
      return `${pyRepr(error.params.missingProperty)} is a required property`;
    case 'minProperties':
      return `${value} does not have enough properties`;
    case 'maxProperties':
      return `${value} has too many properties`;
    case 'uniqueItems':
      return `${value} has non-unique elements`;
    case 'false schema':
      return `False schema does not allow ${value}`;
    case 'additionalProperties': {
      // ajv reports each extra member; jsonschema names them all, sorted, in one message.
      const extras = all
        .filter((e) => e.keyword === 'additionalProperties' && e.instancePath === error.instancePath && e.schemaPath === error.schemaPath)
        .map((e) => String(e.params.additionalProperty))
        .sort();
      return `Additional properties are not allowed (${extras.map(pyRepr).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`;
    }
    default:
      return error.message ?? 'is not valid';
  }
}

/** Keystone's SchemaValidationError for jsonschema's first error among ajv's. */
export function keystoneError(root: TSchema, all: readonly ErrorObject[]): ValidationError {
  // jsonschema reports a oneOf as one error, not its alternatives' own.
  const errors = all.filter((e) => !/\/oneOf\/\d+\//.test(e.schemaPath));
  if ((root as { [ALL]?: boolean })[ALL] === true) {
    // One message per jsonschema error: ajv reports each unexpected member on its own.
    const messages = new Map(errors.map((e) => [e.keyword === 'additionalProperties' ? `${e.instancePath} ${e.schemaPath}` : e, describe(e, errors)]));
    // Keystone sorts by str(error), which starts with the message.
    return new ValidationError([...messages.values()].sort().map((m) => `${m}\n`).join(''));
  }
  let first = errors[0] as ErrorObject;
  let firstRank = rank(root as SchemaNode, first);
  for (const error of errors.slice(1)) {
    const r = rank(root as SchemaNode, error);
    if (before(r, firstRank)) [first, firstRank] = [error, r];
  }
  const path = pointer(first.instancePath);
  const detail = describe(first, errors);
  return new ValidationError(path.length > 0 ? `Invalid input for field '${path.join('/')}': ${detail}` : detail);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Validation = (data: unknown) => { error: ValidationError } | { value: unknown } | true;

/** ajv with Keystone's strictness (no coercion, no removed members, no defaults), every error collected. */
function keystoneAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, coerceTypes: false, removeAdditional: false, useDefaults: false });
  ajv.addKeyword(ORDER);
  ajv.addKeyword(ALL);
  return ajv;
}

let valueAjv: Ajv | undefined;

/**
 * A check for a value that is neither the body nor the query (a path segment, a list the
 * handler builds), as Keystone's lazy_validate does after its own lookups; compile it when
 * the routes register, so a wrong schema still stops start-up.
 */
export function compileCheck(schema: TSchema): (value: unknown) => void {
  valueAjv ??= keystoneAjv();
  const check = valueAjv.compile(schema);
  return (value) => {
    if (!check(value)) throw keystoneError(schema, check.errors ?? []);
  };
}

/** The app's validator compiler: every error collected so the formatter can pick jsonschema's. */
export function createValidatorCompiler(): FastifySchemaCompiler<TSchema> {
  const ajv = keystoneAjv();

  return function compile({ schema }): Validation {
    const key = (schema as { [MEMBER]?: string })[MEMBER];
    if (key === undefined) {
      const check = ajv.compile(schema);
      return (data) => (check(data) ? true : { error: keystoneError(schema, check.errors ?? []) });
    }
    const member = (schema as unknown as TObject).properties[key] as TSchema;
    const optional = !((schema as TObject).required ?? []).includes(key);
    const check = ajv.compile(member);
    return (data) => {
      const present = isObject(data) && key in data;
      if (!present && optional) return true;
      const value = present ? data[key] : {};
      if (!check(value)) return { error: keystoneError(member, check.errors ?? []) };
      return present ? true : { value: { ...(isObject(data) ? data : {}), [key]: value } };
    };
  };
}

/** Flask's request.args.get: one value per name, the first when a name repeats. */
export function parseQueryString(text: string): Record<string, string> {
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  if (text === '') return query;
  for (const [name, value] of new URLSearchParams(text)) {
    if (!(name in query)) query[name] = value;
  }
  return query;
}
