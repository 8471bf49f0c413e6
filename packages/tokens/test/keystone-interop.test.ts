// Baton's token format against Keystone's real TokenFormatter (python3-keystone), sharing one
// key repository. Needs /usr/bin/python3 with keystone, msgpack and cryptography; fails, not
// skips, without them (CI installs python3-keystone).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FernetKeyRepository } from '@baton/fernet';
import { formatKeystoneTime, newAuditId, TokenFormatter, type TokenPayload } from '@baton/tokens';
import { expectedPayload, type KeystoneFields } from './fixtures.ts';

const SCRIPT = fileURLToPath(new URL('./python/interop.py', import.meta.url));
const AUTH_METHODS = ['password', 'token', 'external', 'application_credential', 'oauth1', 'mapped'];
const UUID = (c: string) => c.repeat(32);

interface KeystoneResult {
  parsed: (KeystoneFields | { error: string; message: string })[];
  created: { token: string; keystone: KeystoneFields }[];
  keys?: number[];
}

function keystone(request: object): KeystoneResult {
  const run = spawnSync('/usr/bin/python3', [SCRIPT], { input: JSON.stringify(request), encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.error, undefined, `cannot run /usr/bin/python3: ${run.error?.message}`);
  assert.equal(run.status, 0, `Keystone script failed (is python3-keystone installed?):\n${run.stderr}`);
  return JSON.parse(run.stdout) as KeystoneResult;
}

function payloads(expiresAt: number): TokenPayload[] {
  const common = { userId: UUID('1'), methods: ['password'], expiresAt, auditIds: [newAuditId()] };
  return [
    { kind: 'unscoped', ...common },
    { kind: 'domain', ...common, domainId: 'default' },
    { kind: 'domain', ...common, domainId: UUID('d') },
    { kind: 'project', ...common, methods: ['token', 'password'], projectId: UUID('2'), auditIds: [newAuditId(), newAuditId()] },
    { kind: 'project', ...common, userId: 'cn=ldap user,ou=people', projectId: 'not-a-uuid' },
    { kind: 'trust', ...common, projectId: UUID('2'), trustId: UUID('3') },
    { kind: 'system', ...common, system: 'all' },
    { kind: 'application_credential', ...common, methods: ['application_credential'], projectId: UUID('2'), applicationCredentialId: UUID('4') },
    { kind: 'oauth1', ...common, methods: ['oauth1'], projectId: UUID('2'), accessTokenId: UUID('5') },
  ];
}

/** Keystone's create_token arguments for the same payload. */
function keystoneArgs(p: TokenPayload): Record<string, unknown> {
  const args: Record<string, unknown> = {
    user_id: p.userId, methods: p.methods, expires_at: formatKeystoneTime(p.expiresAt), audit_ids: p.auditIds,
  };
  if (p.kind === 'domain') args.domain_id = p.domainId;
  if (p.kind === 'project' || p.kind === 'trust' || p.kind === 'application_credential' || p.kind === 'oauth1') args.project_id = p.projectId;
  if (p.kind === 'trust') args.trust_id = p.trustId;
  if (p.kind === 'system') args.system = p.system;
  if (p.kind === 'application_credential') args.app_cred_id = p.applicationCredentialId;
  if (p.kind === 'oauth1') args.access_token_id = p.accessTokenId;
  return args;
}

describe('Baton tokens and Keystone TokenFormatter share one key repository', () => {
  let path: string;
  let repo: FernetKeyRepository;
  let formatter: TokenFormatter;
  const expiresAt = Math.floor(Date.now() / 1000) + 3600;

  before(() => {
    path = mkdtempSync(join(tmpdir(), 'baton-interop-'));
    repo = new FernetKeyRepository({ path, maxActiveKeys: 3 });
    repo.setup();
    repo.rotate();
    formatter = new TokenFormatter({ keys: () => repo.loadKeys(), authMethods: AUTH_METHODS, defaultDomainId: 'default' });
  });
  after(() => rmSync(path, { recursive: true, force: true }));

  it('Keystone reads the tokens Baton makes, field for field', () => {
    const made = payloads(expiresAt).map((p) => ({ p, ...formatter.create(p) }));
    const { parsed } = keystone({ repository: path, authMethods: AUTH_METHODS, parse: made.map((m) => m.tokenId) });
    made.forEach(({ p, tokenId, issuedAt }, i) => {
      const ks = parsed[i] as KeystoneFields;
      assert.ok(!('error' in ks), `Keystone rejected ${p.kind}: ${JSON.stringify(ks)}`);
      assert.deepEqual(expectedPayload(p.kind, ks, p.expiresAt), formatter.parse(tokenId).payload);
      assert.equal(ks.expires_at, formatKeystoneTime(p.expiresAt));
      assert.equal(ks.issued_at, formatKeystoneTime(issuedAt));
      if (p.kind === 'system') assert.equal(ks.system, 'all');
    });
  });

  it('Baton reads the tokens Keystone makes, field for field', () => {
    const specs = payloads(expiresAt).map((p) => ({ kind: p.kind, args: keystoneArgs(p) }));
    const { created } = keystone({ repository: path, authMethods: AUTH_METHODS, create: specs });
    created.forEach(({ token, keystone: ks }, i) => {
      const kind = specs[i]?.kind as TokenPayload['kind'];
      const { payload, issuedAt } = formatter.parse(token);
      assert.deepEqual(payload, expectedPayload(kind, ks, expiresAt));
      assert.equal(formatKeystoneTime(issuedAt), ks.issued_at);
    });
  });

  it('Keystone refuses what Baton refuses: tampered, truncated, foreign and garbage tokens', () => {
    const token = formatter.create(payloads(expiresAt)[3] as TokenPayload).tokenId;
    const bytes = Buffer.from(token, 'base64url');
    bytes[60] = (bytes[60] as number) ^ 1;
    const foreign = new TokenFormatter({ keys: () => [new Uint8Array(32).fill(1)], authMethods: AUTH_METHODS, defaultDomainId: 'default' });
    const bad = [bytes.toString('base64url'), token.slice(0, -8), foreign.create(payloads(expiresAt)[0] as TokenPayload).tokenId, 'gAAAAAgarbage'];
    const { parsed } = keystone({ repository: path, authMethods: AUTH_METHODS, parse: bad });
    for (const [i, result] of parsed.entries()) {
      assert.deepEqual(result, { error: 'ValidationError', message: 'Could not recognize Fernet token' }, `case ${i}`);
      assert.throws(() => formatter.parse(bad[i] as string), { code: 'ERR_TOKEN_INVALID', message: 'Could not recognize Fernet token' });
    }
  });

  it('a rotation by keystone-manage code is picked up by Baton, and old tokens still read', () => {
    const before = formatter.create(payloads(expiresAt)[0] as TokenPayload).tokenId;
    assert.deepEqual(repo.keyIndexes(), [0, 1, 2]);
    const { keys } = keystone({ repository: path, authMethods: AUTH_METHODS, rotate: true });
    assert.deepEqual(keys, [0, 2, 3]);
    assert.deepEqual(repo.keyIndexes(), [0, 2, 3]);
    assert.equal(formatter.parse(before).payload.userId, UUID('1'));
    const after = formatter.create(payloads(expiresAt)[0] as TokenPayload).tokenId;
    const { parsed } = keystone({ repository: path, authMethods: AUTH_METHODS, parse: [after] });
    assert.equal((parsed[0] as KeystoneFields).user_id, UUID('1'));
  });
});
