import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Assignment } from '../../../src/storage/index.ts';
import { type GetStorage, conflict, newDomain, newId, newRole, notFound } from './helpers.ts';

export function assignmentConformance(get: GetStorage): void {
  describe('AssignmentDriver: roles', () => {
    it('creates and reads global and domain-specific roles, their options and null descriptions', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const global = newRole({ options: { immutable: true }, extra: { colour: 'red' } });
      const scoped = newRole({ name: global.name, domainId: domain.id, description: 'scoped' });
      assert.deepEqual(await get().assignment.createRole(global), global);
      assert.deepEqual(await get().assignment.createRole(scoped), scoped);
      assert.deepEqual(await get().assignment.getRole(global.id), global);
      assert.deepEqual(await get().assignment.getRoleByName(global.name, null), global);
      assert.deepEqual(await get().assignment.getRoleByName(global.name, domain.id), scoped);
    });

    it('lists all roles, global roles only (domainId null), or one domain\'s', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const global = await get().assignment.createRole(newRole());
      const scoped = await get().assignment.createRole(newRole({ name: global.name, domainId: domain.id }));
      assert.deepEqual(await get().assignment.listRoles({ name: global.name }), [global, scoped].sort((a, b) => a.id.localeCompare(b.id)));
      assert.deepEqual(await get().assignment.listRoles({ name: global.name, domainId: null }), [global]);
      assert.deepEqual(await get().assignment.listRoles({ domainId: domain.id }), [scoped]);
      const all = await get().assignment.listRoles();
      assert.ok(all.some((r) => r.id === global.id) && all.some((r) => r.id === scoped.id));
    });

    it('a global role name is unique even though its domain is null', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const global = await get().assignment.createRole(newRole());
      await assert.rejects(get().assignment.createRole(newRole({ name: global.name })), conflict(
        `Conflict occurred attempting to store role - Duplicate entry found with name ${global.name}.`,
      ));
      const scoped = await get().assignment.createRole(newRole({ domainId: domain.id }));
      await assert.rejects(get().assignment.createRole(newRole({ name: scoped.name, domainId: domain.id })), conflict(
        `Conflict occurred attempting to store role - Duplicate entry found with name ${scoped.name} at domain ID ${domain.id}.`,
      ));
      const other = await get().assignment.createRole(newRole());
      await assert.rejects(get().assignment.updateRole(other.id, { name: global.name }), { code: 'ERR_IDENTITY_CONFLICT' });
    });

    it('updates and deletes a role; a missing role is reported by id', async () => {
      const role = await get().assignment.createRole(newRole());
      const updated = await get().assignment.updateRole(role.id, { description: 'reader', name: `r-${newId()}`, options: { immutable: false } });
      assert.deepEqual(await get().assignment.getRole(role.id), updated);
      assert.equal(updated.description, 'reader');
      assert.deepEqual(updated.options, { immutable: false });
      await get().assignment.deleteRole(role.id);
      const message = `Could not find role: ${role.id}.`;
      await assert.rejects(get().assignment.getRole(role.id), notFound(message));
      await assert.rejects(get().assignment.deleteRole(role.id), notFound(message));
      await assert.rejects(get().assignment.updateRole(role.id, { description: '' }), notFound(message));
      await assert.rejects(get().assignment.getRoleByName('ghost-role', null), notFound('Could not find role: ghost-role.'));
    });
  });

  describe('AssignmentDriver: implied roles', () => {
    it('creates, lists, refuses duplicates and deletes rules', async () => {
      const admin = await get().assignment.createRole(newRole());
      const member = await get().assignment.createRole(newRole());
      const reader = await get().assignment.createRole(newRole());
      const rule = { priorRoleId: admin.id, impliedRoleId: member.id };
      assert.deepEqual(await get().assignment.createImpliedRole(rule), rule);
      await get().assignment.createImpliedRole({ priorRoleId: member.id, impliedRoleId: reader.id });
      assert.deepEqual(await get().assignment.listImpliedRoles(admin.id), [rule]);
      const all = await get().assignment.listImpliedRoles();
      assert.ok(all.some((r) => r.priorRoleId === member.id && r.impliedRoleId === reader.id));
      await assert.rejects(get().assignment.createImpliedRole(rule), conflict(
        'Conflict occurred attempting to store implied_role - Duplicate entry.',
      ));
      await get().assignment.deleteImpliedRole(rule);
      assert.deepEqual(await get().assignment.listImpliedRoles(admin.id), []);
      await assert.rejects(get().assignment.deleteImpliedRole(rule), notFound(`${admin.id} does not imply ${member.id}.`));
    });

    it('a rule needs both roles, and goes when either role is deleted', async () => {
      const prior = await get().assignment.createRole(newRole());
      const implied = await get().assignment.createRole(newRole());
      const missing = newId();
      await assert.rejects(
        get().assignment.createImpliedRole({ priorRoleId: prior.id, impliedRoleId: missing }),
        notFound(`Could not find role: ${missing}.`),
      );
      await get().assignment.createImpliedRole({ priorRoleId: prior.id, impliedRoleId: implied.id });
      await get().assignment.deleteRole(implied.id);
      assert.deepEqual(await get().assignment.listImpliedRoles(prior.id), []);
    });
  });

  describe('AssignmentDriver: assignments', () => {
    const fixture = (): { user: string; group: string; project: string; domain: string; r1: string; r2: string; all: Assignment[] } => {
      const [user, group, project, domain, r1, r2] = [newId(), newId(), newId(), newId(), newId(), newId()];
      const all: Assignment[] = [
        { type: 'UserProject', actorId: user, targetId: project, roleId: r1, inherited: false },
        { type: 'UserDomain', actorId: user, targetId: domain, roleId: r1, inherited: true },
        { type: 'GroupProject', actorId: group, targetId: project, roleId: r2, inherited: false },
        { type: 'GroupDomain', actorId: group, targetId: domain, roleId: r2, inherited: false },
        { type: 'UserSystem', actorId: user, targetId: 'all', roleId: r2, inherited: false },
        { type: 'GroupSystem', actorId: group, targetId: 'all', roleId: r1, inherited: false },
      ];
      return { user, group, project, domain, r1, r2, all };
    };
    const sameSet = (actual: Assignment[], expected: Assignment[]): void => {
      const key = (a: Assignment): string => JSON.stringify([a.type, a.actorId, a.targetId, a.roleId, a.inherited]);
      assert.deepEqual(actual.map(key).sort(), expected.map(key).sort());
    };

    it('grants idempotently and filters by type, actor, target, role and inherited', async () => {
      const f = fixture();
      for (const a of f.all) await get().assignment.createAssignment(a);
      await get().assignment.createAssignment(f.all[0]!);
      const actors = [f.user, f.group];
      sameSet(await get().assignment.listAssignments({ actorId: actors }), f.all);
      sameSet(await get().assignment.listAssignments({ actorId: f.user }), f.all.filter((a) => a.actorId === f.user));
      sameSet(await get().assignment.listAssignments({ actorId: actors, type: ['UserProject', 'GroupProject'] }), [f.all[0]!, f.all[2]!]);
      sameSet(await get().assignment.listAssignments({ actorId: actors, type: 'GroupDomain' }), [f.all[3]!]);
      sameSet(await get().assignment.listAssignments({ targetId: [f.project, f.domain] }), f.all.slice(0, 4));
      sameSet(await get().assignment.listAssignments({ actorId: actors, targetId: 'all' }), [f.all[4]!, f.all[5]!]);
      sameSet(await get().assignment.listAssignments({ actorId: actors, roleId: f.r2 }), f.all.filter((a) => a.roleId === f.r2));
      sameSet(await get().assignment.listAssignments({ actorId: actors, inherited: true }), [f.all[1]!]);
      sameSet(await get().assignment.listAssignments({ actorId: actors, inherited: false }), f.all.filter((a) => !a.inherited));
      assert.deepEqual(await get().assignment.listAssignments({ actorId: [] }), []);
      assert.deepEqual(await get().assignment.listAssignments({ actorId: actors, roleId: [] }), []);
      const [inherited] = await get().assignment.listAssignments({ actorId: f.user, inherited: true });
      assert.equal(inherited?.inherited, true);
    });

    it('inherited and direct grants of the same role are distinct rows', async () => {
      const f = fixture();
      const direct = f.all[0]!;
      await get().assignment.createAssignment(direct);
      await get().assignment.createAssignment({ ...direct, inherited: true });
      sameSet(await get().assignment.listAssignments({ actorId: f.user }), [direct, { ...direct, inherited: true }]);
    });

    it('revokes one assignment and reports one that does not exist', async () => {
      const f = fixture();
      for (const a of f.all) await get().assignment.createAssignment(a);
      await get().assignment.deleteAssignment(f.all[1]!);
      sameSet(await get().assignment.listAssignments({ actorId: f.user }), [f.all[0]!, f.all[4]!]);
      const gone = f.all[1]!;
      await assert.rejects(get().assignment.deleteAssignment(gone), notFound(
        `Could not find role assignment with role: ${gone.roleId}, user or group: ${gone.actorId}, `
          + `project, domain, or system: ${gone.targetId}.`,
      ));
    });

    it('deleteAssignmentsFor removes every row naming the actor, the target or the role', async () => {
      const f = fixture();
      for (const a of f.all) await get().assignment.createAssignment(a);
      const actors = [f.user, f.group];
      await get().assignment.deleteAssignmentsFor({ actorId: f.user });
      sameSet(await get().assignment.listAssignments({ actorId: actors }), f.all.filter((a) => a.actorId !== f.user));
      await get().assignment.deleteAssignmentsFor({ targetId: f.project });
      sameSet(await get().assignment.listAssignments({ actorId: actors }), [f.all[3]!, f.all[5]!]);
      await get().assignment.deleteAssignmentsFor({ roleId: f.r1 });
      sameSet(await get().assignment.listAssignments({ actorId: actors }), [f.all[3]!]);
      await assert.rejects(get().assignment.deleteAssignmentsFor({}), TypeError);
    });
  });
}
