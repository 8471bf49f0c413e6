// /v3/projects and /v3/users/{user_id}/projects (keystone/api/projects.py, users.py).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Project } from '../../storage/types.ts';
import type { ValidatedToken } from '../../token/token-provider.ts';
import type { ApiContext } from '../context.ts';
import { authorizeOn, noContent, registerCrud } from './crud.ts';
import { projectSchemas, projectTagSchemas } from './schemas.ts';
import { enabledFilter, extraAttributes, isObject, queryOf, selfPath, validate, type Query } from './validate.ts';

const KNOWN = ['name', 'description', 'enabled', 'domain_id', 'parent_id', 'is_domain', 'tags', 'options'];

/**
 * Where a new project or user goes without an explicit domain_id: the caller's domain
 * when the token is domain-scoped, else [identity] default_domain_id (Keystone's
 * _normalize_domain_id; a project-scoped token carries no domain_id there).
 */
export function defaultDomainId(context: ApiContext, caller: ValidatedToken): string {
  return caller.scope.kind === 'domain' ? caller.scope.domain.id : context.service.config.identity.default_domain_id;
}

/** The domain a create request puts its entity in, read leniently from the unvalidated member. */
export function requestedDomainId(context: ApiContext, member: unknown, caller: ValidatedToken): string {
  const given = typeof member === 'object' && member !== null ? (member as Record<string, unknown>).domain_id : undefined;
  return typeof given === 'string' ? given : defaultDomainId(context, caller);
}

function matches(project: Project, query: Query): boolean {
  const enabled = enabledFilter(query);
  return (query.name === undefined || project.name === query.name) && (enabled === undefined || project.enabled === enabled);
}

/**
 * ?tags=a,b (all of them), ?tags-any=a,b (one of them), ?not-tags=a,b (not all of them),
 * ?not-tags-any=a,b (none of them); given together, all must hold.
 */
function matchesTags(project: Project, query: Query): boolean {
  const has = (list: string | undefined, test: 'every' | 'some'): boolean | null =>
    list === undefined ? null : list.split(',')[test]((tag) => project.tags.includes(tag));
  return (
    has(query.tags, 'every') !== false &&
    has(query['tags-any'], 'some') !== false &&
    has(query['not-tags'], 'every') !== true &&
    has(query['not-tags-any'], 'some') !== true
  );
}

