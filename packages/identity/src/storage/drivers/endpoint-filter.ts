// OS-EP-FILTER (keystone/catalog/backends/sql.py): project ↔ endpoint and project ↔
// endpoint group associations, and endpoint groups.
import type { Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { EndpointGroupTable } from '../schema.ts';
import type { EndpointFilterDriver, EndpointGroup } from '../types.ts';
import { type DriverContext, definedPatch, parseExtra, serializeExtra, storing } from './shared.ts';

function groupFromRow(row: Selectable<EndpointGroupTable>): EndpointGroup {
  return { id: row.id, name: row.name, description: row.description, filters: parseExtra(row.filters) };
}

const missingGroup = (id: string): NotFoundError => new NotFoundError(`Could not find Endpoint Group: ${id}.`);

export class SqlEndpointFilterDriver implements EndpointFilterDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async addEndpointToProject(endpointId: string, projectId: string): Promise<void> {
    await storing(this.#ctx, 'project_endpoint', () => 'Duplicate entry', () =>
      this.#ctx.db.insertInto('project_endpoint').values({ endpoint_id: endpointId, project_id: projectId }).execute());
  }

  async isEndpointInProject(endpointId: string, projectId: string): Promise<boolean> {
    const row = await this.#ctx.db
      .selectFrom('project_endpoint')
      .select('endpoint_id')
      .where('endpoint_id', '=', endpointId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async removeEndpointFromProject(endpointId: string, projectId: string): Promise<void> {
    const result = await this.#ctx.db
      .deleteFrom('project_endpoint')
      .where('endpoint_id', '=', endpointId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError(`Endpoint ${endpointId} not found in project ${projectId}`);
  }

  async listEndpointIdsForProject(projectId: string): Promise<string[]> {
    const rows = await this.#ctx.db.selectFrom('project_endpoint').select('endpoint_id').where('project_id', '=', projectId).orderBy('endpoint_id').execute();
    return rows.map((r) => r.endpoint_id);
  }

  async listProjectIdsForEndpoint(endpointId: string): Promise<string[]> {
    const rows = await this.#ctx.db.selectFrom('project_endpoint').select('project_id').where('endpoint_id', '=', endpointId).orderBy('project_id').execute();
    return rows.map((r) => r.project_id);
  }

  async createEndpointGroup(group: EndpointGroup): Promise<EndpointGroup> {
    await storing(this.#ctx, 'endpoint_group', () => `Duplicate entry found with ID ${group.id}`, () =>
      this.#ctx.db.insertInto('endpoint_group').values({ ...group, filters: serializeExtra(group.filters) }).execute());
    return this.getEndpointGroup(group.id);
  }

  async getEndpointGroup(id: string): Promise<EndpointGroup> {
    const row = await this.#ctx.db.selectFrom('endpoint_group').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw missingGroup(id);
    return groupFromRow(row);
  }

  async listEndpointGroups(filter: { name?: string } = {}): Promise<EndpointGroup[]> {
    let query = this.#ctx.db.selectFrom('endpoint_group').selectAll().orderBy('id');
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    return (await query.execute()).map(groupFromRow);
  }

  async updateEndpointGroup(id: string, patch: Partial<Omit<EndpointGroup, 'id'>>): Promise<EndpointGroup> {
    const merged: EndpointGroup = { ...(await this.getEndpointGroup(id)), ...definedPatch(patch), id };
    await this.#ctx.db
      .updateTable('endpoint_group')
      .set({ name: merged.name, description: merged.description, filters: serializeExtra(merged.filters) })
      .where('id', '=', id)
      .execute();
    return this.getEndpointGroup(id);
  }

  /** Its project associations go with it (foreign key cascade). */
  async deleteEndpointGroup(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('endpoint_group').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw missingGroup(id);
  }

  async addEndpointGroupToProject(groupId: string, projectId: string): Promise<void> {
    await storing(this.#ctx, 'project_endpoint_group', () => 'Duplicate entry', () =>
      this.#ctx.db.insertInto('project_endpoint_group').values({ endpoint_group_id: groupId, project_id: projectId }).execute());
  }

  async isEndpointGroupInProject(groupId: string, projectId: string): Promise<boolean> {
    const row = await this.#ctx.db
      .selectFrom('project_endpoint_group')
      .select('project_id')
      .where('endpoint_group_id', '=', groupId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async removeEndpointGroupFromProject(groupId: string, projectId: string): Promise<void> {
    const result = await this.#ctx.db
      .deleteFrom('project_endpoint_group')
      .where('endpoint_group_id', '=', groupId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('Endpoint Group Project Association not found');
  }

  async listEndpointGroupIdsForProject(projectId: string): Promise<string[]> {
    const rows = await this.#ctx.db
      .selectFrom('project_endpoint_group')
      .select('endpoint_group_id')
      .where('project_id', '=', projectId)
      .orderBy('endpoint_group_id')
      .execute();
    return rows.map((r) => r.endpoint_group_id);
  }

  async listProjectIdsForEndpointGroup(groupId: string): Promise<string[]> {
    const rows = await this.#ctx.db
      .selectFrom('project_endpoint_group')
      .select('project_id')
      .where('endpoint_group_id', '=', groupId)
      .orderBy('project_id')
      .execute();
    return rows.map((r) => r.project_id);
  }
}
