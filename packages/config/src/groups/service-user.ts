// [service_user]: the credentials a service uses to send its own token beside a user's
// (nova's and cinder's group of that name: keystoneauth's session and auth-plugin options
// plus send_service_user_token), consumed by @baton/session's loadServiceUser.
import { defineGroup } from '../group.ts';
import { boolOpt, intOpt, strOpt, uriOpt } from '../opts.ts';

/**
 * The auth-plugin and session options, without the on/off switch: a group named by
 * `auth_section` can be declared with these (`defineGroup('my_auth', { options: … })`).
 */
export const serviceUserAuthOptions = {
  auth_type: strOpt({
    default: null,
    help:
      "Auth plugin: 'password' or 'v3password' (user and password), 'token' or 'v3token' (an existing " +
      "token), 'v3applicationcredential' or 'application_credential'. Required when send_service_user_token is true.",
  }),
  auth_section: strOpt({
    default: null,
    help: 'Read the auth-plugin options from this other config section instead of [service_user].',
  }),
  auth_url: uriOpt({
    default: null,
    schemes: ['http', 'https'],
    help: "Identity API endpoint, e.g. http://127.0.0.1:5000/v3; '/v3' is appended when the URL does not end in it.",
  }),
  username: strOpt({ default: null, help: "The service user's name (with user_domain_name or user_domain_id)." }),
  user_id: strOpt({ default: null, help: "The service user's ID; preferred over username when both are set." }),
  password: strOpt({ default: null, secret: true, help: "The service user's password (password auth types)." }),
  user_domain_name: strOpt({ default: null, help: "Name of the service user's domain." }),
  user_domain_id: strOpt({ default: null, help: "ID of the service user's domain." }),
  project_name: strOpt({ default: null, help: 'Name of the project the service token is scoped to.' }),
  project_id: strOpt({ default: null, help: 'ID of the project the service token is scoped to.' }),
  project_domain_name: strOpt({ default: null, help: "Name of the scope project's domain (with project_name)." }),
  project_domain_id: strOpt({ default: null, help: "ID of the scope project's domain (with project_name)." }),
  domain_id: strOpt({ default: null, help: 'Scope the service token to this domain (by ID) instead of a project.' }),
  domain_name: strOpt({ default: null, help: 'Scope the service token to this domain (by name) instead of a project.' }),
  system_scope: strOpt({ default: null, help: "Scope the service token to the system; the only value is 'all'." }),
  trust_id: strOpt({ default: null, help: 'Scope the service token to this trust.' }),
  default_domain_id: strOpt({
    default: null,
    help: "For 'password' and 'token': the domain ID used for the user and the project when theirs is not given.",
  }),
  default_domain_name: strOpt({
    default: null,
    help: "For 'password' and 'token': the domain name used for the user and the project when theirs is not given.",
  }),
  application_credential_id: strOpt({ default: null, help: 'ID of the application credential to authenticate with.' }),
  application_credential_name: strOpt({
    default: null,
    help: 'Name of the application credential (with username or user_id of its owner).',
  }),
  application_credential_secret: strOpt({ default: null, secret: true, help: 'Secret of the application credential.' }),
  token: strOpt({ default: null, secret: true, help: "The token for the 'token' and 'v3token' auth types." }),
  timeout: intOpt({ default: null, min: 1, help: 'Seconds to wait for each HTTP request of the service-user session.' }),
  insecure: boolOpt({
    default: false,
    help: 'Skip TLS certificate verification. Not supported by Baton (Node verifies always); true is a start-up error.',
  }),
  cafile: strOpt({
    default: null,
    help: 'PEM bundle of CAs to trust. Baton uses Node\'s trust store: set NODE_EXTRA_CA_CERTS instead; a value here is a start-up error.',
  }),
  certfile: strOpt({ default: null, help: 'Client certificate (PEM). Not supported by Baton; a value is a start-up error.' }),
  keyfile: strOpt({ default: null, help: 'Client certificate key (PEM). Not supported by Baton; a value is a start-up error.' }),
  collect_timing: boolOpt({
    default: false,
    help: 'Accepted for compatibility with keystoneauth; Baton always logs each response time at debug level.',
  }),
  split_loggers: boolOpt({
    default: false,
    help: 'Accepted for compatibility with keystoneauth; Baton logs request, response and body through one logger.',
  }),
} as const;

export const serviceUserGroup = defineGroup('service_user', {
  help:
    "The service's own credentials, sent as X-Service-Token beside a user's token on calls to other services, " +
    'so a long operation survives the user token expiring.',
  options: {
    send_service_user_token: boolOpt({
      default: false,
      help:
        'Send a token of this service user with every call made on behalf of a user. The receiving services ' +
        'then accept the user token past its expiry (within their allow_expired_window) if this user has a ' +
        'role in their service_token_roles.',
    }),
    ...serviceUserAuthOptions,
  },
});
