// OS-EP-FILTER (keystone/api/os_ep_filter.py): endpoint groups, and endpoints and endpoint
// groups associated with projects, which narrow those projects' catalogs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { expecting } from '../../auth/auth-body.ts';
import { ENDPOINT_GROUP_FILTERS } from '../../catalog/endpoint-filter-manager.ts';
import { ValidationError } from '../../errors.ts';
import type { Endpoint, EndpointGroup } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import type { Renderer } from '../render.ts';
import { listQuery, noContent, registerCrud } from './crud.ts';
import { endpointGroupSchemas } from './schemas.ts';
import { selfPath } from './request.ts';

const PREFIX = '/v3/OS-EP-FILTER';

/** Keystone's _require_valid_filter: only the three endpoint attributes may be filtered on. */
function requireValidFilters(filters: Record<string, unknown>): void {
  const valid: readonly string[] = ENDPOINT_GROUP_FILTERS;
  if (Object.keys(filters).some((key) => !valid.includes(key))) throw expecting(ENDPOINT_GROUP_FILTERS.join(' or '), 'endpoint_group');
}

/** Endpoints as the OS-EP-FILTER lists show them (Keystone's _filter_endpoint). */
function endpoints(renderer: Renderer, request: FastifyRequest, list: Endpoint[]) {
  return renderer.collection('endpoints', selfPath(request), list.map((e) => renderer.endpoint(e)));
}