export function projectRoutes(context: ApiContext) {
  const { resource, assignment } = context.service;
  return async function projects(app: FastifyInstance): Promise<void> {
    // POST/GET /v3/projects, GET/PATCH/DELETE /v3/projects/{project_id}
    registerCrud<Project>(app, context, {
      member: 'project',
      collection: 'projects',
      createSchema: projectSchemas.create,
      updateSchema: projectSchemas.update,
      render: (renderer, p) => renderer.project(p),
      // Keystone's update answer also carries the stored `extra` attributes as a member.
      renderUpdated: (renderer, p) => ({ ...renderer.project(p), extra: p.extra }),
      target: (p) => ({ projectId: p.id, domainId: p.domainId }),
      domainOf: (m, caller) => requestedDomainId(context, m, caller),
      get: (id) => resource.getProject(id),
      list: async (query) => {
        const enabled = enabledFilter(query);
        const found = await resource.listProjects({
          ...(query.name === undefined ? {} : { name: query.name }),
          ...(query.domain_id === undefined ? {} : { domainId: query.domain_id }),
          ...(query.parent_id === undefined ? {} : { parentId: query.parent_id }),
          ...(enabled === undefined ? {} : { enabled }),
        });
        return found.filter((p) => matchesTags(p, query));
      },
      create: async (m, caller) => {
        try {
          return await resource.createProject({
            name: m.name as string,
            domainId: (m.domain_id as string | null | undefined) ?? defaultDomainId(context, caller),
            parentId: (m.parent_id as string | null | undefined) ?? null,
            description: (m.description as string | null | undefined) ?? '',
            enabled: (m.enabled as boolean | undefined) ?? true,
            tags: (m.tags as string[] | undefined) ?? [],
            extra: extraAttributes(m, KNOWN),
          });
        } catch (error) {
          // A missing domain or parent is a bad request here, not a missing URL.
          if (error instanceof NotFoundError) throw new ValidationError(error.message, { cause: error });
          throw error;
        }
      },
      update: async (id, m) => {
        const before = await resource.getProject(id);
        if (m.domain_id !== undefined && m.domain_id !== before.domainId) throw new ValidationError('Cannot change Domain ID');
        if (m.parent_id !== undefined && m.parent_id !== before.parentId) {
          throw new ForbiddenError('Update of `parent_id` is not allowed.');
        }
        if (m.is_domain !== undefined && m.is_domain !== before.isDomain) {
          throw new ValidationError('Update of `is_domain` is not allowed.');
        }
        const patch: Partial<Omit<Project, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, KNOWN) } };
        if (m.name !== undefined) patch.name = m.name as string;
        if (m.description !== undefined) patch.description = (m.description as string | null) ?? '';
        if (m.enabled !== undefined) patch.enabled = m.enabled as boolean;
        if (m.tags !== undefined) patch.tags = m.tags as string[];
        return resource.updateProject(id, patch);
      },
      remove: async (id) => {
        await resource.deleteProject(id);
        await assignment.deleteAssignmentsFor({ targetId: id });
        await context.service.limits.deleteLimitsForProject(id);
      },
    });

    // Project tags (keystone/api/projects.py ProjectTagsResource, ProjectTagResource): the
    // project's own policy target, tags trimmed of surrounding blanks when stored.
    const tagged = (request: FastifyRequest, action: string) =>
      authorizeOn(context, request, action, () => resource.getProject((request.params as { id: string }).id), (p) => ({
        projectId: p.id,
        domainId: p.domainId,
      }));
    // Keystone's links.self here is its bare base URL (full_url() without a path), and the
    // Location of a new tag leaves out "projects/"; clients get what Keystone sends.
    const tagsReply = (request: FastifyRequest, tags: string[]) => {
      const query = request.url.indexOf('?');
      return { tags, links: { self: `${context.renderer(request).base}${query === -1 ? '' : request.url.slice(query)}` } };
    };
    const tagOf = (request: FastifyRequest) => (request.params as { tag: string }).tag;

    // GET /v3/projects/{project_id}/tags
    app.get('/v3/projects/:id/tags', async function listProjectTags(request) {
      const { entity } = await tagged(request, 'list_project_tags');
      return tagsReply(request, entity.tags);
    });

    // PUT /v3/projects/{project_id}/tags
    app.put('/v3/projects/:id/tags', async function replaceProjectTags(request) {
      const { entity } = await tagged(request, 'update_project_tags');
      const tags = isObject(request.body) && 'tags' in request.body ? request.body.tags : {};
      validate(tags, projectTagSchemas.list);
      const trimmed = (tags as string[]).map((t) => t.trim());
      await resource.updateProject(entity.id, { tags: trimmed });
      return tagsReply(request, trimmed);
    });

    // DELETE /v3/projects/{project_id}/tags
    app.delete('/v3/projects/:id/tags', async function deleteProjectTags(request, reply) {
      const { entity } = await tagged(request, 'delete_project_tags');
      await resource.updateProject(entity.id, { tags: [] });
      noContent(reply);
    });

    // GET/HEAD /v3/projects/{project_id}/tags/{value}
    app.route({
      method: ['GET', 'HEAD'],
      url: '/v3/projects/:id/tags/:tag',
      handler: async function checkProjectTag(request, reply) {
        const { entity } = await tagged(request, 'get_project_tag');
        if (!entity.tags.includes(tagOf(request))) throw new NotFoundError(`Could not find project tag: ${tagOf(request)}.`);
        noContent(reply);
      },
    });

    // PUT /v3/projects/{project_id}/tags/{value}
    app.put('/v3/projects/:id/tags/:tag', async function addProjectTag(request, reply) {
      const { entity } = await tagged(request, 'create_project_tag');
      const tag = tagOf(request);
      validate(tag, projectTagSchemas.one);
      // The 81st tag or a repeated one fails the list's schema, as in Keystone.
      validate([...entity.tags, tag], projectTagSchemas.list);
      await resource.updateProject(entity.id, { tags: [...entity.tags, tag.trim()] });
      reply.code(201).header('location', context.renderer(request).link(`${entity.id}/tags/${tag}`).self).send('');
    });

    // DELETE /v3/projects/{project_id}/tags/{value}
    app.delete('/v3/projects/:id/tags/:tag', async function deleteProjectTag(request, reply) {
      const { entity } = await tagged(request, 'delete_project_tag');
      const tag = tagOf(request);
      if (!entity.tags.includes(tag)) throw new NotFoundError(`Could not find project tag: ${tag}.`);
      await resource.updateProject(entity.id, { tags: entity.tags.filter((t) => t !== tag) });
      noContent(reply);
    });

    // GET /v3/users/{user_id}/projects
    app.get('/v3/users/:userId/projects', async function listUserProjects(request) {
      const { userId } = request.params as { userId: string };
      await authorizeOn(context, request, 'list_user_projects', () => context.service.identity.getUser(userId), (u) => ({
        userId: u.id,
        domainId: u.domainId,
      }));
      const query = queryOf(request);
      const renderer = context.renderer(request);
      const found = (await assignment.projectsForUser(userId)).filter((p) => matches(p, query));
      return renderer.collection('projects', selfPath(request), found.map((p) => renderer.project(p)));
    });
  };
}
