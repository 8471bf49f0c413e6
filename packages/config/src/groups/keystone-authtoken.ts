// [keystone_authtoken]: what a service reads to validate the tokens it receives (the options of
// keystonemiddleware's auth_token, same names and defaults), consumed by @baton/auth-token.
import { defineGroup } from '../group.ts';
import { boolOpt, floatOpt, intOpt, listOpt, strOpt, uriOpt } from '../opts.ts';

export const keystoneAuthtokenGroup = defineGroup('keystone_authtoken', {
  help: "Validation of incoming tokens by a service's auth_token middleware, and the service's own credentials.",
  options: {
    www_authenticate_uri: uriOpt({
      default: null,
      schemes: ['http', 'https'],
      deprecatedName: 'auth_uri',
      help:
        'Public identity endpoint sent to rejected clients as WWW-Authenticate: Keystone uri="…". ' +
        'When unset, auth_url is used.',
    }),
    auth_type: strOpt({
      default: 'password',
      choices: ['password'],
      deprecatedName: 'auth_plugin',
      help: "How the middleware authenticates itself to identity. Only 'password' is supported.",
    }),
    auth_url: uriOpt({
      default: null,
      required: true,
      schemes: ['http', 'https'],
      help: 'Identity API endpoint the middleware authenticates to and validates tokens at, e.g. http://127.0.0.1:5000/v3.',
    }),
    username: strOpt({ default: null, help: "The service user's name (give user_id or username)." }),
    user_id: strOpt({ default: null, help: "The service user's ID." }),
    password: strOpt({ default: null, secret: true, help: "The service user's password." }),
    user_domain_name: strOpt({ default: null, help: "Name of the service user's domain (with username)." }),
    user_domain_id: strOpt({ default: null, help: "ID of the service user's domain (with username)." }),
    project_name: strOpt({ default: null, help: 'Project the service token is scoped to.' }),
    project_id: strOpt({ default: null, help: 'ID of the project the service token is scoped to.' }),
    project_domain_name: strOpt({ default: null, help: "Name of the project's domain (with project_name)." }),
    project_domain_id: strOpt({ default: null, help: "ID of the project's domain (with project_name)." }),
    interface: strOpt({
      default: 'internal',
      choices: ['public', 'internal', 'admin'],
      help: "Catalog interface of the identity endpoint used for validation; auth_url is used when the service's catalog has none.",
    }),
    region_name: strOpt({ default: null, help: 'Region of the identity endpoint used for validation.' }),
    http_connect_timeout: floatOpt({
      default: null,
      min: 0.001,
      help:
        'Seconds to wait for identity before answering 503. Unset means 30 s: unlike keystonemiddleware, ' +
        'Baton never waits for ever.',
    }),
    http_request_max_retries: intOpt({
      default: 3,
      min: 0,
      help: 'How many times a validation call is retried when identity cannot be reached.',
    }),
    delay_auth_decision: boolOpt({
      default: false,
      help:
        'Pass requests without a valid token on to the service (X-Identity-Status: Invalid) instead of ' +
        'answering 401, so the service decides.',
    }),
    include_service_catalog: boolOpt({
      default: true,
      help: "Ask identity for the user token's catalog and pass it on as X-Service-Catalog.",
    }),
    service_token_roles: listOpt({
      default: ['service'],
      help:
        'A service token (X-Service-Token) is treated as coming from a service when it carries any of these ' +
        'roles; only then is an expired user token accepted within the allow_expired window.',
    }),
    service_token_roles_required: boolOpt({
      default: true,
      help:
        'Reject requests whose service token carries none of service_token_roles (the default, as in ' +
        'keystonemiddleware 13.0.0 and later). False restores the old behaviour, where any valid token sent as ' +
        'X-Service-Token lets an expired user token through; it logs a warning at start-up.',
    }),
    service_type: strOpt({
      default: null,
      help:
        'The type of this service as it appears in the service catalog (e.g. compute). Tokens of application ' +
        'credentials restricted by access rules are checked against the rules naming this type; while it is unset ' +
        "such tokens are refused. Baton's cloud services use their own type when it is unset.",
    }),
    token_cache_time: intOpt({
      default: 300,
      min: -1,
      help:
        'Seconds a validation result is cached; -1 turns caching off. An entry never outlives the token ' +
        '(nor, for allow_expired validations, its allow_expired window).',
    }),
    allow_expired_window: intOpt({
      default: 172800,
      min: 0,
      help:
        "Baton only: identity's [token] allow_expired_window, used to cap how long an allow_expired " +
        "validation stays cached. Keep it no larger than identity's value.",
    }),
    memcached_servers: listOpt({
      default: null,
      deprecatedName: 'memcache_servers',
      help:
        'Shared validation cache: memcached servers as host:port, or one Redis URL (redis://host:port/db). ' +
        'Unset means an in-process cache.',
    }),
    memcache_pool_socket_timeout: intOpt({
      default: 3,
      min: 1,
      help: 'Seconds to wait for the cache server before falling back to asking identity.',
    }),
  },
});
