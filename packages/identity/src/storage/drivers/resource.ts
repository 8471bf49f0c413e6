// Domains and projects. Baton keeps domains in their own table (Keystone stores them as
// project rows with is_domain=1); a project's parent_id is its domain id when top-level.
import { fromDbBoolean } from '@baton/storage';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { Database, DomainTable, ProjectTable } from '../schema.ts';
import type { Domain, ListFilter, Project, ResourceDriver } from '../types.ts';
import {
  type DriverContext,
  definedPatch,
  parseExtra,
  serializeExtra,
  storing,
} from './shared.ts';

function domainFromRow(row: Selectable<DomainTable>): Domain {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: fromDbBoolean(row.enabled),
    extra: parseExtra(row.extra),
  };
}

function projectFromRow(row: Selectable<ProjectTable>, tags: string[]): Project {
  return {
    id: row.id,
    name: row.name,
    domainId: row.domain_id,
    description: row.description,
    enabled: fromDbBoolean(row.enabled),
    parentId: row.parent_id,
    isDomain: fromDbBoolean(row.is_domain),
    tags,
    extra: parseExtra(row.extra),
  };
}

function projectRow(project: Project): Insertable<ProjectTable> {
  return {
    id: project.id,
    name: project.name,
    domain_id: project.domainId,
    description: project.description,
    enabled: project.enabled,
    parent_id: project.parentId,
    is_domain: project.isDomain,
    extra: serializeExtra(project.extra),
  };
}

// Keystone's manager-level wording, which is what API clients see.
function domainConflict(domain: Domain): string {
  return `it is not permitted to have two projects acting as domains with the same name: ${domain.name}`;
}

function projectConflict(project: Project): string {
  return 'it is not permitted to have two projects with either the same name or same id in the same domain: '
    + `name is ${project.name}, project id ${project.id}`;
}

async function tagsByProject(db: Kysely<Database>, projectIds: string[]): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  if (projectIds.length === 0) return tags;
  const rows = await db
    .selectFrom('project_tag')
    .select(['project_id', 'name'])
    .where('project_id', 'in', projectIds)
    .orderBy('project_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    const list = tags.get(row.project_id) ?? [];
    list.push(row.name);
    tags.set(row.project_id, list);
  }
  return tags;
}

async function writeTags(db: Kysely<Database>, projectId: string, tags: string[]): Promise<void> {
  await db.deleteFrom('project_tag').where('project_id', '=', projectId).execute();
  if (tags.length === 0) return;
  await db
    .insertInto('project_tag')
    .values(tags.map((name, position) => ({ project_id: projectId, name, position })))
    .execute();
}

