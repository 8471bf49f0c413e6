import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac } from 'node:crypto';
import {
  decodeFernetKey, encodeFernetKey, fernetEncrypt, FernetInvalidKeyError, FernetInvalidTokenError, generateFernetKey, MultiFernet,
} from '@baton/fernet';

// The published vector from https://github.com/fernet/spec (generate.json / verify.json).
const SPEC_KEY = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const SPEC_TOKEN =
  'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==';
const SPEC_IV = Uint8Array.from({ length: 16 }, (_, i) => i);
const INVALID = { code: 'ERR_FERNET_INVALID_TOKEN', message: 'Invalid Fernet token' };

const key = decodeFernetKey(SPEC_KEY);
const text = (s: string) => new TextEncoder().encode(s);

function bytesOf(token: string): Buffer {
  return Buffer.from(token, 'base64url');
}
function tokenOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url').padEnd(Math.ceil(bytes.length / 3) * 4, '=');
}
function flip(token: string, index: number): string {
  const bytes = bytesOf(token);
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return tokenOf(bytes);
}
function rejects(fernet: MultiFernet, token: string, reason?: RegExp): void {
  assert.throws(() => fernet.decrypt(token), (error: unknown) => {
    assert.ok(error instanceof FernetInvalidTokenError);
    assert.equal(error.code, INVALID.code);
    assert.equal(error.message, INVALID.message);
    if (reason) assert.match((error.cause as Error).message, reason);
    return true;
  });
}

describe('fernetEncrypt', () => {
  it('reproduces the Fernet spec vector', () => {
    assert.equal(fernetEncrypt(key, text('hello'), { timestamp: 499162800, iv: SPEC_IV }), SPEC_TOKEN);
  });

  it('uses the current second and a fresh IV by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const a = new MultiFernet([key]).decrypt(fernetEncrypt(key, text('x')));
    assert.ok(a.timestamp >= before && a.timestamp <= Math.floor(Date.now() / 1000));
    assert.notEqual(fernetEncrypt(key, text('x')), fernetEncrypt(key, text('x')));
  });

  it('rejects caller mistakes with TypeError', () => {
    assert.throws(() => fernetEncrypt(new Uint8Array(16), text('x')), TypeError);
    assert.throws(() => fernetEncrypt(key, text('x'), { iv: new Uint8Array(8) }), TypeError);
    assert.throws(() => fernetEncrypt(key, text('x'), { timestamp: -1 }), TypeError);
    assert.throws(() => fernetEncrypt(key, text('x'), { timestamp: 1.5 }), TypeError);
    assert.throws(() => new MultiFernet([]), TypeError);
  });
});