export function endpointFilterRoutes(context: ApiContext) {
  const { endpointFilter } = context.service;

  return async function endpointFilterPlugin(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // POST/GET /v3/OS-EP-FILTER/endpoint_groups, GET/PATCH/DELETE …/endpoint_groups/{id}
    registerCrud(app, context, {
      member: 'endpoint_group',
      collection: 'endpoint_groups',
      prefix: 'OS-EP-FILTER/',
      createSchema: endpointGroupSchemas.create,
      updateSchema: endpointGroupSchemas.update,
      listQuery: listQuery(['name']),
      render: (renderer, g: EndpointGroup) => renderer.endpointGroup(g),
      target: () => ({}),
      get: (id) => endpointFilter.getEndpointGroup(id),
      list: (query) => endpointFilter.listEndpointGroups(query.name === undefined ? {} : { name: query.name }),
      create: (m) => {
        if (Object.keys(m.filters).length === 0) throw new ValidationError('filters field is required and cannot be empty');
        requireValidFilters(m.filters);
        return endpointFilter.createEndpointGroup({ name: m.name, description: m.description ?? null, filters: m.filters });
      },
      checkUpdate: (m) => {
        if (m.filters !== undefined) requireValidFilters(m.filters);
      },
      update: (id, m) => {
        const patch: Partial<Omit<EndpointGroup, 'id'>> = {};
        if (m.name !== undefined) patch.name = m.name;
        if (m.description !== undefined) patch.description = m.description;
        if (m.filters !== undefined) patch.filters = m.filters;
        return endpointFilter.updateEndpointGroup(id, patch);
      },
      remove: (id) => endpointFilter.deleteEndpointGroup(id),
    });

    const groupParams = { params: Type.Object({ groupId: Type.String() }) };
    const groupProjectParams = { params: Type.Object({ groupId: Type.String(), projectId: Type.String() }) };
    const projectParams = { params: Type.Object({ projectId: Type.String() }) };
    const projectEndpointParams = { params: Type.Object({ projectId: Type.String(), endpointId: Type.String() }) };

    // GET /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects
    app.get(`${PREFIX}/endpoint_groups/:groupId/projects`, { schema: groupParams }, async function listGroupProjects(request) {
      await context.authorize(request, 'list_projects_associated_with_endpoint_group');
      const renderer = context.renderer(request);
      const projects = await endpointFilter.listProjectsForEndpointGroup(request.params.groupId);
      return renderer.collection('projects', selfPath(request), projects.map((p) => renderer.project(p)));
    });

    // GET /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/endpoints
    app.get(`${PREFIX}/endpoint_groups/:groupId/endpoints`, { schema: groupParams }, async function listGroupEndpoints(request) {
      await context.authorize(request, 'list_endpoints_associated_with_endpoint_group');
      return endpoints(context.renderer(request), request, await endpointFilter.listEndpointsInGroup(request.params.groupId));
    });

    // GET/HEAD /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}
    app.route({
      method: 'GET',
      url: `${PREFIX}/endpoint_groups/:groupId/projects/:projectId`,
      schema: groupProjectParams,
      handler: async function getGroupInProject(request) {
        await context.authorize(request, 'get_endpoint_group_in_project');
        const { groupId, projectId } = request.params;
        await endpointFilter.checkEndpointGroupInProject(groupId, projectId);
        // Keystone's self link here is a bare path, without its base URL.
        const links = { self: `/OS-EP-FILTER/endpoint_groups/${groupId}/projects/${projectId}` };
        return { project_endpoint_group: { endpoint_group_id: groupId, project_id: projectId, links } };
      },
    });

    // PUT /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}
    app.put(`${PREFIX}/endpoint_groups/:groupId/projects/:projectId`, { schema: groupProjectParams }, async function addGroupToProject(request, reply) {
      await context.authorize(request, 'add_endpoint_group_to_project');
      await endpointFilter.addEndpointGroupToProject(request.params.groupId, request.params.projectId);
      noContent(reply);
    });

    // DELETE /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}
    app.delete(`${PREFIX}/endpoint_groups/:groupId/projects/:projectId`, { schema: groupProjectParams }, async function removeGroupFromProject(request, reply) {
      await context.authorize(request, 'remove_endpoint_group_from_project');
      await endpointFilter.removeEndpointGroupFromProject(request.params.groupId, request.params.projectId);
      noContent(reply);
    });

    // GET /v3/OS-EP-FILTER/projects/{project_id}/endpoint_groups
    app.get(`${PREFIX}/projects/:projectId/endpoint_groups`, { schema: projectParams }, async function listProjectGroups(request) {
      await context.authorize(request, 'list_endpoint_groups_for_project');
      const renderer = context.renderer(request);
      const groups = await endpointFilter.listEndpointGroupsForProject(request.params.projectId);
      return renderer.collection('endpoint_groups', selfPath(request), groups.map((g) => renderer.endpointGroup(g)));
    });

    // GET /v3/OS-EP-FILTER/projects/{project_id}/endpoints
    app.get(`${PREFIX}/projects/:projectId/endpoints`, { schema: projectParams }, async function listProjectEndpoints(request) {
      await context.authorize(request, 'list_endpoints_for_project');
      return endpoints(context.renderer(request), request, await endpointFilter.listEndpointsForProject(request.params.projectId));
    });

    // GET/HEAD /v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}
    app.route({
      method: 'GET',
      url: `${PREFIX}/projects/:projectId/endpoints/:endpointId`,
      schema: projectEndpointParams,
      handler: async function checkProjectEndpoint(request, reply) {
        await context.authorize(request, 'check_endpoint_in_project');
        await endpointFilter.checkEndpointInProject(request.params.endpointId, request.params.projectId);
        noContent(reply);
      },
    });

    // PUT /v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}
    app.put(`${PREFIX}/projects/:projectId/endpoints/:endpointId`, { schema: projectEndpointParams }, async function addProjectEndpoint(request, reply) {
      await context.authorize(request, 'add_endpoint_to_project');
      await endpointFilter.addEndpointToProject(request.params.endpointId, request.params.projectId);
      noContent(reply);
    });

    // DELETE /v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}
    app.delete(`${PREFIX}/projects/:projectId/endpoints/:endpointId`, { schema: projectEndpointParams }, async function removeProjectEndpoint(request, reply) {
      await context.authorize(request, 'remove_endpoint_from_project');
      await endpointFilter.removeEndpointFromProject(request.params.endpointId, request.params.projectId);
      noContent(reply);
    });

    // GET /v3/OS-EP-FILTER/endpoints/{endpoint_id}/projects
    app.get(`${PREFIX}/endpoints/:endpointId/projects`, { schema: { params: Type.Object({ endpointId: Type.String() }) } }, async function listEndpointProjects(request) {
      await context.authorize(request, 'list_projects_for_endpoint');
      const renderer = context.renderer(request);
      const projects = await endpointFilter.listProjectsForEndpoint(request.params.endpointId);
      return renderer.collection('projects', selfPath(request), projects.map((p) => renderer.project(p)));
    });
  };
}
