// OS-OAUTH1's request sequence for the differential suite: consumers, the signed exchanges
// (signed as keystoneauth signs them), authorization, an oauth1 token, the user's access
// tokens, and the refusals a client can meet on the way.
import { oauth1Authorization } from '@baton/test-support';
import type { Recorder, Sequence } from './identity-areas-sequences.ts';

export const oauth1Sequence: Sequence = async (api) => {
  const created = await api.call('create consumer', 'POST', '/OS-OAUTH1/consumers', { consumer: { description: 'differential', colour: 'red' } });
  const consumer = created.body.consumer as { id: string; secret: string };
  await api.call('get consumer', 'GET', `/OS-OAUTH1/consumers/${consumer.id}`);
  await api.call('update consumer', 'PATCH', `/OS-OAUTH1/consumers/${consumer.id}`, { consumer: { description: 'renamed' } });
  await api.call('update the secret', 'PATCH', `/OS-OAUTH1/consumers/${consumer.id}`, { consumer: { secret: 'mine' } });
  await api.call('missing consumer', 'GET', `/OS-OAUTH1/consumers/${'e'.repeat(32)}`);
  await api.call('consumers without a token', 'GET', '/OS-OAUTH1/consumers', undefined, null);

  const projects = await api.call('admin project', 'GET', '/projects?name=admin');
  const projectId = (projects.body.projects as { id: string }[])[0]?.id as string;
  // A role of the sequence's own to delegate, granted directly.
  const role = await api.call('role to delegate', 'POST', '/roles', { role: { name: api.unique('delegated'), description: 'delegated through OAuth1' } });
  const roleId = role.body.role.id as string;
  // The admin's id, unrecorded: the user shapes are the users sequence's business.
  const me = await fetch(`${api.side.url}/users?name=admin`, { headers: { 'x-auth-token': api.side.system } });
  const adminId = ((await me.json()) as { users: { id: string }[] }).users[0]?.id as string;
  await api.call('grant it', 'PUT', `/projects/${projectId}/users/${adminId}/roles/${roleId}`);
  const signed = (label: string, path: string, sign: { token?: string; tokenSecret?: string; verifier?: string; callback?: string; consumerSecret?: string }, headers: Record<string, string> = {}, body?: unknown) =>
    api.send(label, 'POST', path, {
      body,
      headers: {
        authorization: oauth1Authorization({ method: 'POST', url: `${api.side.url}${path}`, consumerKey: consumer.id, consumerSecret: consumer.secret, ...sign }),
        ...headers,
      },
    });

  await signed('request token without a project', '/OS-OAUTH1/request_token', { callback: 'oob' });
  await signed('request token for a missing project', '/OS-OAUTH1/request_token', { callback: 'oob' }, { 'requested-project-id': 'f'.repeat(32) });
  await signed('request token, bad signature', '/OS-OAUTH1/request_token', { callback: 'oob', consumerSecret: 'wrong' }, { 'requested-project-id': projectId });
  const request = await signed('request token', '/OS-OAUTH1/request_token', { callback: 'oob' }, { 'requested-project-id': projectId });
  const { oauth_token: requestKey, oauth_token_secret: requestSecret } = request.body as Record<string, string>;

  await signed('access token before authorization', '/OS-OAUTH1/access_token', { token: requestKey, tokenSecret: requestSecret, verifier: 'ABCDEFGH' });
  await api.call('authorize with a role not held', 'PUT', `/OS-OAUTH1/authorize/${requestKey}`, { roles: [{ id: 'f'.repeat(32) }] }, api.side.project);
  await api.call('authorize with a bad role ref', 'PUT', `/OS-OAUTH1/authorize/${requestKey}`, { roles: [{ id: 'a', name: 'b' }] }, api.side.project);
  await api.call('authorize with a system token', 'PUT', `/OS-OAUTH1/authorize/${requestKey}`, { roles: [{ name: 'admin' }] });
  const authorized = await api.call('authorize', 'PUT', `/OS-OAUTH1/authorize/${requestKey}`, { roles: [{ id: roleId }] }, api.side.project);
  const verifier = authorized.body.token.oauth_verifier as string;
  await signed('access token, wrong verifier', '/OS-OAUTH1/access_token', { token: requestKey, tokenSecret: requestSecret, verifier: 'ABCDEFGH' });
  await signed('access token, bad signature', '/OS-OAUTH1/access_token', { token: requestKey, tokenSecret: 'wrong', verifier });
  const access = await signed('access token', '/OS-OAUTH1/access_token', { token: requestKey, tokenSecret: requestSecret, verifier });
  const { oauth_token: accessKey, oauth_token_secret: accessSecret } = access.body as Record<string, string>;
  await signed('request token used twice', '/OS-OAUTH1/access_token', { token: requestKey, tokenSecret: requestSecret, verifier });

  const body = { auth: { identity: { methods: ['oauth1'], oauth1: {} } } };
  await signed('oauth1 token, forged secret', '/auth/tokens', { token: accessKey, tokenSecret: 'forged' }, {}, body);
  const token = await signed('oauth1 token', '/auth/tokens', { token: accessKey, tokenSecret: accessSecret }, {}, body);
  await validate(api, token.headers);

  const userPath = `/users/${token.body.token.user.id as string}/OS-OAUTH1/access_tokens`;
  await api.call('list access tokens', 'GET', userPath, undefined, api.side.project);
  await api.call('get access token', 'GET', `${userPath}/${accessKey}`, undefined, api.side.project);
  await api.call('access token roles', 'GET', `${userPath}/${accessKey}/roles`, undefined, api.side.project);
  await api.call('access tokens with a system token', 'GET', userPath);
  await api.call('delete access token', 'DELETE', `${userPath}/${accessKey}`, undefined, api.side.project);
  await api.call('deleted access token', 'GET', `${userPath}/${accessKey}`, undefined, api.side.project);
  await api.call('delete consumer', 'DELETE', `/OS-OAUTH1/consumers/${consumer.id}`);
  await api.call('deleted consumer', 'GET', `/OS-OAUTH1/consumers/${consumer.id}`);
};

/** Validates the oauth1 token just issued (its X-Subject-Token) with the system token. */
async function validate(api: Recorder, headers: Headers): Promise<void> {
  const subject = headers.get('x-subject-token');
  if (subject === null) return;
  await api.send('validate the oauth1 token', 'GET', '/auth/tokens', { headers: { 'x-auth-token': api.side.system, 'x-subject-token': subject } });
}
