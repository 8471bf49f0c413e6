import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigValueError, defineGroup, loadConfigText, serviceUserAuthOptions, serviceUserGroup } from '@baton/config';
import {
  ApplicationCredentialAuth,
  PasswordAuth,
  ServiceTokenAuthWrapper,
  SessionConfigError,
  StaticTokenAuth,
  TokenAuth,
  loadAuthFromConfig,
  loadServiceUser,
  loadServiceUserAuth,
  loadSessionOptions,
} from '../src/index.ts';

const userAuth = new StaticTokenAuth({ token: 'user-token' });

function serviceUser(lines: string[]) {
  return loadConfigText(['[service_user]', ...lines].join('\n'), [serviceUserGroup], 'nova.conf').config;
}

const PASSWORD = [
  'auth_type = password',
  'auth_url = http://127.0.0.1:5000/v3',
  'username = nova',
  'password = secret',
  'user_domain_name = Default',
  'project_name = service',
  'project_domain_name = Default',
];

function configError(section: string, option: string, message: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof SessionConfigError, String(e));
    assert.equal(e.code, 'ERR_SESSION_CONFIG');
    assert.equal(e.section, section);
    assert.equal(e.option, option);
    assert.equal(e.message, message);
    return true;
  };
}

describe('loadServiceUser: the [service_user] switch', () => {
  test('send_service_user_token = false (the default): the user auth itself, other options not even read', () => {
    assert.equal(loadServiceUser(serviceUser([]), userAuth), userAuth);
    assert.equal(loadServiceUser(serviceUser(['send_service_user_token = false', 'auth_type = bogus']), userAuth), userAuth);
    assert.equal(loadServiceUserAuth(serviceUser([])), null);
  });

  test('true: a wrapper around the user auth and a password plugin', () => {
    const auth = loadServiceUser(serviceUser(['send_service_user_token = true', ...PASSWORD]), userAuth);
    assert.ok(auth instanceof ServiceTokenAuthWrapper);
    assert.equal(auth.userAuth, userAuth);
    assert.ok(auth.serviceAuth instanceof PasswordAuth);
  });

  test('every wrapper built from one loaded config shares one service plugin (one cached service token)', () => {
    const config = serviceUser(['send_service_user_token = true', ...PASSWORD]);
    const a = loadServiceUser(config, userAuth) as ServiceTokenAuthWrapper;
    const b = loadServiceUser(config, new StaticTokenAuth({ token: 'other' })) as ServiceTokenAuthWrapper;
    assert.equal(a.serviceAuth, b.serviceAuth);
  });

  test('true without auth_type: an error naming [service_user] auth_type (no silent fall-back)', () => {
    assert.throws(
      () => loadServiceUser(serviceUser(['send_service_user_token = true', 'auth_url = http://k/v3']), userAuth),
      configError('service_user', 'auth_type', '[service_user] auth_type: is required when [service_user] send_service_user_token is true'),
    );
  });

  const cases: [string, string[], string, string][] = [
    ['missing password', PASSWORD.filter((l) => !l.startsWith('password')), 'password', '[service_user] password: is required for auth_type password'],
    ['missing auth_url', PASSWORD.filter((l) => !l.startsWith('auth_url')), 'auth_url', '[service_user] auth_url: is required for auth_type password'],
    [
      'no user',
      PASSWORD.filter((l) => !l.startsWith('username')),
      'username',
      '[service_user] username: username or user_id is required for auth_type password',
    ],
    [
      'username without a domain',
      PASSWORD.filter((l) => !l.startsWith('user_domain')),
      'user_domain_name',
      '[service_user] user_domain_name: user_domain_name or user_domain_id is required with username',
    ],
    [
      'project_name without a domain',
      PASSWORD.filter((l) => !l.startsWith('project_domain')),
      'project_domain_name',
      '[service_user] project_domain_name: project_domain_name or project_domain_id is required with project_name',
    ],
    [
      'two scopes',
      [...PASSWORD, 'domain_id = default'],
      'project_name',
      '[service_user] project_name: conflicts with domain_id: give one scope (domain, project, trust or system)',
    ],
    ['system_scope not all', [...PASSWORD.filter((l) => !l.startsWith('project')), 'system_scope = some'], 'system_scope', "[service_user] system_scope: must be 'all', got \"some\""],
    [
      'unknown auth_type',
      ['auth_type = v3oidcpassword', 'auth_url = http://k/v3'],
      'auth_type',
      '[service_user] auth_type: unknown auth type "v3oidcpassword"; Baton supports password, v3password, token, v3token, v3applicationcredential, application_credential',
    ],
    ['token type without token', ['auth_type = v3token', 'auth_url = http://k/v3'], 'token', '[service_user] token: is required for auth_type v3token'],
    [
      'app cred without id or name',
      ['auth_type = v3applicationcredential', 'auth_url = http://k/v3', 'application_credential_secret = s'],
      'application_credential_id',
      '[service_user] application_credential_id: application_credential_id or application_credential_name is required',
    ],
    ['insecure', [...PASSWORD, 'insecure = true'], 'insecure', '[service_user] insecure: true is not supported: Baton always verifies TLS certificates'],
    ['cafile', [...PASSWORD, 'cafile = /etc/ca.pem'], 'cafile', '[service_user] cafile: is not supported: add the CA with NODE_EXTRA_CA_CERTS instead'],
  ];
  for (const [name, lines, option, message] of cases) {
    test(`start-up error naming the option: ${name}`, () => {
      assert.throws(() => loadServiceUser(serviceUser(['send_service_user_token = true', ...lines]), userAuth), configError('service_user', option, message));
    });
  }

  test('a malformed auth_url is refused by the config loader itself, naming the option', () => {
    assert.throws(() => serviceUser(['auth_url = not a url']), (e: unknown) => e instanceof ConfigValueError && e.option === 'auth_url');
  });

  test('auth_section: auth options come from another loaded section', () => {
    const keystoneAuth = defineGroup('keystone_auth', { help: 'Shared service credentials.', options: serviceUserAuthOptions });
    const { config } = loadConfigText(
      ['[service_user]', 'send_service_user_token = true', 'auth_section = keystone_auth', '[keystone_auth]', ...PASSWORD].join('\n'),
      [serviceUserGroup, keystoneAuth],
    );
    const auth = loadServiceUser(config, userAuth);
    assert.ok(auth instanceof ServiceTokenAuthWrapper && auth.serviceAuth instanceof PasswordAuth);
    assert.throws(
      () => loadServiceUser(serviceUser(['send_service_user_token = true', 'auth_section = nowhere']), userAuth),
      configError('service_user', 'auth_section', '[service_user] auth_section: section [nowhere] was not loaded'),
    );
    const errorsNameTheOtherSection = loadConfigText(
      ['[service_user]', 'send_service_user_token = true', 'auth_section = keystone_auth', '[keystone_auth]', 'auth_type = password'].join('\n'),
      [serviceUserGroup, keystoneAuth],
    ).config;
    assert.throws(() => loadServiceUser(errorsNameTheOtherSection, userAuth), configError('keystone_auth', 'auth_url', '[keystone_auth] auth_url: is required for auth_type password'));
  });
});

