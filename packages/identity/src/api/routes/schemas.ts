// Keystone's request schemas as typebox values (keystone/{resource,identity,assignment,
// catalog,application_credential,auth,limit,policy}/schema.py), declared on the routes. Properties keep
// Keystone's order, since the first failing property decides the message; members not
// listed are allowed, as Keystone stores them as extra attributes.
import { Type, type Static, type TObject, type TProperties } from 'typebox';
import { keywordOrder, nullable } from '../request-schema.ts';

const boolean = Type.Boolean({ enum: [true, false] });
const description = nullable(Type.String());
const idString = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' });
const nullableId = nullable(idString);
const name64 = Type.String({ minLength: 1, maxLength: 64, pattern: '[\\S]+' });
const name255 = Type.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' });
const tag = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^,/]*$' });
const tags = Type.Array(tag, { maxItems: 80, uniqueItems: true });

/** PUT /v3/projects/{id}/tags takes `list`; PUT …/tags/{tag} checks its tag against `one`. */
export const projectTagSchemas = { one: tag, list: tags };

/** Create requires `required`'s members; update takes any of them, at least one. */
function createAndUpdate<P extends TProperties>(create: TObject<P>) {
  return { create, update: Type.Partial(create, { minProperties: 1 }) };
}

export const domainSchemas = createAndUpdate(
  Type.Object({ description: Type.Optional(description), enabled: Type.Optional(boolean), name: name64, tags: Type.Optional(tags) }),
);

export const projectSchemas = createAndUpdate(
  Type.Object({
    description: Type.Optional(description),
    domain_id: Type.Optional(nullableId),
    enabled: Type.Optional(boolean),
    is_domain: Type.Optional(boolean),
    parent_id: Type.Optional(nullableId),
    name: name64,
    tags: Type.Optional(tags),
  }),
);

export const userSchemas = createAndUpdate(
  Type.Object({
    default_project_id: Type.Optional(nullableId),
    description: Type.Optional(description),
    domain_id: Type.Optional(idString),
    enabled: Type.Optional(boolean),
    name: name255,
    password: Type.Optional(nullable(Type.String())),
  }),
);

export const groupSchemas = createAndUpdate(
  Type.Object({ description: Type.Optional(description), domain_id: Type.Optional(idString), name: name255 }),
);

export const passwordChangeSchema = Type.Object(
  { original_password: Type.String(), password: Type.String() },
  { additionalProperties: false },
);

export const roleSchemas = createAndUpdate(
  Type.Object({ name: name255, description: Type.Optional(Type.String()) }),
);

const regionCreate = Type.Object({
  description: Type.Optional(description),
  id: Type.Optional(Type.String()),
  parent_region_id: Type.Optional(nullable(Type.String())),
});
export const regionSchemas = { create: regionCreate, update: Type.Object(regionCreate.properties, { minProperties: 1 }) };

export const serviceSchemas = createAndUpdate(
  Type.Object({
    enabled: Type.Optional(boolean),
    name: Type.Optional(name255),
    type: Type.String({ minLength: 1, maxLength: 255 }),
  }),
);

