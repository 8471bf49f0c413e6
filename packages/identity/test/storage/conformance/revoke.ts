import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RevocationEvent } from '../../../src/storage/index.ts';
import { type GetStorage, newId } from './helpers.ts';

const event = (overrides: Partial<RevocationEvent>): RevocationEvent => ({
  userId: null,
  projectId: null,
  domainId: null,
  roleId: null,
  trustId: null,
  auditId: null,
  auditChainId: null,
  expiresAt: null,
  revokedAt: 0,
  issuedBefore: 0,
  ...overrides,
});

export function revokeConformance(get: GetStorage): void {
  describe('RevokeDriver', () => {
    // Times far in the future so no other test's events can interfere.
    const base = 3_000_000_000;

    it('stores every field and lists events with issuedBefore >= the issue time', async () => {
      const full = event({
        userId: newId(), projectId: newId(), domainId: newId(), roleId: newId(), trustId: newId(),
        auditId: 'a'.repeat(22), auditChainId: 'b'.repeat(22), expiresAt: base + 3600,
        revokedAt: base + 10, issuedBefore: base + 10,
      });
      const later = event({ userId: newId(), revokedAt: base + 20, issuedBefore: base + 20 });
      await get().revoke.addEvent(full, 0);
      await get().revoke.addEvent(later, 0);
      assert.deepEqual(await get().revoke.listEventsSince(base + 10), [full, later]);
      assert.deepEqual(await get().revoke.listEventsSince(base + 11), [later]);
      assert.deepEqual(await get().revoke.listEventsSince(base + 21), []);
    });

    it('prunes events revoked before the cut-off when adding', async () => {
      const old = event({ auditId: newId().slice(0, 22), revokedAt: base + 100, issuedBefore: base + 100 });
      const recent = event({ auditId: newId().slice(0, 22), revokedAt: base + 200, issuedBefore: base + 200 });
      await get().revoke.addEvent(old, 0);
      assert.deepEqual(await get().revoke.listEventsSince(base + 100), [old]);
      // A cut-off equal to an event's revokedAt keeps it (strictly older events go).
      await get().revoke.addEvent(recent, base + 100);
      assert.deepEqual(await get().revoke.listEventsSince(base + 100), [old, recent]);
      const newest = event({ userId: newId(), revokedAt: base + 300, issuedBefore: base + 300 });
      await get().revoke.addEvent(newest, base + 101);
      assert.deepEqual(await get().revoke.listEventsSince(base + 100), [recent, newest]);
    });
  });
}
