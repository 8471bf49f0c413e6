import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '@msgpack/msgpack';
import { decodeFernetKey, fernetEncrypt, generateFernetKey } from '@baton/fernet';
import {
  formatKeystoneTime, isWithinWindow, TokenFormatter, TokenInvalidError, TokenPayloadUnsupportedError, type TokenPayload,
} from '@baton/tokens';
import { expectedPayload, vectors } from './fixtures.ts';

const key = decodeFernetKey(vectors.key);
const iv = Buffer.from(vectors.ivHex, 'hex');
const formatter = new TokenFormatter({ keys: () => [key], authMethods: vectors.authMethods, defaultDomainId: 'default' });
const INVALID = { name: 'TokenInvalidError', code: 'ERR_TOKEN_INVALID', message: 'Could not recognize Fernet token' };

const sample: TokenPayload = {
  kind: 'project', userId: 'a'.repeat(32), methods: ['password'], expiresAt: 1795329621, auditIds: ['qL2g4nYXRjmM3y9Ii3mEow'],
  projectId: 'b'.repeat(32),
};

function tamper(token: string, index: number): string {
  const bytes = Buffer.from(token, 'base64url');
  bytes[index] = (bytes[index] as number) ^ 0x04;
  return bytes.toString('base64url');
}

describe('TokenFormatter against Keystone vectors', () => {
  for (const v of vectors.vectors) {
    it(`${v.name}: creates Keystone's exact token`, () => {
      const created = formatter.create(v.payload, { now: vectors.timestamp, iv });
      assert.equal(created.tokenId, v.token);
      assert.equal(created.issuedAt, vectors.timestamp);
    });

    it(`${v.name}: parses to the fields Keystone reads`, () => {
      const { payload, issuedAt } = formatter.parse(v.token);
      assert.deepEqual(payload, expectedPayload(v.payload.kind, v.keystone, v.payload.expiresAt));
      assert.equal(formatKeystoneTime(issuedAt), v.keystone.issued_at);
      assert.equal(formatKeystoneTime(payload.expiresAt), v.keystone.expires_at);
    });
  }

  it('emits unpadded tokens starting gAAAAA, and round-trips every kind with random IVs', () => {
    for (const v of vectors.vectors) {
      const { tokenId } = formatter.create(v.payload);
      assert.match(tokenId, /^gAAAAA[A-Za-z0-9_-]+$/);
      assert.equal(formatter.parse(tokenId).payload.kind, v.payload.kind);
    }
  });

  it('parses padded tokens and strips surrounding whitespace', () => {
    const token = vectors.vectors[0]?.token as string;
    const padded = token + '='.repeat((4 - (token.length % 4)) % 4);
    assert.equal(formatter.parse(padded).issuedAt, vectors.timestamp);
    assert.equal(formatter.parse(` \t${token}\r\n`).issuedAt, vectors.timestamp);
  });

  it('reads tokens made under any key it holds, and encrypts with the first', () => {
    const newer = decodeFernetKey(generateFernetKey());
    const rotated = new TokenFormatter({ keys: () => [newer, key], authMethods: vectors.authMethods, defaultDomainId: 'default' });
    const old = vectors.vectors[0]?.token as string;
    assert.equal(rotated.parse(old).payload.userId, vectors.vectors[0]?.keystone.user_id);
    assert.throws(() => formatter.parse(rotated.create(sample).tokenId), INVALID);
  });
});