export const endpointSchemas = createAndUpdate(
  Type.Object({
    enabled: Type.Optional(boolean),
    interface: Type.Unsafe<'admin' | 'internal' | 'public'>({ type: 'string', enum: ['admin', 'internal', 'public'] }),
    region_id: Type.Optional(Type.String()),
    region: Type.Optional(Type.String()),
    service_id: Type.String(),
    url: Type.String({ minLength: 0, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' }),
  }),
);

const roleRef = Type.Object(
  { id: Type.Optional(idString), name: Type.Optional(name255) },
  { minProperties: 1, maxProperties: 1, additionalProperties: false },
);

// Written null-first in Keystone, which shows in the message ("is not of type 'null', 'string'").
const nullOrString = Type.Unsafe<string | null>({ type: ['null', 'string'] });

// keystone/application_credential/schema.py: a rule names a service, path and method, or an existing rule's id.
const accessRule = Type.Object(
  {
    path: Type.Optional(Type.String({ minLength: 0, maxLength: 225, pattern: '^\\/.*' })),
    method: Type.Optional(Type.String({ pattern: '^(POST|GET|HEAD|PATCH|PUT|DELETE)$' })),
    service: Type.Optional(idString),
    id: Type.Optional(idString),
  },
  { additionalProperties: false },
);

export const applicationCredentialSchema = Type.Object({
  name: name255,
  description: Type.Optional(description),
  secret: Type.Optional(nullOrString),
  expires_at: Type.Optional(nullOrString),
  roles: Type.Optional(Type.Array(roleRef)),
  unrestricted: Type.Optional(boolean),
  access_rules: Type.Optional(Type.Array(accessRule)),
});

const idOrName = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) });
const scopeObject = Type.Object({
  project: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), id: Type.Optional(Type.String()), domain: Type.Optional(idOrName) })),
  domain: Type.Optional(idOrName),
  'OS-TRUST:trust': Type.Optional(Type.Object({ id: Type.Optional(Type.String()) })),
  system: Type.Optional(Type.Object({ all: Type.Optional(boolean) })),
});

/** POST /v3/auth/tokens's `auth` (keystone/auth/schema.py token_issue); core.py's checks follow in readAuthBody. */
export const tokenIssueSchema = Type.Object({
  identity: Type.Object({
    methods: Type.Array(Type.String()),
    password: Type.Optional(
      Type.Object({
        user: Type.Optional(
          Type.Object({
            id: Type.Optional(Type.String()),
            name: Type.Optional(Type.String()),
            password: Type.Optional(Type.String()),
            domain: Type.Optional(idOrName),
          }),
        ),
      }),
    ),
    token: Type.Optional(Type.Object({ id: Type.String() })),
  }),
  // A string ('unscoped') too, as old keystoneauth sends it.
  scope: Type.Optional(Type.Unsafe<string | Static<typeof scopeObject>>({ ...scopeObject, type: ['object', 'string'] })),
});

// keystone/limit/schema.py: its objects check additionalProperties before required.
const limitKeywords = ['type', 'properties', 'additionalProperties', 'required'];
const limitValue = Type.Integer({ minimum: -1, maximum: 0x7fffffff });
const resourceName = Type.String({ minLength: 1, maxLength: 255 });
const registeredLimit = Type.Object(
  {
    service_id: idString,
    region_id: Type.Optional(nullOrString),
    resource_name: resourceName,
    default_limit: limitValue,
    description: Type.Optional(description),
  },
  { additionalProperties: false },
);

export const registeredLimitSchemas = {
  create: Type.Array(keywordOrder(registeredLimit, limitKeywords), { minItems: 1 }),
  update: Type.Partial(registeredLimit, { additionalProperties: false }),
};

const limitMembers = {
  service_id: idString,
  region_id: Type.Optional(Type.String()),
  resource_name: resourceName,
  resource_limit: limitValue,
  description: Type.Optional(description),
};
const projectLimit = Type.Object({ project_id: idString, ...limitMembers }, { additionalProperties: false });
const domainLimit = Type.Object({ domain_id: idString, ...limitMembers }, { additionalProperties: false });
// Keystone's item is {type: object, oneOf: [project limit, domain limit]}.
const limitItem = Type.Unsafe<Static<typeof projectLimit> | Static<typeof domainLimit>>({ type: 'object', oneOf: [projectLimit, domainLimit] });

export const limitSchemas = {
  create: Type.Array(limitItem, { minItems: 1 }),
  update: Type.Object(
    { resource_limit: Type.Optional(limitValue), description: Type.Optional(description) },
    { additionalProperties: false },
  ),
};

// keystone/policy/schema.py
export const policySchemas = createAndUpdate(Type.Object({ blob: Type.String(), type: Type.String({ maxLength: 255 }) }));