describe('loadAuthFromConfig: keystoneauth loader names', () => {
  test('no auth_type: null', () => {
    assert.equal(loadAuthFromConfig({}), null);
    assert.equal(loadAuthFromConfig({ auth_type: '' }), null);
  });

  test('password / v3password / token / v3token / application credential types', () => {
    const base = { auth_url: 'http://k:5000', user_id: 'u', password: 'p' };
    assert.ok(loadAuthFromConfig({ ...base, auth_type: 'password' }) instanceof PasswordAuth);
    assert.ok(loadAuthFromConfig({ ...base, auth_type: 'v3password' }) instanceof PasswordAuth);
    assert.ok(loadAuthFromConfig({ auth_type: 'token', auth_url: 'http://k', token: 't' }) instanceof TokenAuth);
    assert.ok(loadAuthFromConfig({ auth_type: 'v3token', auth_url: 'http://k', token: 't', project_id: 'p' }) instanceof TokenAuth);
    const appCred = { auth_url: 'http://k', application_credential_id: 'id', application_credential_secret: 's' };
    assert.ok(loadAuthFromConfig({ ...appCred, auth_type: 'v3applicationcredential' }) instanceof ApplicationCredentialAuth);
    assert.ok(loadAuthFromConfig({ ...appCred, auth_type: 'application_credential' }) instanceof ApplicationCredentialAuth);
    assert.ok(
      loadAuthFromConfig({
        auth_type: 'v3applicationcredential',
        auth_url: 'http://k',
        application_credential_name: 'n',
        username: 'nova',
        user_domain_id: 'default',
        application_credential_secret: 's',
      }) instanceof ApplicationCredentialAuth,
    );
  });

  test("default_domain_id fills the user's and project's domain for the generic 'password' type only", () => {
    const values = { auth_url: 'http://k', username: 'nova', password: 'p', project_name: 'service', default_domain_id: 'default' };
    assert.ok(loadAuthFromConfig({ ...values, auth_type: 'password' }) instanceof PasswordAuth);
    assert.throws(() => loadAuthFromConfig({ ...values, auth_type: 'v3password' }), configError('service_user', 'user_domain_name', '[service_user] user_domain_name: user_domain_name or user_domain_id is required with username'));
  });
});

describe('loadSessionOptions', () => {
  test('timeout in seconds becomes ms; unsupported TLS options are refused', () => {
    assert.deepEqual(loadSessionOptions(serviceUser(['timeout = 30']).service_user), { timeout: 30_000 });
    assert.deepEqual(loadSessionOptions(serviceUser([]).service_user), {});
    assert.throws(() => loadSessionOptions(serviceUser(['certfile = /c.pem']).service_user), configError('service_user', 'certfile', '[service_user] certfile: is not supported: Baton sends no client certificate'));
  });
});