export class SqlResourceDriver implements ResourceDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async createDomain(domain: Domain): Promise<Domain> {
    await storing(this.#ctx, 'project', () => domainConflict(domain), () =>
      this.#ctx.db
        .insertInto('domain')
        .values({ ...domain, extra: serializeExtra(domain.extra) })
        .execute());
    return this.getDomain(domain.id);
  }

  async getDomain(id: string): Promise<Domain> {
    const row = await this.#ctx.db.selectFrom('domain').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('domain', id);
    return domainFromRow(row);
  }

  async getDomainByName(name: string): Promise<Domain> {
    const row = await this.#ctx.db.selectFrom('domain').selectAll().where('name', '=', name).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('domain', name);
    return domainFromRow(row);
  }

  async listDomains(filter: ListFilter = {}): Promise<Domain[]> {
    let query = this.#ctx.db.selectFrom('domain').selectAll().orderBy('name');
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled);
    return (await query.execute()).map(domainFromRow);
  }

  async updateDomain(id: string, patch: Partial<Omit<Domain, 'id'>>): Promise<Domain> {
    const merged = { ...(await this.getDomain(id)), ...definedPatch(patch), id };
    await storing(this.#ctx, 'project', () => domainConflict(merged), () =>
      this.#ctx.db
        .updateTable('domain')
        .set({
          name: merged.name,
          description: merged.description,
          enabled: merged.enabled,
          extra: serializeExtra(merged.extra),
        })
        .where('id', '=', id)
        .execute());
    return this.getDomain(id);
  }

  /**
   * Removes the domain and everything it owns: its projects, users and groups (by foreign
   * key cascade), its domain-specific roles, and every role assignment and application
   * credential that named any of them, so nothing is left pointing at a deleted row.
   */
  async deleteDomain(id: string): Promise<void> {
    await this.getDomain(id);
    await this.#ctx.db.transaction().execute(async (trx) => {
      const ids = async (table: 'project' | 'user' | 'group' | 'role'): Promise<string[]> =>
        (await trx.selectFrom(table).select('id').where('domain_id', '=', id).execute()).map((row) => row.id);
      const projects = await ids('project');
      const actors = [...(await ids('user')), ...(await ids('group'))];
      const roles = await ids('role');
      await trx
        .deleteFrom('assignment')
        .where((eb) => {
          const clauses = [eb('target_id', 'in', [id, ...projects])];
          if (actors.length > 0) clauses.push(eb('actor_id', 'in', actors));
          if (roles.length > 0) clauses.push(eb('role_id', 'in', roles));
          return eb.or(clauses);
        })
        .execute();
      if (actors.length > 0) {
        await trx.deleteFrom('application_credential').where('user_id', 'in', actors).execute();
        await trx.deleteFrom('access_rule').where('user_id', 'in', actors).execute();
      }
      if (projects.length > 0) {
        await trx.deleteFrom('application_credential').where('project_id', 'in', projects).execute();
      }
      await trx.deleteFrom('role').where('domain_id', '=', id).execute();
      await trx.deleteFrom('domain').where('id', '=', id).execute();
    });
  }

  async createProject(project: Project): Promise<Project> {
    await storing(this.#ctx, 'project', () => projectConflict(project), () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('project').values(projectRow(project)).execute();
        await writeTags(trx, project.id, project.tags);
      }));
    return this.getProject(project.id);
  }

  async getProject(id: string): Promise<Project> {
    const row = await this.#ctx.db.selectFrom('project').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('project', id);
    const tags = await tagsByProject(this.#ctx.db, [id]);
    return projectFromRow(row, tags.get(id) ?? []);
  }

  async getProjectByName(name: string, domainId: string): Promise<Project> {
    const row = await this.#ctx.db
      .selectFrom('project')
      .select('id')
      .where('name', '=', name)
      .where('domain_id', '=', domainId)
      .executeTakeFirst();
    if (row === undefined) throw NotFoundError.entity('project', name);
    return this.getProject(row.id);
  }

  async listProjects(filter: ListFilter & { parentId?: string; ids?: string[] } = {}): Promise<Project[]> {
    if (filter.ids !== undefined && filter.ids.length === 0) return [];
    let query = this.#ctx.db.selectFrom('project').selectAll().orderBy('name').orderBy('id');
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    if (filter.domainId !== undefined) query = query.where('domain_id', '=', filter.domainId);
    if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled);
    if (filter.parentId !== undefined) query = query.where('parent_id', '=', filter.parentId);
    if (filter.ids !== undefined) query = query.where('id', 'in', filter.ids);
    const rows = await query.execute();
    const tags = await tagsByProject(this.#ctx.db, rows.map((row) => row.id));
    return rows.map((row) => projectFromRow(row, tags.get(row.id) ?? []));
  }

  async updateProject(id: string, patch: Partial<Omit<Project, 'id'>>): Promise<Project> {
    const changes = definedPatch(patch);
    const merged: Project = { ...(await this.getProject(id)), ...changes, id };
    const { id: _id, ...columns } = projectRow(merged);
    await storing(this.#ctx, 'project', () => projectConflict(merged), () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('project').set(columns).where('id', '=', id).execute();
        if (changes.tags !== undefined) await writeTags(trx, id, changes.tags);
      }));
    return this.getProject(id);
  }

  /** Tags go with the project (foreign key cascade); assignments are the manager's to remove. */
  async deleteProject(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('project').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw NotFoundError.entity('project', id);
  }
}
