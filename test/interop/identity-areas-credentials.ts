// The credentials area of the differential suite: /v3/credentials, OS-EC2 credentials and
// /v3/ec2tokens with a signature made by keystoneclient's Ec2Signer.
import { randomUUID } from 'node:crypto';
import { ec2Sign, issuePasswordToken } from '@baton/test-support';
import type { Recorder, Sequence } from './identity-areas-sequences.ts';

/** Set-up calls whose answers belong to other areas (users, roles): sent, not recorded. */
async function setUp(api: Recorder, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${api.side.url}${path}`, {
    method,
    headers: { 'x-auth-token': api.side.system, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${api.side.name}: ${method} ${path}: ${response.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

export const credentialsSequence: Sequence = async (api) => {
  const name = api.unique('cred-user');
  const projectName = api.unique('cred-project');
  const projectId = (await setUp(api, 'POST', '/projects', { project: { name: projectName, domain_id: 'default' } })).project.id as string;
  const userId = (await setUp(api, 'POST', '/users', { user: { name, domain_id: 'default', password: 'cred-secret' } })).user.id as string;
  const member = (await setUp(api, 'GET', '/roles?name=member')).roles[0].id as string;
  await setUp(api, 'PUT', `/projects/${projectId}/users/${userId}/roles/${member}`);
  const own = (await issuePasswordToken(api.side.url, name, 'cred-secret', { project: projectName })).token;
  const adminId = (await setUp(api, 'GET', '/users?name=admin')).users[0].id as string;

  const cert = await api.call('create', 'POST', '/credentials', { credential: { type: 'cert', blob: 'b1', user_id: userId, label: 'x' } });
  const certId = cert.body.credential.id as string;
  // Hex like Keystone's own keys, so the links compare as ids.
  const access = randomUUID().replaceAll('-', '');
  const ec2 = { type: 'ec2', blob: JSON.stringify({ access, secret: 'sk' }), user_id: userId, project_id: projectId };
  const created = await api.call('create ec2', 'POST', '/credentials', { credential: ec2 });
  const ec2Id = created.body.credential.id as string;
  await api.call('duplicate ec2', 'POST', '/credentials', { credential: ec2 });
  await api.call('ec2 without project', 'POST', '/credentials', { credential: { ...ec2, project_id: undefined } });
  await api.call('blob not JSON', 'POST', '/credentials', { credential: { ...ec2, blob: '{' } });
  await api.call('blob without access', 'POST', '/credentials', { credential: { ...ec2, blob: '{"secret": "s"}' } });
  await api.call('no credential', 'POST', '/credentials', {});
  await api.call('get', 'GET', `/credentials/${certId}`);
  await api.call('list by type', 'GET', `/credentials?user_id=${userId}&type=ec2`);
  await api.call('update', 'PATCH', `/credentials/${certId}`, { credential: { blob: 'b2' } });
  await api.call('update type', 'PATCH', `/credentials/${certId}`, { credential: { blob: 'b3', type: 'other' } });
  await api.call('update ec2 trust', 'PATCH', `/credentials/${ec2Id}`, { credential: { blob: JSON.stringify({ access, trust_id: 't' }) } });
  const admins = await api.call("admin's", 'POST', '/credentials', { credential: { type: 'cert', blob: 'a', user_id: adminId } });
  await api.call('user lists', 'GET', '/credentials', undefined, own);
  await api.call("user gets admin's", 'GET', `/credentials/${admins.body.credential.id as string}`, undefined, own);

  const base = `/users/${userId}/credentials/OS-EC2`;
  const pair = await api.call('ec2 create', 'POST', base, { tenant_id: projectId }, own);
  const { access: pairAccess, secret } = pair.body.credential as { access: string; secret: string };
  await api.call('ec2 create without tenant', 'POST', base, {}, own);
  await api.call('ec2 list', 'GET', base, undefined, own);
  await api.call('ec2 get', 'GET', `${base}/${pairAccess}`, undefined, own);
  await api.call('ec2 list (HEAD)', 'HEAD', base, undefined, own);
  await api.call('ec2 get (HEAD)', 'HEAD', `${base}/${pairAccess}`, undefined, own);
  await api.call("ec2 list admin's", 'GET', `/users/${adminId}/credentials/OS-EC2`, undefined, own);

  const request = { access: pairAccess, host: 'ec2.example:8773', verb: 'GET', path: '/', params: { Action: 'DescribeInstances', SignatureVersion: '2' } };
  const [signature] = ec2Sign([[secret, request]]);
  await api.call('ec2tokens', 'POST', '/ec2tokens?nocatalog', { credentials: { ...request, signature } }, api.side.project);
  await api.call('ec2tokens bad signature', 'POST', '/ec2tokens', { credentials: { ...request, signature: 'forged' } }, api.side.project);
  await api.call('ec2tokens unknown access', 'POST', '/ec2tokens', { credentials: { ...request, access: 'nope' } }, api.side.project);
  await api.call('ec2tokens no body', 'POST', '/ec2tokens', {}, api.side.project);
  await api.call('ec2tokens as the user', 'POST', '/ec2tokens', { credentials: request }, own);

  await api.call('ec2 delete', 'DELETE', `${base}/${pairAccess}`, undefined, own);
  await api.call('delete', 'DELETE', `/credentials/${certId}`);
  await api.call('delete again', 'DELETE', `/credentials/${certId}`);
};
