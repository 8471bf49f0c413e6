import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApplicationCredential } from '../../../src/storage/index.ts';
import { type GetStorage, conflict, newId, notFound } from './helpers.ts';

/** A credential of `userId` with unique id and name; the access-rule cases build theirs with it too. */
export const credential = (userId: string, overrides: Partial<ApplicationCredential> = {}): ApplicationCredential => ({
  id: newId(),
  name: `cred-${newId()}`,
  userId,
  projectId: newId(),
  description: null,
  secretHash: '$2b$12$secret',
  expiresAt: null,
  unrestricted: false,
  roleIds: [],
  ...overrides,
});

export function applicationCredentialConformance(get: GetStorage): void {
  describe('ApplicationCredentialDriver', () => {
    it('creates and reads a credential with its roles', async () => {
      const userId = newId();
      const cred = credential(userId, { roleIds: [newId(), newId()].sort(), expiresAt: 1_900_000_000, unrestricted: true });
      assert.deepEqual(await get().applicationCredential.createApplicationCredential(cred), cred);
      assert.deepEqual(await get().applicationCredential.getApplicationCredential(cred.id), cred);
      assert.deepEqual(await get().applicationCredential.getApplicationCredentialByName(cred.name, userId), cred);
    });

    it('lists a user\'s credentials, optionally by name', async () => {
      const userId = newId();
      const a = await get().applicationCredential.createApplicationCredential(credential(userId, { name: 'a', roleIds: [newId()] }));
      const b = await get().applicationCredential.createApplicationCredential(credential(userId, { name: 'b', description: 'second', unrestricted: null }));
      await get().applicationCredential.createApplicationCredential(credential(newId(), { name: 'a' }));
      assert.deepEqual(await get().applicationCredential.listApplicationCredentials(userId), [a, b]);
      assert.deepEqual(await get().applicationCredential.listApplicationCredentials(userId, { name: 'b' }), [b]);
      assert.deepEqual(await get().applicationCredential.listApplicationCredentials(newId()), []);
    });

    it('a name is unique per user', async () => {
      const userId = newId();
      const cred = await get().applicationCredential.createApplicationCredential(credential(userId));
      await assert.rejects(
        get().applicationCredential.createApplicationCredential(credential(userId, { name: cred.name, roleIds: [newId()] })),
        conflict(`Conflict occurred attempting to store application_credential - Duplicate entry found with name ${cred.name}.`),
      );
      assert.equal((await get().applicationCredential.listApplicationCredentials(userId)).length, 1);
    });

    it('deletes one credential, or all of a user\'s, and reports missing ones', async () => {
      const userId = newId();
      const one = await get().applicationCredential.createApplicationCredential(credential(userId, { roleIds: [newId()] }));
      const two = await get().applicationCredential.createApplicationCredential(credential(userId));
      const other = await get().applicationCredential.createApplicationCredential(credential(newId()));
      await get().applicationCredential.deleteApplicationCredential(one.id);
      const message = `Could not find Application Credential: ${one.id}.`;
      await assert.rejects(get().applicationCredential.getApplicationCredential(one.id), notFound(message));
      await assert.rejects(get().applicationCredential.deleteApplicationCredential(one.id), notFound(message));
      await assert.rejects(
        get().applicationCredential.getApplicationCredentialByName(one.name, userId),
        notFound(`Could not find Application Credential: ${one.name}.`),
      );
      // The role rows went too: the id can be reused with other roles.
      const reused = { ...one, roleIds: [] };
      assert.deepEqual(await get().applicationCredential.createApplicationCredential(reused), reused);
      await get().applicationCredential.deleteApplicationCredentialsForUser(userId);
      assert.deepEqual(await get().applicationCredential.listApplicationCredentials(userId), []);
      await assert.rejects(get().applicationCredential.getApplicationCredential(two.id), { code: 'ERR_IDENTITY_NOT_FOUND' });
      assert.deepEqual(await get().applicationCredential.getApplicationCredential(other.id), other);
    });
  });
}
