// The differential sequence for domain-specific configuration, projects acting as domains,
// domain-specific roles and application credential access rules (issue #11, item 3).
import type { Recorder, Sequence } from './identity-areas-sequences.ts';

/** A read the transcript leaves out: bootstrap's admin differs in ways that are not this area's. */
async function lookup(api: Recorder, path: string): Promise<any> {
  const response = await fetch(`${api.side.url}${path}`, { headers: { 'x-auth-token': api.side.system } });
  return response.json();
}

/** A write with the admin's project token that the transcript leaves out; it must succeed. */
async function send(api: Recorder, method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${api.side.url}${path}`, {
    method,
    headers: { 'x-auth-token': api.side.project, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${api.side.name}: ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

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

  // Domain-specific roles and their implications. Each role gets a description: without one
  // Keystone answers null and Baton '' (its role column is NOT NULL), a difference of all roles.
  const domainRole = (await api.call('domain role', 'POST', '/roles', { role: { name: api.unique('operator'), domain_id: acting, description: 'operates' } })).body.role.id as string;
  const globalRole = (await api.call('global role', 'POST', '/roles', { role: { name: api.unique('viewer'), description: 'views' } })).body.role.id as string;
  await api.call('global implies domain', 'PUT', `/roles/${globalRole}/implies/${domainRole}`);
  await api.call('domain implies global', 'PUT', `/roles/${domainRole}/implies/${globalRole}`);
  const adminId = (await lookup(api, '/users?name=admin')).users[0].id as string;
  const adminProject = (await lookup(api, '/projects?name=admin')).projects[0].id as string;
  await api.call('grant outside its domain', 'PUT', `/projects/${adminProject}/users/${adminId}/roles/${domainRole}`);
  await api.call('disable', 'PATCH', `/projects/${acting}`, { project: { enabled: false } });
  await api.call('delete project as domain', 'DELETE', `/projects/${acting}`);
  // Baton deletes the domain's roles with it, Keystone leaves them behind: not compared.
  await api.call('delete global role', 'DELETE', `/roles/${globalRole}`);

  // Access rules, through application credentials of the admin user. The credentials
  // themselves are made and removed unrecorded: their role lists differ for reasons of
  // bootstrap and role storage, not of this area.
  const credentials = `/users/${adminId}/application_credentials`;
  const rule = { service: 'compute', path: '/v2.1/servers', method: 'GET' };
  const ruled = () => ({ application_credential: { name: api.unique('ruled'), access_rules: [rule] } });
  const first = await send(api, 'POST', credentials, ruled());
  const ruleId = first.application_credential.access_rules[0].id as string;
  const second = await send(api, 'POST', credentials, ruled());
  await api.call('same rule reused', 'GET', `/users/${adminId}/access_rules`, undefined, api.side.project);
  await api.call('bad method', 'POST', credentials, { application_credential: { name: api.unique('bad'), access_rules: [{ ...rule, method: 'FETCH' }] } }, api.side.project);
  await api.call('list by service', 'GET', `/users/${adminId}/access_rules?service=compute`, undefined, api.side.project);
  await api.call('get rule', 'GET', `/users/${adminId}/access_rules/${ruleId}`, undefined, api.side.project);
  await api.call('delete a rule in use', 'DELETE', `/users/${adminId}/access_rules/${ruleId}`, undefined, api.side.project);
  for (const created of [first, second]) await send(api, 'DELETE', `${credentials}/${created.application_credential.id}`);
  await api.call('delete the rule', 'DELETE', `/users/${adminId}/access_rules/${ruleId}`, undefined, api.side.project);
  await api.call('deleted rule', 'GET', `/users/${adminId}/access_rules/${ruleId}`, undefined, api.side.project);
};
