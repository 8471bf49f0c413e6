// /v3/credentials, OS-EC2 credentials and /v3/ec2tokens in-process: shapes, Keystone's
// messages, who sees what, the blobs at rest, key rotation with migration, and signatures
// made by the real keystoneclient signer. Statuses and shapes against the real Keystone
// are in test/interop/identity-differential-areas.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FernetKeyRepository } from '@baton/fernet';
import { ec2Sign, startTestIdentity, type Ec2Request, type TestIdentity } from '@baton/test-support';
import { BASE, CLIENT_ERROR, adminCaller, applicationCredentialCaller, assertError, forbidden, json, memberCaller, type Caller } from './crud-helpers.ts';

let identity: TestIdentity;
let limited: TestIdentity;
let admin: Caller;
let alice: Awaited<ReturnType<typeof memberCaller>>;
let bob: Awaited<ReturnType<typeof memberCaller>>;

before(async () => {
  [identity, limited] = await Promise.all([startTestIdentity(), startTestIdentity({ credentialUserLimit: 1 })]);
  admin = await adminCaller(identity);
  [alice, bob] = await Promise.all([memberCaller(identity, 'alice'), memberCaller(identity, 'bob')]);
});
after(() => Promise.all([identity.close(), limited.close()]));

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('/v3/credentials', () => {
  test('create, get, list, update and delete in Keystone shapes', async () => {
    const created = await admin('POST', '/v3/credentials', { credential: { type: 'cert', blob: 'b1', user_id: alice.userId, label: 'x' } });
    assert.equal(created.statusCode, 201, created.body);
    const { credential } = json(created);
    assert.deepEqual(credential, {
      user_id: alice.userId,
      project_id: null,
      type: 'cert',
      id: credential.id,
      blob: 'b1',
      label: 'x',
      links: { self: `${BASE}/credentials/${credential.id}` },
    });
    assert.match(credential.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(json(await admin('GET', `/v3/credentials/${credential.id}`)).credential, credential);
    const listed = json(await admin('GET', `/v3/credentials?type=cert&user_id=${alice.userId}`));
    assert.deepEqual(listed.credentials, [credential]);
    assert.equal(listed.links.self, `${BASE}/credentials?type=cert&user_id=${alice.userId}`);
    const updated = await admin('PATCH', `/v3/credentials/${credential.id}`, { credential: { blob: 'b2' } });
    assert.equal(json(updated).credential.blob, 'b2');
    assert.equal((await admin('DELETE', `/v3/credentials/${credential.id}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/credentials/${credential.id}`), 404, `Could not find credential: ${credential.id}.`);
  });

  test('stores blobs encrypted with the primary key, recording its hash', async () => {
    const { credential } = json(await admin('POST', '/v3/credentials', { credential: { type: 'cert', blob: 'top secret', user_id: alice.userId } }));
    const row = await identity.service.storage.credential.getCredential(credential.id);
    assert.ok(!row.encryptedBlob.includes('top secret'));
    const keys = join(identity.dir, 'credential-keys');
    const primary = readFileSync(join(keys, String(Math.max(...readdirSync(keys).map(Number)))), 'utf8');
    assert.equal(row.keyHash, createHash('sha1').update(primary).digest('hex'));
    assert.equal(statSync(keys).mode & 0o777, 0o700);
    for (const key of readdirSync(keys)) assert.equal(statSync(join(keys, key)).mode & 0o777, 0o600);
  });

  test('an ec2 blob is JSON with access; its id is the access key hash', async () => {
    const blob = JSON.stringify({ access: 'ak-1', secret: 'sk-1' });
    const created = await admin('POST', '/v3/credentials', { credential: { type: 'ec2', blob, user_id: alice.userId, project_id: alice.projectId } });
    assert.equal(json(created).credential.id, sha256('ak-1'));
    assertError(
      await admin('POST', '/v3/credentials', { credential: { type: 'ec2', blob, user_id: alice.userId, project_id: alice.projectId } }),
      409,
      `Conflict occurred attempting to store credential - Duplicate entry found with ID ${sha256('ak-1')}.`,
    );
    const noProject = await admin('POST', '/v3/credentials', { credential: { type: 'ec2', blob, user_id: alice.userId } });
    assert.equal(noProject.statusCode, 400);
    assert.match(json(noProject).error.message, /is not valid under any of the given schemas$/);
    const bad = { type: 'ec2', user_id: alice.userId, project_id: alice.projectId };
    assertError(await admin('POST', '/v3/credentials', { credential: { ...bad, blob: '{' } }), 400, 'Invalid blob in credential');
    assertError(await admin('POST', '/v3/credentials', { credential: { ...bad, blob: '{"secret": "s"}' } }), 400, `Expecting to find access in credential.${CLIENT_ERROR}`);
    const id = sha256('ak-1');
    assertError(
      await admin('PATCH', `/v3/credentials/${id}`, { credential: { blob: JSON.stringify({ access: 'ak-1', trust_id: 't' }) } }),
      400,
      'trust_id can not be updated for credential',
    );
    assertError(
      await admin('PATCH', `/v3/credentials/${id}`, { credential: { blob: 'x', type: 'cert' } }),
      400,
      "Additional properties are not allowed ('type' was unexpected)",
    );
  });

  test('a user manages only their own credentials; a delegated token none', async () => {
    const mine = await alice('POST', '/v3/credentials', { credential: { type: 'cert', blob: 'a', user_id: alice.userId } });
    assert.equal(mine.statusCode, 201, mine.body);
    const theirs = json(await bob('POST', '/v3/credentials', { credential: { type: 'cert', blob: 'b', user_id: bob.userId } })).credential;
    assertError(await alice('POST', '/v3/credentials', { credential: { type: 'cert', blob: 'a', user_id: bob.userId } }), 403, forbidden('create_credential'));
    assertError(await alice('GET', `/v3/credentials/${theirs.id}`), 403, forbidden('get_credential'));
    assertError(await alice('DELETE', `/v3/credentials/${theirs.id}`), 403, forbidden('delete_credential'));
    const seen = json(await alice('GET', '/v3/credentials')).credentials as { user_id: string }[];
    assert.ok(seen.length > 0 && seen.every((c) => c.user_id === alice.userId));

    const delegated = await applicationCredentialCaller(identity, alice, { name: 'ac' });
    assertError(
      await delegated('GET', `/v3/credentials/${json(mine).credential.id}`),
      403,
      'You are not authorized to perform the requested action: Delegated tokens cannot access credentials directly.',
    );
    assert.deepEqual(json(await delegated('GET', '/v3/credentials')).credentials, []);
  });

  test('[credential] user_limit refuses one credential more', async () => {
    const limitedAdmin = await adminCaller(limited);
    const user = limited.boot.userId;
    assert.equal((await limitedAdmin('POST', '/v3/credentials', { credential: { type: 'cert', blob: '1', user_id: user } })).statusCode, 201);
    assertError(
      await limitedAdmin('POST', '/v3/credentials', { credential: { type: 'cert', blob: '2', user_id: user } }),
      403,
      'Unable to create additional credentials, maximum of 1 already exceeded for user.',
    );
  });

  test('rotation waits for migration; migrated blobs still decrypt', async () => {
    const { credentials } = identity.service;
    const { credential } = json(await admin('POST', '/v3/credentials', { credential: { type: 'cert', blob: 'kept', user_id: bob.userId } }));
    assert.deepEqual(await credentials.notOnPrimaryKey(), []);
    new FernetKeyRepository({ path: join(identity.dir, 'credential-keys'), maxActiveKeys: 3 }).rotate();
    assert.ok((await credentials.notOnPrimaryKey()).includes(credential.id));
    assert.ok((await credentials.migrate()) > 0);
    assert.deepEqual(await credentials.notOnPrimaryKey(), []);
    assert.equal((await credentials.get(credential.id)).blob, 'kept');
  });
});

describe('OS-EC2 credentials and /v3/ec2tokens', () => {
  let access: string;
  let secret: string;

  test('a member creates, lists, gets and deletes their own', async () => {
    const base = `/v3/users/${alice.userId}/credentials/OS-EC2`;
    const created = await alice('POST', base, { tenant_id: alice.projectId });
    assert.equal(created.statusCode, 201, created.body);
    const { credential } = json(created);
    ({ access, secret } = credential);
    assert.deepEqual(credential, {
      user_id: alice.userId,
      tenant_id: alice.projectId,
      access,
      secret,
      trust_id: null,
      links: { self: `${BASE}/users/${alice.userId}/credentials/OS-EC2/${access}` },
    });
    assert.deepEqual(json(await alice('GET', `${base}/${access}`)).credential, credential);
    assert.ok((json(await alice('GET', base)).credentials as { access: string }[]).some((c) => c.access === access));
    // The same credential through /v3/credentials, its blob as Keystone's json.dumps writes it.
    const v3 = json(await alice('GET', `/v3/credentials/${sha256(access)}`)).credential;
    assert.equal(v3.blob, `{"access": "${access}", "secret": "${secret}", "trust_id": null}`);

    assertError(await bob('GET', base), 403, forbidden('ec2_list_credentials'));
    assertError(await bob('GET', `${base}/${access}`), 403, forbidden('ec2_get_credential'));
    assertError(await alice('GET', `${base}/nope`), 404, `Could not find credential: ${sha256('nope')}.`);
    assertError(await alice('POST', base, {}), 404, 'Could not find project: None.');

    const spare = json(await alice('POST', base, { tenant_id: alice.projectId })).credential.access as string;
    assert.equal((await alice('DELETE', `${base}/${spare}`)).statusCode, 204);
    assertError(await alice('GET', `${base}/${spare}`), 404, `Could not find credential: ${sha256(spare)}.`);
  });

  function v2(): Ec2Request {
    return { access, host: 'ec2.example:8773', verb: 'GET', path: '/', params: { Action: 'DescribeInstances', SignatureVersion: '2', Timestamp: new Date().toISOString().slice(0, 19) + 'Z' } };
  }

  function v4(): Ec2Request {
    const date = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';
    const scope = `${access}/${date.slice(0, 8)}/RegionOne/ec2/aws4_request`;
    return {
      access,
      host: 'ec2.example:8773',
      verb: 'POST',
      path: '/',
      params: {},
      headers: { Host: 'ec2.example:8773', 'X-Amz-Date': date, Authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date, Signature=x` },
      body_hash: sha256('Action=DescribeInstances'),
    };
  }

  test('signatures v2 and v4 made by keystoneclient give a project token; anything else a 401', async () => {
    const requests = [v2(), v4()];
    const signatures = ec2Sign(requests.map((r) => [secret, r] as const));
    for (const [i, request] of requests.entries()) {
      const response = await admin('POST', '/v3/ec2tokens', { credentials: { ...request, signature: signatures[i] } });
      assert.equal(response.statusCode, 200, response.body);
      const { token } = json(response);
      assert.equal(token.user.id, alice.userId);
      assert.equal(token.project.id, alice.projectId);
      assert.deepEqual(token.methods, ['ec2credential']);
      const check = await identity.app.inject({ method: 'GET', url: '/v3/auth/tokens', headers: { 'x-auth-token': admin.token, 'x-subject-token': response.headers['x-subject-token'] as string } });
      assert.equal(json(check).token.project.id, alice.projectId);
    }
    const generic = 'The request you have made requires authentication.';
    const [request] = requests as [Ec2Request];
    assertError(await admin('POST', '/v3/ec2tokens', { credentials: { ...request, signature: 'forged' } }), 401, generic);
    assertError(await admin('POST', '/v3/ec2tokens', { credentials: request }), 401, generic);
    const old = { ...request, params: { ...request.params, Timestamp: '2020-01-01T00:00:00Z' } };
    const [oldSignature] = ec2Sign([[secret, old]]);
    assertError(await admin('POST', '/v3/ec2tokens', { credentials: { ...old, signature: oldSignature } }), 401, generic);
    assertError(await admin('POST', '/v3/ec2tokens', { credentials: { ...request, access: 'unknown' } }), 404, `Could not find credential: ${sha256('unknown')}.`);
    assertError(await admin('POST', '/v3/ec2tokens', {}), 400, 'request must include a request body');
    assertError(await alice('POST', '/v3/ec2tokens', { credentials: request }), 403, forbidden('ec2tokens_validate'));
  });

  test('no ec2tokens body answers 500, however odd', async () => {
    const odd: unknown[] = [
      [],
      'text',
      { credentials: [] },
      { credentials: { access: 1 } },
      { credentials: { access, signature: 1, params: [], headers: 'h' } },
      { credentials: { access, signature: 's', params: { SignatureVersion: '9' } } },
      { credentials: { access, signature: 's', host: '[::1', params: { SignatureVersion: '2' } } },
      { credentials: { access, signature: 's', params: { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' } } },
      { credentials: { access, signature: 's', headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=a' }, params: {} } },
      { credentials: { access, signature: 's', params: { Timestamp: 'yesterday', SignatureVersion: '0' } } },
    ];
    for (const payload of odd) {
      const response = await admin('POST', '/v3/ec2tokens', payload);
      assert.ok([400, 401].includes(response.statusCode), `${JSON.stringify(payload)}: ${response.statusCode} ${response.body}`);
    }
  });

  test("deleting a user deletes the user's credentials", async () => {
    const carol = await memberCaller(identity, 'carol');
    const { credential } = json(await carol('POST', `/v3/users/${carol.userId}/credentials/OS-EC2`, { tenant_id: carol.projectId }));
    assert.equal((await admin('DELETE', `/v3/users/${carol.userId}`)).statusCode, 204);
    assertError(await admin('GET', `/v3/credentials/${sha256(credential.access)}`), 404, `Could not find credential: ${sha256(credential.access)}.`);
  });
});
