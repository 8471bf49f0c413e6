// The differential sequence for domain-specific configuration, projects acting as domains,
// domain-specific roles and application credential access rules (issue #11, item 3).
import type { Sequence } from './identity-areas-sequences.ts';

export const domainConfigsSequence: Sequence = async (api) => {
  // Domain configuration: create, read, update, delete, defaults and the refusals.
  const domain = (await api.call('domain', 'POST', '/domains', { domain: { name: api.unique('configured') } })).body.domain.id as string;
  const config = `/domains/${domain}/config`;
  await api.call('no config yet', 'GET', config);
  const ldap = { url: 'ldap://ldap.example.org', user_tree_dn: 'ou=Users,dc=example,dc=org', password: 'secret' };
  await api.call('create config', 'PUT', config, { config: { identity: { driver: 'ldap' }, ldap } });
  await api.call('get config', 'GET', config);
  await api.call('get option', 'GET', `${config}/ldap/url`);
  await api.call('get the password', 'GET', `${config}/ldap/password`);
  await api.call('unsupported group', 'PUT', config, { config: { token: { expiration: 10 } } });
  await api.call('no options', 'PUT', config, {});
  await api.call('update', 'PATCH', config, { config: { ldap: { suffix: 'dc=example,dc=org' } } });
  await api.call('update an option', 'PATCH', `${config}/ldap/url`, { config: { url: 'ldap://other' } });
  await api.call('update a missing option', 'PATCH', `${config}/ldap/user`, { config: { user: 'cn=admin' } });
  await api.call('delete an option', 'DELETE', `${config}/ldap/url`);
  await api.call('delete a group', 'DELETE', `${config}/identity`);
  await api.call('missing domain', 'PUT', `/domains/${'e'.repeat(32)}/config`, { config: { ldap } });
  await api.call('read as a project admin', 'GET', config, undefined, api.side.project);
  await api.call('defaults', 'GET', '/domains/config/default');
  await api.call('option default', 'GET', '/domains/config/ldap/url/default');
  await api.call('password default', 'GET', '/domains/config/ldap/password/default');
  await api.call('password rules', 'GET', '/domains/default/config/security_compliance');
  await api.call('delete config', 'DELETE', config);
  await api.call('deleted config', 'GET', config);

  // A project acting as a domain.
  const acting = (await api.call('project as domain', 'POST', '/projects', { project: { name: api.unique('acting'), is_domain: true } })).body.project.id as string;
  await api.call('not a root', 'POST', '/projects', { project: { name: api.unique('child'), is_domain: true, domain_id: 'default' } });
  await api.call('read it as a project', 'GET', `/projects/${acting}`);
  await api.call('still enabled', 'DELETE', `/projects/${acting}`);

  // Domain-specific roles and their implications; a role given no description has null.
  const domainRole = (await api.call('domain role', 'POST', '/roles', { role: { name: api.unique('operator'), domain_id: acting, description: 'operates' } })).body.role.id as string;
  const globalRole = (await api.call('global role', 'POST', '/roles', { role: { name: api.unique('viewer') } })).body.role.id as string;
  await api.call('global implies domain', 'PUT', `/roles/${globalRole}/implies/${domainRole}`);
  await api.call('domain implies global', 'PUT', `/roles/${domainRole}/implies/${globalRole}`);
  const adminId = (await api.call('bootstrap admin (no default project)', 'GET', '/users?name=admin')).body.users[0].id as string;
  const adminProject = (await api.call('bootstrap project', 'GET', '/projects?name=admin')).body.projects[0].id as string;
  // Bootstrap's roles: no description, immutable; Baton's extra service role is left out.
  for (const name of ['reader', 'member', 'admin']) await api.call(`bootstrap role ${name}`, 'GET', `/roles?name=${name}`);
  await api.call('make a role immutable', 'PATCH', `/roles/${domainRole}`, { role: { options: { immutable: true } } });
  await api.call('refused update', 'PATCH', `/roles/${domainRole}`, { role: { description: 'changed' } });
  await api.call('refused deletion', 'DELETE', `/roles/${domainRole}`);
  await api.call('clear immutable', 'PATCH', `/roles/${domainRole}`, { role: { options: { immutable: false } } });
  await api.call('grant outside its domain', 'PUT', `/projects/${adminProject}/users/${adminId}/roles/${domainRole}`);
  await api.call('disable', 'PATCH', `/projects/${acting}`, { project: { enabled: false } });
  await api.call('delete project as domain', 'DELETE', `/projects/${acting}`);
  // Baton deletes the domain's roles with it, Keystone leaves them behind: not compared.
  await api.call('delete global role', 'DELETE', `/roles/${globalRole}`);

  // Access rules, through application credentials of the admin user (whole roles, no description).
  const credentials = `/users/${adminId}/application_credentials`;
  const rule = { service: 'compute', path: '/v2.1/servers', method: 'GET' };
  const ruled = () => ({ application_credential: { name: api.unique('ruled'), access_rules: [rule] } });
  const first = (await api.call('credential with a rule', 'POST', credentials, ruled(), api.side.project)).body;
  const ruleId = first.application_credential.access_rules[0].id as string;
  const second = (await api.call('another with the same rule', 'POST', credentials, ruled(), api.side.project)).body;
  await api.call('get credential', 'GET', `${credentials}/${first.application_credential.id}`, undefined, api.side.project);
  await api.call('same rule reused', 'GET', `/users/${adminId}/access_rules`, undefined, api.side.project);
  await api.call('bad method', 'POST', credentials, { application_credential: { name: api.unique('bad'), access_rules: [{ ...rule, method: 'FETCH' }] } }, api.side.project);
  await api.call('list by service', 'GET', `/users/${adminId}/access_rules?service=compute`, undefined, api.side.project);
  await api.call('get rule', 'GET', `/users/${adminId}/access_rules/${ruleId}`, undefined, api.side.project);
  await api.call('delete a rule in use', 'DELETE', `/users/${adminId}/access_rules/${ruleId}`, undefined, api.side.project);
  for (const created of [first, second]) await api.call('delete credential', 'DELETE', `${credentials}/${created.application_credential.id}`, undefined, api.side.project);
  await api.call('delete the rule', 'DELETE', `/users/${adminId}/access_rules/${ruleId}`, undefined, api.side.project);
  await api.call('deleted rule', 'GET', `/users/${adminId}/access_rules/${ruleId}`, undefined, api.side.project);
};
