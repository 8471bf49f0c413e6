// The trusts (OS-TRUST) sequence of the differential suite: the admin delegates roles on the
// admin project to a new user, who takes trust-scoped tokens until the trust is used up or
// deleted; the errors on the way are Keystone's.
import { jsonShape } from '@baton/test-support';
import type { Recorder, Sequence } from './identity-areas-sequences.ts';

const TRUSTS = '/OS-TRUST/trusts';

/** POST /v3/auth/tokens as `user` with `password`, scoped to the trust; the token id when issued. */
async function trustToken(api: Recorder, label: string, userId: string, password: string, trustId: string): Promise<string | null> {
  const scoped = await fetch(`${api.side.url}/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } }, scope: { 'OS-TRUST:trust': { id: trustId } } },
    }),
  });
  const text = await scoped.text();
  api.transcript.push({ label: `${label}: POST /auth/tokens (trust scope)`, status: scoped.status, shape: jsonShape(JSON.parse(text)) });
  return scoped.headers.get('x-subject-token');
}

/** An unrecorded request as the system admin: setup whose answers belong to other areas. */
async function setup(api: Recorder, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${api.side.url}${path}`, {
    method,
    headers: { 'x-auth-token': api.side.system, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return text === '' ? null : JSON.parse(text);
}

export const trustsSequence: Sequence = async (api) => {
  const password = 'trustee-secret';
  const trusteeId = (await setup(api, 'POST', '/users', { user: { name: api.unique('trustee'), domain_id: 'default', password } })).user.id as string;
  const adminId = (await setup(api, 'GET', '/users?name=admin&domain_id=default')).users[0].id as string;
  const projectId = (await setup(api, 'GET', '/projects?name=admin&domain_id=default')).projects[0].id as string;
  // A role of the sequence's own to delegate, granted directly.
  const role = (await setup(api, 'POST', '/roles', { role: { name: api.unique('delegated'), description: 'delegated by trusts' } })).role;
  await setup(api, 'PUT', `/projects/${projectId}/users/${adminId}/roles/${role.id}`);
  const trust = (more: Record<string, unknown> = {}) => ({
    trust: { trustor_user_id: adminId, trustee_user_id: trusteeId, project_id: projectId, impersonation: true, roles: [{ name: role.name }], ...more },
  });
  const create = (label: string, more: Record<string, unknown> = {}) => api.call(label, 'POST', TRUSTS, trust(more), api.side.project);

  const created = await create('create', { expires_at: '2099-01-01T00:00:00.000000Z', colour: 'red' });
  const trustId = created.body.trust.id as string;
  await create('no impersonation', { impersonation: undefined });
  await create('another trustor', { trustor_user_id: trusteeId });
  await create('a role the trustor lacks', { roles: [{ id: 'f'.repeat(32) }] });
  await create('an unknown trustee', { trustee_user_id: 'e'.repeat(32) });
  await create('no roles', { roles: [] });
  await create('no uses', { remaining_uses: 0 });
  await create('a bad expiry', { expires_at: 'tomorrow' });
  await create('too deep a redelegation', { allow_redelegation: true, redelegation_count: 10 });
  await create('uses and redelegation', { allow_redelegation: true, remaining_uses: 2 });
  await api.call('no token', 'POST', TRUSTS, trust(), null);

  await api.call('list', 'GET', TRUSTS);
  await api.call('list by trustor', 'GET', `${TRUSTS}?trustor_user_id=${adminId}`, undefined, api.side.project);
  await api.call('list by trustee', 'GET', `${TRUSTS}?trustee_user_id=${trusteeId}`, undefined, api.side.project);
  await api.call('get', 'GET', `${TRUSTS}/${trustId}`, undefined, api.side.project);
  await api.call('head', 'HEAD', `${TRUSTS}/${trustId}`, undefined, api.side.project);
  await api.call('roles', 'GET', `${TRUSTS}/${trustId}/roles`, undefined, api.side.project);
  await api.call('one role', 'GET', `${TRUSTS}/${trustId}/roles/${role.id}`, undefined, api.side.project);
  await api.call('a role it lacks', 'GET', `${TRUSTS}/${trustId}/roles/${'f'.repeat(32)}`, undefined, api.side.project);
  await api.call('missing', 'GET', `${TRUSTS}/${'d'.repeat(32)}`, undefined, api.side.project);

  const token = await trustToken(api, 'trust token', trusteeId, password, trustId);
  // Recorder.call sends no X-Subject-Token, hence fetch here.
  const validate = async (label: string, subject: string | null): Promise<void> => {
    const r = await fetch(`${api.side.url}/auth/tokens?nocatalog`, { headers: { 'x-auth-token': api.side.system, 'x-subject-token': subject ?? '' } });
    api.transcript.push({ label: `${label}: GET /auth/tokens`, status: r.status, shape: jsonShape(JSON.parse(await r.text())) });
  };
  await validate('the trust token', token);

  // Delegations reach no further: a trust's token no application credential, an application
  // credential's token no trust and no other token.
  await api.call('trust token lists application credentials', 'GET', `/users/${trusteeId}/application_credentials`, undefined, token ?? '');
  const appCred = await fetch(`${api.side.url}/users/${adminId}/application_credentials`, {
    method: 'POST',
    headers: { 'x-auth-token': api.side.project, 'content-type': 'application/json' },
    body: JSON.stringify({ application_credential: { name: api.unique('trusting') } }),
  });
  const { id: appCredId, secret } = ((await appCred.json()) as { application_credential: { id: string; secret: string } }).application_credential;
  const appCredAuth = { methods: ['application_credential'], application_credential: { id: appCredId, secret } };
  const issued = await fetch(`${api.side.url}/auth/tokens?nocatalog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: { identity: appCredAuth } }) });
  const appCredToken = issued.headers.get('x-subject-token') ?? '';
  await api.call('application credential token lists trusts', 'GET', `${TRUSTS}?trustor_user_id=${adminId}`, undefined, appCredToken);
  await api.call('application credential token creates a trust', 'POST', TRUSTS, trust(), appCredToken);
  await api.call('application credential token rescoped', 'POST', '/auth/tokens?nocatalog', {
    auth: { identity: { methods: ['token'], token: { id: appCredToken } }, scope: { project: { id: projectId } } },
  }, null);

  const once = (await create('one use', { remaining_uses: 1, impersonation: false })).body.trust.id as string;
  const onceToken = await trustToken(api, 'the one use', trusteeId, password, once);
  await trustToken(api, 'no use left', trusteeId, password, once);
  await api.call('used up', 'GET', `${TRUSTS}/${once}`, undefined, api.side.project);
  await validate('a used-up trust\'s token', onceToken);

  const projectless = (await create('no project', { project_id: undefined, roles: undefined, impersonation: false })).body.trust.id as string;
  await trustToken(api, 'a trust without a project', trusteeId, password, projectless);
  await api.call('delete', 'DELETE', `${TRUSTS}/${trustId}`, undefined, api.side.project);
  await validate('a deleted trust\'s token', token);
  await api.call('deleted', 'GET', `${TRUSTS}/${trustId}`, undefined, api.side.project);
  await api.call('delete again', 'DELETE', `${TRUSTS}/${trustId}`, undefined, api.side.project);
};
