// Keystone's request schemas as typebox values (keystone/{resource,identity,assignment,
// catalog,application_credential,auth,limit,policy}/schema.py), declared on the routes. Properties keep
// Keystone's order, since the first failing property decides the message; members not
// listed are allowed, as Keystone stores them as extra attributes.
import { Type, type Static, type TObject, type TProperties } from 'typebox';
import { allErrors, keywordOrder, nullable } from '../request-schema.ts';

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

/** ROLE_OPTIONS_REGISTRY.json_schema: every registered option, each nullable (null removes it). */
const roleOptions = Type.Object({ immutable: Type.Optional(nullable(boolean)) }, { additionalProperties: false });

export const roleSchemas = createAndUpdate(
  Type.Object({ name: name255, description: Type.Optional(Type.String()), options: Type.Optional(roleOptions) }),
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

// keystone/federation/schema.py
// Keystone has no maxLength here; its remote_id column is String(255), which PostgreSQL enforces.
const remoteIds = Type.Unsafe<string[] | null>({ type: ['array', 'null'], items: { type: 'string', maxLength: 255 }, uniqueItems: true });
const authorizationTtl = nullable(Type.Integer({ minimum: 0 }));
const identityProviderUpdate = {
  enabled: Type.Optional(boolean),
  description: Type.Optional(description),
  authorization_ttl: Type.Optional(authorizationTtl),
  remote_ids: Type.Optional(remoteIds),
};
export const identityProviderSchemas = {
  create: Type.Object(
    {
      enabled: Type.Optional(boolean),
      description: Type.Optional(description),
      domain_id: Type.Optional(nullableId),
      authorization_ttl: Type.Optional(authorizationTtl),
      remote_ids: Type.Optional(remoteIds),
    },
    { additionalProperties: false },
  ),
  update: Type.Object(identityProviderUpdate, { minProperties: 1, additionalProperties: false }),
};

const protocolProperties = {
  mapping_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-_]+$' }),
  remote_id_attribute: Type.Optional(Type.String({ maxLength: 64 })),
};
export const protocolSchemas = {
  create: Type.Object(protocolProperties, { additionalProperties: false }),
  update: Type.Partial(Type.Object(protocolProperties), { minProperties: 1, additionalProperties: false }),
};

const url = Type.String({ minLength: 0, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' });
const serviceProviderProperties = {
  auth_url: url,
  sp_url: url,
  description: Type.Optional(description),
  enabled: Type.Optional(boolean),
  relay_state_prefix: Type.Optional(description),
};
export const serviceProviderSchemas = {
  create: Type.Object(serviceProviderProperties, { additionalProperties: false }),
  update: Type.Partial(Type.Object(serviceProviderProperties), { minProperties: 1, additionalProperties: false }),
};

// keystone/federation/utils.py MAPPING_SCHEMA, its $refs written out so that a oneOf's
// alternatives stay beneath it. Keystone reports every error of it, not the first.
const strings = (...names: string[]) => Object.fromEntries(names.map((name) => [name, { type: 'string' }]));
const mappingDomain = { type: 'object', properties: strings('id', 'name'), additionalProperties: false };
const remoteMatch = (kind: string) => ({
  type: 'object',
  additionalProperties: false,
  required: ['type', kind],
  properties: { type: { type: 'string' }, [kind]: { type: 'array' }, regex: { type: 'boolean' } },
});
const localRule = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user: {
      type: 'object',
      properties: { ...strings('id', 'name', 'email'), domain: mappingDomain, type: { type: 'string', enum: ['ephemeral', 'local'] } },
      additionalProperties: false,
    },
    projects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'roles'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          // Keystone's role schema puts additionalProperties among the properties: a role with a
          // member of that name is refused, other members are allowed.
          roles: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, additionalProperties: false } } },
        },
      },
    },
    group: {
      type: 'object',
      oneOf: [
        { type: 'object', properties: strings('id'), additionalProperties: false, required: ['id'] },
        { type: 'object', properties: { name: { type: 'string' }, domain: mappingDomain }, additionalProperties: false, required: ['name', 'domain'] },
      ],
    },
    groups: { type: 'string' },
    group_ids: { type: 'string' },
    domain: mappingDomain,
  },
};
export const mappingSchema = allErrors(
  Type.Unsafe<{ rules: unknown[] }>({
    type: 'object',
    required: ['rules'],
    properties: {
      rules: {
        minItems: 1,
        type: 'array',
        items: {
          type: 'object',
          required: ['local', 'remote'],
          additionalProperties: false,
          properties: {
            local: { type: 'array', items: localRule },
            remote: {
              minItems: 1,
              type: 'array',
              items: {
                type: 'object',
                oneOf: [
                  { type: 'object', required: ['type'], properties: { type: { type: 'string' } }, additionalProperties: false },
                  remoteMatch('any_one_of'),
                  remoteMatch('not_any_of'),
                  remoteMatch('blacklist'),
                  remoteMatch('whitelist'),
                ],
              },
            },
          },
        },
      },
    },
  }),
);
// keystone/credential/schema.py: an ec2 credential needs a project; the others may have one.
const credentialString = { type: 'string' } as const;
export const credentialSchemas = {
  create: Type.Unsafe<{ blob: string; project_id?: string; type: string; user_id: string } & Record<string, unknown>>({
    type: 'object',
    properties: { blob: credentialString, project_id: credentialString, type: credentialString, user_id: credentialString },
    oneOf: [
      { type: 'object', title: 'ec2 credential requires project_id', required: ['blob', 'type', 'user_id', 'project_id'], properties: { type: { enum: ['ec2'] } } },
      { type: 'object', title: 'non-ec2 credential does not require project_id', required: ['blob', 'type', 'user_id'], properties: { type: { not: { enum: ['ec2'] } } } },
    ],
  }),
  update: Type.Object({ blob: Type.String() }, { additionalProperties: false }),
};

