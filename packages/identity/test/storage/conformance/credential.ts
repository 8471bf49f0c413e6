import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredCredential } from '../../../src/storage/index.ts';
import { type GetStorage, conflict, newId, notFound } from './helpers.ts';

export function credentialConformance(get: GetStorage): void {
  describe('CredentialDriver', () => {
    const stored = (overrides: Partial<StoredCredential> = {}): StoredCredential => ({
      id: newId(),
      userId: newId(),
      projectId: null,
      type: 'cert',
      encryptedBlob: 'gAAAA-encrypted',
      keyHash: 'a'.repeat(40),
      extra: { label: 'x' },
      ...overrides,
    });

    it('creates, filters by user and type, replaces the blob and deletes', async () => {
      const { credential } = get();
      const one = stored();
      assert.deepEqual(await credential.createCredential(one), one);
      const ec2 = await credential.createCredential(stored({ userId: one.userId, type: 'ec2', projectId: newId() }));
      await assert.rejects(credential.createCredential(one), conflict(`Conflict occurred attempting to store credential - Duplicate entry found with ID ${one.id}.`));
      assert.deepEqual(await credential.listCredentials({ userId: one.userId, type: 'ec2' }), [ec2]);
      assert.equal((await credential.listCredentials({ userId: one.userId })).length, 2);
      const updated = await credential.updateCredentialBlob(one.id, { encryptedBlob: 'gAAAA-other', keyHash: 'b'.repeat(40) });
      assert.deepEqual(updated, { ...one, encryptedBlob: 'gAAAA-other', keyHash: 'b'.repeat(40) });
      await credential.deleteCredential(one.id);
      await assert.rejects(credential.getCredential(one.id), notFound(`Could not find credential: ${one.id}.`));
      await assert.rejects(credential.deleteCredential(one.id), notFound(`Could not find credential: ${one.id}.`));
      await assert.rejects(credential.updateCredentialBlob(one.id, { encryptedBlob: 'x', keyHash: 'y' }), notFound(`Could not find credential: ${one.id}.`));
    });

    it("deletes a user's and a project's credentials", async () => {
      const { credential } = get();
      const userId = newId();
      const projectId = newId();
      await credential.createCredential(stored({ userId }));
      const kept = await credential.createCredential(stored({ projectId }));
      await credential.createCredential(stored({ userId: kept.userId, projectId: newId() }));
      await credential.deleteCredentialsForUser(userId);
      assert.deepEqual(await credential.listCredentials({ userId }), []);
      await credential.deleteCredentialsForProject(projectId);
      assert.equal((await credential.listCredentials({ userId: kept.userId })).length, 1);
    });
  });
}