describe('TokenFormatter rejects unreadable tokens with one error', () => {
  const token = formatter.create(sample, { now: 1_700_000_000 }).tokenId;

  it('tampered in any region', () => {
    for (const index of [0, 3, 12, 40, 100, Buffer.from(token, 'base64url').length - 1]) {
      assert.throws(() => formatter.parse(tamper(token, index)), INVALID);
    }
  });

  it('truncated, garbage, empty, or under a foreign key', () => {
    assert.throws(() => formatter.parse(token.slice(0, -4)), INVALID);
    assert.throws(() => formatter.parse(token.slice(0, 40)), INVALID);
    assert.throws(() => formatter.parse('garbage'), INVALID);
    assert.throws(() => formatter.parse(''), INVALID);
    assert.throws(() => formatter.parse(`${token.slice(0, 50)}!${token.slice(51)}`), INVALID);
    const foreign = new TokenFormatter({ keys: () => [decodeFernetKey(generateFernetKey())], authMethods: vectors.authMethods, defaultDomainId: 'default' });
    assert.throws(() => formatter.parse(foreign.create(sample).tokenId), INVALID);
  });

  it('expired and tampered: the tamper is what is reported', () => {
    const expired = formatter.create({ ...sample, expiresAt: 1_000_000_000 }, { now: 999_990_000 }).tokenId;
    assert.equal(isWithinWindow(formatter.parse(expired).payload.expiresAt, Date.now() / 1000, 172800), false);
    assert.throws(() => formatter.parse(tamper(expired, 60)), (error: unknown) => {
      assert.ok(error instanceof TokenInvalidError);
      assert.equal(error.message, 'Could not recognize Fernet token');
      assert.equal(error.code, TokenInvalidError.code);
      assert.equal((error.cause as { code?: string }).code, 'ERR_FERNET_INVALID_TOKEN');
      return true;
    });
  });

  it('a genuine token whose plaintext is not a payload', () => {
    for (const plaintext of [Buffer.from('not msgpack \xc1'), encode([2, 'x']), encode({ a: 1 }), encode([]), encode([2, [true, 'short'], 2, [false, 'p'], 1.5, []])]) {
      const bad = fernetEncrypt(key, plaintext).replace(/=+$/, '');
      assert.throws(() => formatter.parse(bad), INVALID);
    }
    // Domain ids other than a UUID or the configured default are refused, as by Keystone.
    const otherDomain = fernetEncrypt(key, encode([1, [false, 'u'], 2, 'other', 1.5, []]));
    assert.throws(() => formatter.parse(otherDomain), INVALID);
  });

  it('federated and unknown payload versions are reported as unsupported', () => {
    for (const version of [4, 5, 6, 10, 42]) {
      const sealed = fernetEncrypt(key, encode([version, [false, 'u'], 2, [], 'idp', 'saml2', 1.5, []]));
      assert.throws(() => formatter.parse(sealed), (error: unknown) => {
        assert.ok(error instanceof TokenPayloadUnsupportedError);
        assert.equal(error.code, 'ERR_TOKEN_PAYLOAD_UNSUPPORTED');
        assert.equal(error.version, version);
        assert.equal(error.message, version <= 6
          ? `Fernet payload version ${version} (federated) is not supported`
          : `This is not a recognized Fernet payload version: ${version}`);
        return true;
      });
    }
  });
});

describe('TokenFormatter caller mistakes', () => {
  it('throws TypeError for payloads Keystone could not pack either', () => {
    const bad: TokenPayload[] = [
      { ...sample, kind: 'domain', domainId: 'not-default' },
      { ...sample, kind: 'trust', trustId: 'not-a-uuid' },
      { ...sample, methods: ['kerberos'] },
      { ...sample, auditIds: ['not base64!'] },
      { ...sample, expiresAt: Number.NaN },
    ];
    for (const payload of bad) assert.throws(() => formatter.create(payload), TypeError);
    assert.throws(() => formatter.parse(42 as unknown as string), TypeError);
  });

  it('throws TypeError for bad options', () => {
    assert.throws(() => new TokenFormatter({ keys: () => [key], authMethods: ['password', 'password'], defaultDomainId: 'default' }), TypeError);
    assert.throws(() => new TokenFormatter({ keys: () => [key], authMethods: ['password'], defaultDomainId: '' }), TypeError);
    assert.throws(() => new TokenFormatter({ keys: () => [], authMethods: ['password'], defaultDomainId: 'default' }).create(sample), TypeError);
  });
});