describe('MultiFernet', () => {
  it('decrypts the spec vector, padded and unpadded', () => {
    const fernet = new MultiFernet([key]);
    for (const token of [SPEC_TOKEN, SPEC_TOKEN.replace(/=+$/, '')]) {
      const { plaintext, timestamp } = fernet.decrypt(token);
      assert.equal(plaintext.toString(), 'hello');
      assert.equal(timestamp, 499162800);
    }
  });

  it('round-trips empty, block-sized and long plaintexts', () => {
    const fernet = new MultiFernet([key]);
    for (const size of [0, 15, 16, 17, 1000]) {
      const plaintext = Buffer.alloc(size, 0xab);
      assert.deepEqual(fernet.decrypt(fernet.encrypt(plaintext)).plaintext, plaintext);
    }
  });

  it('encrypts with the first key and decrypts with any key', () => {
    const other = decodeFernetKey(generateFernetKey());
    const token = new MultiFernet([other, key]).encrypt(text('a'), { timestamp: 1, iv: SPEC_IV });
    assert.equal(token, fernetEncrypt(other, text('a'), { timestamp: 1, iv: SPEC_IV }));
    assert.equal(new MultiFernet([key, other]).decrypt(token).plaintext.toString(), 'a');
    assert.equal(new MultiFernet([key, other]).decrypt(SPEC_TOKEN).plaintext.toString(), 'hello');
  });

  it('rejects a flipped byte in every region of the token', () => {
    const fernet = new MultiFernet([key]);
    const regions = { version: 0, timestamp: 4, iv: 12, ciphertext: 30, mac: bytesOf(SPEC_TOKEN).length - 1 };
    for (const [region, index] of Object.entries(regions)) {
      rejects(fernet, flip(SPEC_TOKEN, index), region === 'version' ? /version/ : /MAC/);
    }
  });

  it('rejects truncated, extended, empty and garbage tokens', () => {
    const fernet = new MultiFernet([key]);
    const bytes = bytesOf(SPEC_TOKEN);
    rejects(fernet, tokenOf(bytes.subarray(0, bytes.length - 1)), /length/);
    rejects(fernet, tokenOf(bytes.subarray(0, 57)), /length/);
    rejects(fernet, tokenOf(Buffer.concat([bytes, Buffer.alloc(16)])), /MAC/);
    rejects(fernet, '', /version/);
    rejects(fernet, 'not a token', /base64/);
    rejects(fernet, SPEC_TOKEN.slice(0, 20) + '*' + SPEC_TOKEN.slice(21), /base64/);
    rejects(fernet, SPEC_TOKEN.replace(/=+$/, '='), /base64/);
    rejects(fernet, SPEC_TOKEN + '==', /base64/);
    assert.throws(() => fernet.decrypt(42 as unknown as string), TypeError);
  });

  it('rejects a token whose last character carries stray bits (one token, one spelling)', () => {
    const unpadded = SPEC_TOKEN.replace(/=+$/, ''); // the last character holds 4 unused bits
    const last = unpadded.at(-1) as string;
    const sibling = String.fromCharCode(last.charCodeAt(0) + 1);
    assert.deepEqual(Buffer.from(unpadded.slice(0, -1) + sibling, 'base64url'), bytesOf(SPEC_TOKEN));
    rejects(new MultiFernet([key]), unpadded.slice(0, -1) + sibling, /base64/);
  });

  it('rejects a wrong version byte even with a valid MAC', () => {
    const bytes = bytesOf(SPEC_TOKEN);
    bytes[0] = 0x81;
    const mac = createHmac('sha256', key.subarray(0, 16)).update(bytes.subarray(0, -32)).digest();
    bytes.set(mac, bytes.length - 32);
    rejects(new MultiFernet([key]), tokenOf(bytes), /version/);
  });

  it('rejects a token made under another key', () => {
    const foreign = fernetEncrypt(decodeFernetKey(generateFernetKey()), text('hello'));
    rejects(new MultiFernet([key]), foreign, /MAC/);
  });

  it('rejects bad padding under a valid MAC, and checks the MAC first', () => {
    const cipher = createCipheriv('aes-128-cbc', key.subarray(16), SPEC_IV).setAutoPadding(false);
    const ciphertext = Buffer.concat([cipher.update(Buffer.alloc(16, 0)), cipher.final()]); // last byte 0: not PKCS7
    const header = Buffer.concat([Buffer.from([0x80]), Buffer.alloc(8), SPEC_IV]);
    const signed = Buffer.concat([header, ciphertext]);
    const mac = createHmac('sha256', key.subarray(0, 16)).update(signed).digest();
    const badPadding = tokenOf(Buffer.concat([signed, mac]));
    rejects(new MultiFernet([key]), badPadding, /padding/);
    // Same bytes, broken MAC: the MAC failure is reported, so decryption never ran.
    rejects(new MultiFernet([key]), flip(badPadding, bytesOf(badPadding).length - 1), /MAC/);
  });
});

describe('Fernet keys', () => {
  it('generates 44-character padded urlsafe keys that decode to 32 bytes', () => {
    const text = generateFernetKey();
    assert.match(text, /^[A-Za-z0-9_-]{43}=$/);
    assert.equal(decodeFernetKey(text).length, 32);
    assert.notEqual(generateFernetKey(), text);
  });

  it('accepts surrounding whitespace and a missing pad, as key files may have', () => {
    assert.deepEqual(decodeFernetKey(`${SPEC_KEY}\n`), key);
    assert.deepEqual(decodeFernetKey(SPEC_KEY.slice(0, -1)), key);
  });

  it('rejects keys of the wrong length or alphabet with a coded error', () => {
    for (const bad of ['', 'abc', SPEC_KEY.slice(0, 40), SPEC_KEY.replace('_', '/'), Buffer.alloc(31).toString('base64url')]) {
      assert.throws(() => decodeFernetKey(bad), {
        name: 'FernetInvalidKeyError',
        code: FernetInvalidKeyError.code,
        message: 'Fernet key must be 32 url-safe base64-encoded bytes',
      });
    }
    assert.throws(() => decodeFernetKey(undefined as unknown as string), TypeError);
  });
});

describe('encodeFernetKey', () => {
  it('writes the key file text decodeFernetKey reads (44 chars, urlsafe, padded)', () => {
    assert.equal(encodeFernetKey(key), SPEC_KEY);
    const fresh = generateFernetKey();
    assert.equal(encodeFernetKey(decodeFernetKey(fresh)), fresh);
    assert.throws(() => encodeFernetKey(new Uint8Array(31)), { name: 'TypeError', message: 'Fernet key must be a Uint8Array of 32 bytes' });
  });
});
