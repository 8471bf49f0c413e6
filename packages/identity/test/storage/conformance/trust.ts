import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Trust } from '../../../src/storage/index.ts';
import { conflict, type GetStorage, newId, notFound } from './helpers.ts';

function newTrust(overrides: Partial<Trust> = {}): Trust {
  return {
    id: newId(),
    trustorUserId: newId(),
    trusteeUserId: newId(),
    projectId: newId(),
    impersonation: false,
    expiresAt: null,
    remainingUses: null,
    redelegatedTrustId: null,
    redelegationCount: 0,
    roleIds: [],
    extra: {},
    ...overrides,
  };
}

export function trustConformance(get: GetStorage): void {
  describe('TrustDriver', () => {
    it('creates with roles and extra, keeps subsecond expiries, lists by trustor, trustee and parent, deletes', async () => {
      const roleIds = [newId(), newId()].sort();
      const trust = newTrust({ impersonation: true, expiresAt: 4102444800.125, redelegationCount: 2, roleIds, extra: { colour: 'red' } });
      assert.deepEqual(await get().trust.createTrust(trust), trust);
      const child = newTrust({ trustorUserId: trust.trusteeUserId, redelegatedTrustId: trust.id });
      await get().trust.createTrust(child);
      assert.deepEqual(await get().trust.listTrusts({ trustorUserId: trust.trustorUserId }), [trust]);
      assert.deepEqual(await get().trust.listTrusts({ trusteeUserId: trust.trusteeUserId }), [trust]);
      assert.deepEqual(await get().trust.listTrusts({ redelegatedTrustId: trust.id }), [child]);
      await get().trust.deleteTrust(trust.id);
      await assert.rejects(get().trust.getTrust(trust.id), notFound(`Could not find trust: ${trust.id}.`));
      await assert.rejects(get().trust.deleteTrust(trust.id), notFound(`Could not find trust: ${trust.id}.`));
    });

    it('the same trustor, trustee, project, impersonation and expiry twice is a conflict', async () => {
      const trust = newTrust({ expiresAt: 4102444800 });
      await get().trust.createTrust(trust);
      const again = { ...trust, id: newId() };
      await assert.rejects(get().trust.createTrust(again), conflict(`Conflict occurred attempting to store trust - Duplicate entry found with ID ${again.id}.`));
      // Without an expiry nothing clashes (NULLs differ), as in Keystone.
      const open = newTrust();
      await get().trust.createTrust(open);
      await get().trust.createTrust({ ...open, id: newId() });
    });

    it('consumes limited uses down to zero and never below; unlimited trusts always succeed', async () => {
      const limited = await get().trust.createTrust(newTrust({ remainingUses: 2 }));
      const takes = await Promise.all([1, 2, 3].map(() => get().trust.consumeTrustUse(limited.id)));
      assert.deepEqual(takes.sort(), [false, true, true]);
      assert.equal((await get().trust.getTrust(limited.id)).remainingUses, 0);
      const unlimited = await get().trust.createTrust(newTrust());
      assert.equal(await get().trust.consumeTrustUse(unlimited.id), true);
      await assert.rejects(get().trust.consumeTrustUse(newId()), { code: 'ERR_IDENTITY_NOT_FOUND' });
    });

    it('deletes a user\'s trusts (as trustor or trustee) and a project\'s', async () => {
      const user = newId();
      const asTrustor = await get().trust.createTrust(newTrust({ trustorUserId: user }));
      const asTrustee = await get().trust.createTrust(newTrust({ trusteeUserId: user }));
      const project = newId();
      const onProject = await get().trust.createTrust(newTrust({ projectId: project }));
      const kept = await get().trust.createTrust(newTrust());
      await get().trust.deleteTrustsForUser(user);
      await get().trust.deleteTrustsForProject(project);
      for (const gone of [asTrustor, asTrustee, onProject]) await assert.rejects(get().trust.getTrust(gone.id), { code: 'ERR_IDENTITY_NOT_FOUND' });
      assert.deepEqual(await get().trust.getTrust(kept.id), kept);
    });
  });
}