/** POST /v3/users/{id}/credentials/OS-EC2: Keystone reads `tenant_id` and nothing else, unchecked. */
export const ec2CredentialCreateSchema = Type.Object({ tenant_id: Type.Optional(Type.Unknown()) });

/** POST /v3/ec2tokens: Keystone checks no schema; what the signer cannot read is a 401 (ec2-tokens.ts). */
export const ec2TokensSchema = Type.Unknown();
/** OS-OAUTH1 consumers (keystone/oauth1/schema.py): members beyond description are stored as extras; `secret` is never set. */
export const consumerSchemas = {
  create: Type.Object({ description: Type.Optional(description) }),
  update: Type.Object({ description: Type.Optional(description) }, { minProperties: 1, not: { required: ['secret'] } }),
};

/** PUT /v3/OS-OAUTH1/authorize/{id}: the roles to delegate, each by id or by name. */
export const requestTokenAuthorizeSchema = Type.Array(
  Type.Object({ id: Type.Optional(idString), name: Type.Optional(name255) }, { minProperties: 1, maxProperties: 1, additionalProperties: false }),
);
// keystone/catalog/schema.py endpoint_group_create/update: `filters` is any object here;
// the route checks its keys. Keystone requires name before filters.
const endpointGroup = Type.Object({
  description: Type.Optional(description),
  filters: Type.Unsafe<Record<string, unknown>>({ type: 'object' }),
  name: name255,
});
export const endpointGroupSchemas = {
  create: { ...endpointGroup, required: ['name', 'filters'] } as typeof endpointGroup,
  update: Type.Partial(endpointGroup, { minProperties: 1 }),
};
// Trustor and trustee ids may be LDAP identifiers, hence not idString (Keystone's external_id_string).
const externalId = Type.String({ minLength: 1, maxLength: 64 });

/** POST /v3/OS-TRUST/trusts's `trust` (keystone/trust/schema.py trust_create). */
export const trustSchema = Type.Object({
  trustor_user_id: externalId,
  trustee_user_id: externalId,
  impersonation: boolean,
  project_id: Type.Optional(nullableId),
  // Keystone sets no maximum; its database would fail on a count beyond its integer column.
  remaining_uses: Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: 2147483647 })),
  expires_at: Type.Optional(nullOrString),
  allow_redelegation: Type.Optional(Type.Unsafe<boolean | null>({ type: ['boolean', 'null'] })),
  redelegation_count: Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 0 })),
  roles: Type.Optional(Type.Array(roleRef)),
});
