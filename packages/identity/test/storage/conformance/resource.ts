import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type GetStorage,
  conflict,
  newDomain,
  newGroup,
  newId,
  newProject,
  newRole,
  newUser,
  notFound,
} from './helpers.ts';

export function resourceConformance(get: GetStorage): void {
  describe('ResourceDriver: domains', () => {
    it('creates, reads by id and by name, and keeps extra attributes', async () => {
      const domain = newDomain({ extra: { owner: 'ops', nested: { n: 1 } } });
      assert.deepEqual(await get().resource.createDomain(domain), domain);
      assert.deepEqual(await get().resource.getDomain(domain.id), domain);
      assert.deepEqual(await get().resource.getDomainByName(domain.name), domain);
    });

    it('lists with name and enabled filters, enabled read back as a boolean', async () => {
      const on = await get().resource.createDomain(newDomain());
      const off = await get().resource.createDomain(newDomain({ enabled: false }));
      assert.deepEqual(await get().resource.listDomains({ name: off.name }), [off]);
      const disabled = await get().resource.listDomains({ enabled: false });
      assert.ok(disabled.some((d) => d.id === off.id));
      assert.ok(!disabled.some((d) => d.id === on.id));
      assert.ok(disabled.every((d) => d.enabled === false));
      const all = await get().resource.listDomains();
      assert.ok(all.some((d) => d.id === on.id) && all.some((d) => d.id === off.id));
    });

    it('updates only the given fields', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const name = `renamed-${newId()}`;
      const updated = await get().resource.updateDomain(domain.id, { name, enabled: false, description: undefined });
      assert.deepEqual(updated, { ...domain, name, enabled: false });
      assert.deepEqual(await get().resource.getDomain(domain.id), updated);
    });

    it('refuses a duplicate name on create and on rename', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const message = 'Conflict occurred attempting to store project - it is not permitted to have two projects '
        + `acting as domains with the same name: ${domain.name}.`;
      await assert.rejects(get().resource.createDomain(newDomain({ name: domain.name })), conflict(message));
      const other = await get().resource.createDomain(newDomain());
      await assert.rejects(get().resource.updateDomain(other.id, { name: domain.name }), conflict(message));
    });

    it('reports a missing domain with Keystone\'s message', async () => {
      const id = newId();
      await assert.rejects(get().resource.getDomain(id), notFound(`Could not find domain: ${id}.`));
      await assert.rejects(get().resource.getDomainByName('nope'), notFound('Could not find domain: nope.'));
      await assert.rejects(get().resource.updateDomain(id, { enabled: false }), notFound(`Could not find domain: ${id}.`));
      await assert.rejects(get().resource.deleteDomain(id), notFound(`Could not find domain: ${id}.`));
    });

    it('deleting a domain removes its projects, users, groups, roles and their assignments', async () => {
      const s = get();
      const domain = await s.resource.createDomain(newDomain());
      const project = await s.resource.createProject(newProject(domain.id, { tags: ['a'] }));
      const user = await s.identity.createUser(newUser(domain.id));
      const group = await s.identity.createGroup(newGroup(domain.id));
      await s.identity.addUserToGroup(user.id, group.id);
      const domainRole = await s.assignment.createRole(newRole({ domainId: domain.id }));
      const globalRole = await s.assignment.createRole(newRole());
      const outsider = await s.resource.createDomain(newDomain());
      const outsiderUser = await s.identity.createUser(newUser(outsider.id));
      const kept = { type: 'UserDomain' as const, actorId: outsiderUser.id, targetId: outsider.id, roleId: globalRole.id, inherited: false };
      await s.assignment.createAssignment({ type: 'UserProject', actorId: user.id, targetId: project.id, roleId: globalRole.id, inherited: false });
      await s.assignment.createAssignment({ type: 'GroupDomain', actorId: group.id, targetId: domain.id, roleId: globalRole.id, inherited: true });
      await s.assignment.createAssignment({ ...kept, roleId: domainRole.id });
      await s.assignment.createAssignment(kept);

      await s.resource.deleteDomain(domain.id);

      await assert.rejects(s.resource.getDomain(domain.id), { code: 'ERR_IDENTITY_NOT_FOUND' });
      await assert.rejects(s.resource.getProject(project.id), { code: 'ERR_IDENTITY_NOT_FOUND' });
      await assert.rejects(s.identity.getUser(user.id), { code: 'ERR_IDENTITY_NOT_FOUND' });
      await assert.rejects(s.identity.getGroup(group.id), { code: 'ERR_IDENTITY_NOT_FOUND' });
      await assert.rejects(s.assignment.getRole(domainRole.id), { code: 'ERR_IDENTITY_NOT_FOUND' });
      assert.deepEqual(await s.assignment.getRole(globalRole.id), globalRole);
      assert.deepEqual(await s.assignment.listAssignments({ roleId: [globalRole.id, domainRole.id] }), [kept]);
    });
  });

  describe('ResourceDriver: projects', () => {
    it('creates and reads a project with its tags in the given order', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const project = newProject(domain.id, { tags: ['zeta', 'alpha', 'mid'], extra: { k: 'v' } });
      assert.deepEqual(await get().resource.createProject(project), project);
      assert.deepEqual(await get().resource.getProject(project.id), project);
      assert.deepEqual(await get().resource.getProjectByName(project.name, domain.id), project);
    });

    it('stores isDomain and a parent that is another project', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const parent = await get().resource.createProject(newProject(domain.id));
      const child = newProject(domain.id, { parentId: parent.id, isDomain: true, enabled: false });
      assert.deepEqual(await get().resource.createProject(child), child);
      assert.deepEqual(await get().resource.listProjects({ parentId: parent.id }), [child]);
    });

    it('lists with domain, name, enabled, parent and ids filters', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const a = await get().resource.createProject(newProject(domain.id, { name: `a-${newId()}`, tags: ['t'] }));
      const b = await get().resource.createProject(newProject(domain.id, { name: `b-${newId()}`, enabled: false }));
      const elsewhere = await get().resource.createProject(newProject((await get().resource.createDomain(newDomain())).id));
      assert.deepEqual(await get().resource.listProjects({ domainId: domain.id }), [a, b]);
      assert.deepEqual(await get().resource.listProjects({ domainId: domain.id, enabled: true }), [a]);
      assert.deepEqual(await get().resource.listProjects({ name: b.name }), [b]);
      assert.deepEqual(await get().resource.listProjects({ parentId: domain.id }), [a, b]);
      assert.deepEqual(await get().resource.listProjects({ ids: [b.id, elsewhere.id] }), [b, elsewhere].sort((x, y) => x.name.localeCompare(y.name)));
      assert.deepEqual(await get().resource.listProjects({ ids: [] }), []);
    });

    it('the same name is allowed in another domain but not in the same one', async () => {
      const d1 = await get().resource.createDomain(newDomain());
      const d2 = await get().resource.createDomain(newDomain());
      const project = await get().resource.createProject(newProject(d1.id));
      await get().resource.createProject(newProject(d2.id, { name: project.name }));
      const clash = newProject(d1.id, { name: project.name });
      await assert.rejects(get().resource.createProject(clash), conflict(
        'Conflict occurred attempting to store project - it is not permitted to have two projects with either the '
          + `same name or same id in the same domain: name is ${project.name}, project id ${clash.id}.`,
      ));
      await assert.rejects(get().resource.getProject(clash.id), { code: 'ERR_IDENTITY_NOT_FOUND' });
    });

    it('updates fields and replaces tags only when given', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const project = await get().resource.createProject(newProject(domain.id, { tags: ['one', 'two'] }));
      const renamed = await get().resource.updateProject(project.id, { description: 'new', extra: { x: true } });
      assert.deepEqual(renamed, { ...project, description: 'new', extra: { x: true } });
      const retagged = await get().resource.updateProject(project.id, { tags: ['three'] });
      assert.deepEqual(retagged.tags, ['three']);
      const other = await get().resource.createProject(newProject(domain.id));
      await assert.rejects(get().resource.updateProject(other.id, { name: project.name }), { code: 'ERR_IDENTITY_CONFLICT' });
      assert.equal((await get().resource.getProject(other.id)).name, other.name);
    });

    it('deletes a project with its tags, and reports missing projects', async () => {
      const domain = await get().resource.createDomain(newDomain());
      const project = await get().resource.createProject(newProject(domain.id, { tags: ['gone'] }));
      await get().resource.deleteProject(project.id);
      const message = `Could not find project: ${project.id}.`;
      await assert.rejects(get().resource.getProject(project.id), notFound(message));
      await assert.rejects(get().resource.deleteProject(project.id), notFound(message));
      await assert.rejects(get().resource.updateProject(project.id, { name: 'x' }), notFound(message));
      await assert.rejects(get().resource.getProjectByName(project.name, domain.id), notFound(`Could not find project: ${project.name}.`));
      // Re-creating the id shows no tag rows were left behind.
      assert.deepEqual((await get().resource.createProject({ ...project, tags: [] })).tags, []);
    });
  });
}
