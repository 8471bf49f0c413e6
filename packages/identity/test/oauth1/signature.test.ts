// OAuth1 signed requests checked against oauthlib, the library Keystone verifies them with
// and keystoneauth signs them with: what oauthlib signs, Baton accepts, and what Baton's
// test signer makes is what oauthlib makes; oauthlib's refusals are Baton's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { oauth1Authorization, type OAuth1SignOptions } from '@baton/test-support';
import { OAuthRequestError, readSignedRequest, signatureMatches } from '../../src/oauth1/signature.ts';

const SCRIPT = fileURLToPath(new URL('./oauth1_sign.py', import.meta.url));
const KEY = 'c'.repeat(32);
const NOW = 1_790_000_000;

function oauthlib(cases: object[]): unknown[] {
  const run = spawnSync('/usr/bin/python3', [SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as unknown[];
}

const cases: OAuth1SignOptions[] = [
  { method: 'POST', url: 'http://127.0.0.1:5000/v3/OS-OAUTH1/request_token', consumerKey: KEY, consumerSecret: 's3cr3t', callback: 'oob' },
  { method: 'POST', url: 'http://Keystone.example:80/v3/OS-OAUTH1/access_token?a=1&b=x%20y', consumerKey: KEY, consumerSecret: 'sec', token: 'a'.repeat(32), tokenSecret: 't&s', verifier: 'ABCDefgh' },
  { method: 'post', url: 'https://id.example/v3/auth/tokens', consumerKey: KEY, consumerSecret: 'é ü', token: 'b'.repeat(32), tokenSecret: '~._-' },
  { method: 'GET', url: 'http://h/v3/x?a=2&a2=1&a=1', consumerKey: KEY, consumerSecret: 'k' },
].map((c, i) => ({ ...c, nonce: `${i}abcdef0123456789`, timestamp: String(NOW + i) }));

describe('OAuth1 signatures as oauthlib makes and checks them', () => {
  it("accepts oauthlib's signatures and refuses them under another secret, method or URL", () => {
    const headers = oauthlib(cases) as string[];
    cases.forEach((c, i) => {
      const signed = { method: c.method.toUpperCase(), url: c.url, authorization: headers[i] };
      const request = readSignedRequest(signed, NOW);
      assert.equal(request.consumerKey, KEY);
      assert.equal(request.token, c.token);
      assert.equal(request.verifier, c.verifier);
      assert.ok(signatureMatches(request, c.consumerSecret, c.tokenSecret ?? null), `case ${i}`);
      assert.ok(!signatureMatches(request, `${c.consumerSecret}x`, c.tokenSecret ?? null), `case ${i}: other consumer secret`);
      assert.ok(!signatureMatches(request, c.consumerSecret, 'other'), `case ${i}: other token secret`);
      assert.ok(!signatureMatches(readSignedRequest({ ...signed, method: 'PUT' }, NOW), c.consumerSecret, c.tokenSecret ?? null));
      assert.ok(!signatureMatches(readSignedRequest({ ...signed, url: `${c.url.split('?')[0]}x` }, NOW), c.consumerSecret, c.tokenSecret ?? null));
    });
  });

  it("the test signer's headers are oauthlib's, byte for byte, and oauthlib verifies them", () => {
    const ours = cases.map(oauth1Authorization);
    assert.deepEqual(ours, oauthlib(cases));
    const verified = oauthlib(cases.map((c, i) => ({ ...c, method: c.method.toUpperCase(), authorization: ours[i] })));
    assert.deepEqual(verified, cases.map(() => true));
  });

  it("refuses what oauthlib refuses before any signature check, with oauthlib's description", () => {
    const good = { method: 'POST', url: 'http://h/v3/x', consumerKey: KEY, consumerSecret: 's', nonce: 'abc123', timestamp: String(NOW) };
    const header = oauth1Authorization(good);
    const refusals: [string, string][] = [
      [header.replace(/oauth_nonce="[^"]*", /, ''), 'Missing mandatory OAuth parameters.'],
      [`${header}, oauth_nonce="abc"`, 'Duplicate OAuth1 entries.'],
      [header.replace('oauth_version="1.0"', 'oauth_version="2.0"'), 'Invalid OAuth version.'],
      [header.replace(`oauth_timestamp="${NOW}"`, 'oauth_timestamp="123"'), 'Invalid timestamp size'],
      [header.replace(`oauth_timestamp="${NOW}"`, `oauth_timestamp="${NOW - 601}"`), 'Timestamp given is invalid, differ from allowed by over 600 seconds.'],
      [header.replace(`oauth_consumer_key="${KEY}"`, 'oauth_consumer_key="short"'), 'Invalid client key format.'],
      [header.replace('oauth_nonce="abc123"', 'oauth_nonce="xyz"'), 'Invalid nonce format.'],
    ];
    for (const [authorization, description] of refusals) {
      assert.throws(() => readSignedRequest({ method: 'POST', url: good.url, authorization }, NOW), (error: unknown) => {
        assert.ok(error instanceof OAuthRequestError);
        assert.equal(error.message, description);
        return true;
      });
    }
    assert.throws(() => readSignedRequest({ method: 'POST', url: good.url, authorization: header.replace('HMAC-SHA1', 'RSA-SHA1') }, NOW), { error: 'invalid_signature_method' });
    assert.throws(() => readSignedRequest({ method: 'POST', url: good.url, authorization: undefined }, NOW), { message: 'Cannot retrieve Authorization headers' });
  });
});
