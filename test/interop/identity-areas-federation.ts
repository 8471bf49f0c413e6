// OS-FEDERATION's request sequence for the differential suite: identity providers, their
// protocols, mappings (with rule validation), service providers, and the enabled service
// providers in a token's service_providers.
import type { Sequence } from './identity-areas-sequences.ts';

const RULES = [
  {
    local: [{ user: { name: '{0}' } }, { group: { id: 'ffffffffffffffffffffffffffffffff' } }],
    remote: [{ type: 'REMOTE_USER' }, { type: 'HTTP_OIDC_GROUPS', any_one_of: ['admins'], regex: false }],
  },
];

export const federationSequence: Sequence = async (api) => {
  // Fixed ids: they appear in links, which the transcripts compare (the sequence deletes them again).
  const [mapping, idp, sp, remote] = ['fed-map', 'fed-idp', 'fed-sp', 'https://idp.example.com/fed'];
  const base = '/OS-FEDERATION';
  await api.call('create mapping', 'PUT', `${base}/mappings/${mapping}`, { mapping: { rules: RULES } });
  await api.call('duplicate mapping', 'PUT', `${base}/mappings/${mapping}`, { mapping: { rules: RULES } });
  await api.call('mapping without remote', 'PUT', `${base}/mappings/${api.unique('bad')}`, { mapping: { rules: [{ local: [] }] } });
  await api.call('mapping with no rules', 'PUT', `${base}/mappings/${api.unique('bad')}`, { mapping: { rules: [] } });
  await api.call('mapping with a bad remote', 'PUT', `${base}/mappings/${api.unique('bad')}`, { mapping: { rules: [{ local: [{ user: { name: 1 } }], remote: [{ type: 'x', any_one_of: 'a' }] }] } });
  await api.call('get mapping', 'GET', `${base}/mappings/${mapping}`);
  await api.call('list mappings', 'GET', `${base}/mappings`);
  await api.call('get mapping (HEAD)', 'HEAD', `${base}/mappings/${mapping}`);
  await api.call('update mapping', 'PATCH', `${base}/mappings/${mapping}`, { mapping: { rules: [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'UID' }] }] } });

  await api.call('create idp', 'PUT', `${base}/identity_providers/${idp}`, { identity_provider: { remote_ids: [remote], description: 'corp', enabled: true } });
  await api.call('duplicate idp', 'PUT', `${base}/identity_providers/${idp}`, { identity_provider: {} });
  await api.call('remote id taken', 'PUT', `${base}/identity_providers/${api.unique('idp')}`, { identity_provider: { remote_ids: [remote] } });
  await api.call('unknown domain', 'PUT', `${base}/identity_providers/${api.unique('idp')}`, { identity_provider: { domain_id: 'e'.repeat(32) } });
  await api.call('unknown attribute', 'PUT', `${base}/identity_providers/${api.unique('idp')}`, { identity_provider: { colour: 'red' } });
  await api.call('get idp', 'GET', `${base}/identity_providers/${idp}`);
  await api.call('list enabled idps', 'GET', `${base}/identity_providers?enabled=true&id=${idp}`);
  await api.call('get idp (HEAD)', 'HEAD', `${base}/identity_providers/${idp}`);
  await api.call('update idp', 'PATCH', `${base}/identity_providers/${idp}`, { identity_provider: { remote_ids: [remote, `${remote}2`], authorization_ttl: 60 } });
  await api.call('move idp', 'PATCH', `${base}/identity_providers/${idp}`, { identity_provider: { domain_id: 'default' } });

  await api.call('create protocol', 'PUT', `${base}/identity_providers/${idp}/protocols/saml2`, { protocol: { mapping_id: mapping } });
  await api.call('unknown mapping', 'PUT', `${base}/identity_providers/${idp}/protocols/oidc`, { protocol: { mapping_id: 'nope' } });
  await api.call('protocol of no idp', 'PUT', `${base}/identity_providers/${api.unique('none')}/protocols/saml2`, { protocol: { mapping_id: mapping } });
  await api.call('list protocols', 'GET', `${base}/identity_providers/${idp}/protocols`);
  await api.call('update protocol', 'PATCH', `${base}/identity_providers/${idp}/protocols/saml2`, { protocol: { mapping_id: mapping, remote_id_attribute: 'Shib-Identity-Provider' } });
  await api.call('get protocol', 'GET', `${base}/identity_providers/${idp}/protocols/saml2`);
  await api.call('missing protocol', 'GET', `${base}/identity_providers/${idp}/protocols/oidc`);
  await api.call('list protocols (HEAD)', 'HEAD', `${base}/identity_providers/${idp}/protocols`);

  await api.call('create sp', 'PUT', `${base}/service_providers/${sp}`, { service_provider: { auth_url: 'https://sp.example.com/v3/OS-FEDERATION/identity_providers/us/protocols/saml2/auth', sp_url: 'https://sp.example.com/Shibboleth.sso/SAML2/ECP', enabled: true } });
  await api.call('sp without sp_url', 'PUT', `${base}/service_providers/${api.unique('sp')}`, { service_provider: { auth_url: 'https://sp.example.com/' } });
  await api.call('sp with a bad url', 'PUT', `${base}/service_providers/${api.unique('sp')}`, { service_provider: { auth_url: 'not a url', sp_url: 'https://sp.example.com/' } });
  await api.call('get sp', 'GET', `${base}/service_providers/${sp}`);
  await api.call('list enabled sps', 'GET', `${base}/service_providers?enabled=true&id=${sp}`);
  await api.call('list sps (HEAD)', 'HEAD', `${base}/service_providers`);
  await api.call('update sp', 'PATCH', `${base}/service_providers/${sp}`, { service_provider: { description: 'partner', relay_state_prefix: 'ss:db:' } });
  const { admin } = api.side;
  await api.call('token with service providers', 'POST', '/auth/tokens?nocatalog', {
    auth: { identity: { methods: ['password'], password: { user: { name: admin.username, domain: { id: 'default' }, password: admin.password } } }, scope: { project: { name: admin.project, domain: { id: 'default' } } } },
  }, null);

  await api.call('list idps as a project admin', 'GET', `${base}/identity_providers?id=${idp}`, undefined, api.side.project);
  await api.call('no token', 'GET', `${base}/mappings`, undefined, null);
  await api.call('delete protocol', 'DELETE', `${base}/identity_providers/${idp}/protocols/saml2`);
  await api.call('delete idp', 'DELETE', `${base}/identity_providers/${idp}`);
  await api.call('deleted idp', 'GET', `${base}/identity_providers/${idp}`);
  await api.call('delete mapping', 'DELETE', `${base}/mappings/${mapping}`);
  await api.call('delete sp', 'DELETE', `${base}/service_providers/${sp}`);
  await api.call('deleted sp', 'DELETE', `${base}/service_providers/${sp}`);
};
