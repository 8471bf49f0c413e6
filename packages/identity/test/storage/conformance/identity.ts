import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type GetStorage, conflict, newDomain, newGroup, newId, newUser, notFound } from './helpers.ts';

export function identityConformance(get: GetStorage): void {
  describe('IdentityDriver: users', () => {
    it('creates and reads a user, numbers and nulls intact', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const user = newUser(domain.id, { passwordExpiresAt: 4_102_444_800, defaultProjectId: newId(), extra: { email: 'a@b' } });
      assert.deepEqual(await get().identity.createUser(user), user);
      const read = await get().identity.getUser(user.id);
      assert.deepEqual(read, user);
      assert.equal(typeof read.createdAt, 'number');
      assert.deepEqual(await get().identity.getUserByName(user.name, domain.id), user);
      const noPassword = newUser(domain.id, { passwordHash: null });
      assert.deepEqual(await get().identity.createUser(noPassword), noPassword);
    });

    it('lists with name, domain and enabled filters', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const a = await get().identity.createUser(newUser(domain.id, { name: `a-${newId()}` }));
      const b = await get().identity.createUser(newUser(domain.id, { name: `b-${newId()}`, enabled: false }));
      assert.deepEqual(await get().identity.listUsers({ domainId: domain.id }), [a, b]);
      assert.deepEqual(await get().identity.listUsers({ domainId: domain.id, enabled: false }), [b]);
      assert.deepEqual(await get().identity.listUsers({ name: a.name }), [a]);
    });

    it('a name is unique within a domain only', async () => {
      const d1 = await get().resource.createDomain(newDomain());
      const d2 = await get().resource.createDomain(newDomain());
      const user = await get().identity.createUser(newUser(d1.id));
      await get().identity.createUser(newUser(d2.id, { name: user.name }));
      await assert.rejects(get().identity.createUser(newUser(d1.id, { name: user.name })), conflict(
        `Conflict occurred attempting to store user - Duplicate entry found with name ${user.name} at domain ID ${d1.id}.`,
      ));
      const other = await get().identity.createUser(newUser(d1.id));
      await assert.rejects(get().identity.updateUser(other.id, { name: user.name }), { code: 'ERR_IDENTITY_CONFLICT' });
    });

    it('updates the password hash, its history and when and by whom it was set, and clears an expiry', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const user = await get().identity.createUser(newUser(domain.id, { passwordExpiresAt: 2_000_000_000 }));
      const patch = {
        passwordHash: '$2b$12$new',
        passwordExpiresAt: null,
        enabled: false,
        passwordHistory: [user.passwordHash as string],
        passwordCreatedAt: 1_800_000_000,
        passwordSelfService: true,
      };
      const updated = await get().identity.updateUser(user.id, patch);
      assert.deepEqual(updated, { ...user, ...patch });
      assert.deepEqual(await get().identity.getUser(user.id), updated);
    });

    it('reports a missing user with Keystone\'s message', async () => {
      const id = newId();
      const message = `Could not find user: ${id}.`;
      await assert.rejects(get().identity.getUser(id), notFound(message));
      await assert.rejects(get().identity.updateUser(id, { enabled: false }), notFound(message));
      await assert.rejects(get().identity.deleteUser(id), notFound(message));
      await assert.rejects(get().identity.getUserByName('ghost', 'default'), notFound('Could not find user: ghost.'));
    });
  });

  describe('IdentityDriver: groups and membership', () => {
    it('creates, reads, lists, updates and deletes a group', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const group = newGroup(domain.id, { extra: { tier: 2 } });
      assert.deepEqual(await get().identity.createGroup(group), group);
      assert.deepEqual(await get().identity.getGroup(group.id), group);
      assert.deepEqual(await get().identity.getGroupByName(group.name, domain.id), group);
      assert.deepEqual(await get().identity.listGroups({ domainId: domain.id }), [group]);
      assert.deepEqual(await get().identity.listGroups({ name: group.name }), [group]);
      const updated = await get().identity.updateGroup(group.id, { description: 'changed' });
      assert.deepEqual(updated, { ...group, description: 'changed' });
      await get().identity.deleteGroup(group.id);
      await assert.rejects(get().identity.getGroup(group.id), notFound(`Could not find group: ${group.id}.`));
      await assert.rejects(get().identity.deleteGroup(group.id), notFound(`Could not find group: ${group.id}.`));
    });

    it('refuses a duplicate group name in a domain', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const group = await get().identity.createGroup(newGroup(domain.id));
      await assert.rejects(get().identity.createGroup(newGroup(domain.id, { name: group.name })), conflict(
        `Conflict occurred attempting to store group - Duplicate entry found with name ${group.name} at domain ID ${domain.id}.`,
      ));
    });

    it('adds (idempotently), checks, lists and removes members', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const alice = await get().identity.createUser(newUser(domain.id, { name: `a-${newId()}` }));
      const bob = await get().identity.createUser(newUser(domain.id, { name: `b-${newId()}` }));
      const g1 = await get().identity.createGroup(newGroup(domain.id, { name: `g1-${newId()}` }));
      const g2 = await get().identity.createGroup(newGroup(domain.id, { name: `g2-${newId()}` }));
      await get().identity.addUserToGroup(alice.id, g1.id);
      await get().identity.addUserToGroup(alice.id, g1.id);
      await get().identity.addUserToGroup(alice.id, g2.id);
      await get().identity.addUserToGroup(bob.id, g1.id);
      assert.equal(await get().identity.isUserInGroup(alice.id, g1.id), true);
      assert.equal(await get().identity.isUserInGroup(bob.id, g2.id), false);
      assert.deepEqual(await get().identity.listGroupsForUser(alice.id), [g1, g2]);
      assert.deepEqual(await get().identity.listUsersInGroup(g1.id), [alice, bob]);
      await get().identity.removeUserFromGroup(alice.id, g1.id);
      assert.equal(await get().identity.isUserInGroup(alice.id, g1.id), false);
      await assert.rejects(get().identity.removeUserFromGroup(alice.id, g1.id), notFound(
        `User '${alice.id}' not found in group '${g1.id}'`,
      ));
    });

    it('membership needs both sides to exist', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const user = await get().identity.createUser(newUser(domain.id));
      const group = await get().identity.createGroup(newGroup(domain.id));
      const missing = newId();
      await assert.rejects(get().identity.addUserToGroup(user.id, missing), notFound(`Could not find group: ${missing}.`));
      await assert.rejects(get().identity.addUserToGroup(missing, group.id), notFound(`Could not find user: ${missing}.`));
      await assert.rejects(get().identity.removeUserFromGroup(missing, group.id), notFound(`Could not find user: ${missing}.`));
    });

    it('deleting a user or a group removes its memberships', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const user = await get().identity.createUser(newUser(domain.id));
      const stays = await get().identity.createUser(newUser(domain.id));
      const group = await get().identity.createGroup(newGroup(domain.id));
      const other = await get().identity.createGroup(newGroup(domain.id));
      await get().identity.addUserToGroup(user.id, group.id);
      await get().identity.addUserToGroup(stays.id, group.id);
      await get().identity.addUserToGroup(stays.id, other.id);
      await get().identity.deleteUser(user.id);
      assert.deepEqual(await get().identity.listUsersInGroup(group.id), [stays]);
      await get().identity.deleteGroup(group.id);
      assert.deepEqual(await get().identity.listGroupsForUser(stays.id), [other]);
    });
  });
}
