// Keystone's request schemas as data (keystone/{resource,identity,assignment,catalog,
// application_credential}/schema.py), in their own key order, since the first failing
// keyword decides the message.
import type { Schema } from './validate.ts';

type Properties = Record<string, Schema>;

const boolean: Schema = { type: 'boolean', enum: [true, false] };
const description: Schema = { type: ['string', 'null'] };
const idString: Schema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' };
const nullableId: Schema = { ...idString, type: ['string', 'null'] };
const name64: Schema = { type: 'string', minLength: 1, maxLength: 64, pattern: '[\\S]+' };
const name255: Schema = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' };
const tag: Schema = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^,/]*$' };
const tags: Schema = { type: 'array', items: tag, maxItems: 80, uniqueItems: true };

/** PUT /v3/projects/{id}/tags takes `list`; PUT …/tags/{tag} checks its tag against `one`. */
export const projectTagSchemas = { one: tag, list: tags };

function createAndUpdate(properties: Properties, required: string[]): { create: Schema; update: Schema } {
  return {
    create: { type: 'object', properties, required, additionalProperties: true },
    update: { type: 'object', properties, minProperties: 1, additionalProperties: true },
  };
}

export const domainSchemas = createAndUpdate({ description, enabled: boolean, name: name64, tags }, ['name']);

export const projectSchemas = createAndUpdate(
  { description, domain_id: nullableId, enabled: boolean, is_domain: boolean, parent_id: nullableId, name: name64, tags },
  ['name'],
);

export const userSchemas = createAndUpdate(
  {
    default_project_id: nullableId,
    description,
    domain_id: idString,
    enabled: boolean,
    name: name255,
    password: { type: ['string', 'null'] },
  },
  ['name'],
);

export const groupSchemas = createAndUpdate({ description, domain_id: idString, name: name255 }, ['name']);

export const passwordChangeSchema: Schema = {
  type: 'object',
  properties: { original_password: { type: 'string' }, password: { type: 'string' } },
  required: ['original_password', 'password'],
  additionalProperties: false,
};

export const roleSchemas = createAndUpdate(
  { name: { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' }, description: { type: 'string' } },
  ['name'],
);

export const regionSchemas = {
  create: {
    type: 'object',
    properties: { description, id: { type: 'string' }, parent_region_id: { type: ['string', 'null'] } },
    additionalProperties: true,
  },
  update: {
    type: 'object',
    properties: { description, id: { type: 'string' }, parent_region_id: { type: ['string', 'null'] } },
    minProperties: 1,
    additionalProperties: true,
  },
} satisfies Record<string, Schema>;

export const serviceSchemas = createAndUpdate(
  { enabled: boolean, name: name255, type: { type: 'string', minLength: 1, maxLength: 255 } },
  ['type'],
);

export const endpointSchemas = createAndUpdate(
  {
    enabled: boolean,
    interface: { type: 'string', enum: ['admin', 'internal', 'public'] },
    region_id: { type: 'string' },
    region: { type: 'string' },
    service_id: { type: 'string' },
    url: { type: 'string', minLength: 0, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' },
  },
  ['interface', 'service_id', 'url'],
);

const roleRef: Schema = {
  type: 'object',
  properties: { id: idString, name: name255 },
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
};

export const applicationCredentialSchema: Schema = {
  type: 'object',
  properties: {
    name: name255,
    description,
    secret: { type: ['null', 'string'] },
    expires_at: { type: ['null', 'string'] },
    roles: { type: 'array', items: roleRef },
    unrestricted: boolean,
  },
  required: ['name'],
  additionalProperties: true,
};

// keystone/limit/schema.py
const limitValue: Schema = { type: 'integer', minimum: -1, maximum: 0x7fffffff };
const resourceName: Schema = { type: 'string', minLength: 1, maxLength: 255 };
const registeredLimitProperties: Properties = {
  service_id: idString,
  region_id: { type: ['null', 'string'] },
  resource_name: resourceName,
  default_limit: limitValue,
  description,
};

export const registeredLimitSchemas = {
  create: {
    type: 'array',
    items: {
      type: 'object',
      properties: registeredLimitProperties,
      additionalProperties: false,
      required: ['service_id', 'resource_name', 'default_limit'],
    },
    minItems: 1,
  },
  update: { type: 'object', properties: registeredLimitProperties, additionalProperties: false },
} satisfies Record<string, Schema>;

const limitOwnerProperties = (owner: 'project_id' | 'domain_id'): Properties => ({
  [owner]: idString,
  service_id: idString,
  region_id: { type: 'string' },
  resource_name: resourceName,
  resource_limit: limitValue,
  description,
});

export const limitSchemas = {
  create: {
    type: 'array',
    items: {
      type: 'object',
      oneOf: (['project_id', 'domain_id'] as const).map((owner) => ({
        properties: limitOwnerProperties(owner),
        required: [owner, 'service_id', 'resource_name', 'resource_limit'],
        additionalProperties: false,
      })),
    },
    minItems: 1,
  },
  update: {
    type: 'object',
    properties: { resource_limit: limitValue, description },
    additionalProperties: false,
  },
} satisfies Record<string, Schema>;

// keystone/policy/schema.py
export const policySchemas = createAndUpdate(
  { blob: { type: 'string' }, type: { type: 'string', maxLength: 255 } },
  ['blob', 'type'],
);
