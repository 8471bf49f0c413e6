import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyBlob } from '../../../src/storage/index.ts';
import { type GetStorage, newId, notFound } from './helpers.ts';

export function policyConformance(get: GetStorage): void {
  describe('PolicyDriver', () => {
    it('creates, filters by type, updates and deletes policy blobs', async () => {
      const type = `application/${newId()}`;
      const policy: PolicyBlob = { id: newId(), type, blob: '{"a": "rule:b"}', extra: { colour: 'red' } };
      assert.deepEqual(await get().policy.createPolicy(policy), policy);
      await get().policy.createPolicy({ ...policy, id: newId(), type: `${type}-other` });
      assert.deepEqual(await get().policy.listPolicies({ type }), [policy]);
      const updated = await get().policy.updatePolicy(policy.id, { blob: '{}' });
      assert.deepEqual(updated, { ...policy, blob: '{}' });
      await get().policy.deletePolicy(policy.id);
      await assert.rejects(get().policy.getPolicy(policy.id), notFound(`Could not find policy: ${policy.id}.`));
      await assert.rejects(get().policy.deletePolicy(policy.id), notFound(`Could not find policy: ${policy.id}.`));
    });
  });
}
