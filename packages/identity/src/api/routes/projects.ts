// /v3/projects and /v3/users/{user_id}/projects (keystone/api/projects.py, users.py).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Project } from '../../storage/types.ts';
import type { ValidatedToken } from '../../token/token-provider.ts';
import type { ApiContext } from '../context.ts';
import { domainAsProject } from '../../resource/resource-manager.ts';
import { compileCheck, memberBody, validBody } from '../request-schema.ts';
import { authorizeOn, idParams, listQuery, noContent, registerCrud } from './crud.ts';
import { projectSchemas, projectTagSchemas } from './schemas.ts';
import { enabledFilter, extraAttributes, selfPath, type Query } from './request.ts';

const KNOWN = ['name', 'description', 'enabled', 'domain_id', 'parent_id', 'is_domain', 'tags', 'options'];

/** Whether a create request (not validated yet) asks for a project acting as a domain. */
function actsAsDomain(member: unknown): boolean {
  return typeof member === 'object' && member !== null && (member as Record<string, unknown>).is_domain === true;
}

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
  return async function projects(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // POST/GET /v3/projects, GET/PATCH/DELETE /v3/projects/{project_id}
    registerCrud(app, context, {
      member: 'project',
      collection: 'projects',
      createSchema: projectSchemas.create,
      updateSchema: projectSchemas.update,
      listQuery: listQuery(['name', 'domain_id', 'parent_id', 'enabled', 'is_domain', 'tags', 'tags-any', 'not-tags', 'not-tags-any']),
      render: (renderer, p: Project) => renderer.project(p),
      // Keystone's update answer also carries the stored `extra` attributes as a member.
      renderUpdated: (renderer, p) => ({ ...renderer.project(p), extra: p.extra }),
      // A project acting as a domain is in no domain, so only the cloud admin acts on it.
      target: (p) => ({ projectId: p.id, domainId: p.isDomain ? null : p.domainId }),
      domainOf: (m, caller) => (actsAsDomain(m) ? null : requestedDomainId(context, m, caller)),
      get: (id) => resource.getProjectOrDomain(id),
      list: async (query) => {
        const enabled = enabledFilter(query);
        // Keystone lists the projects acting as domains only when asked (?is_domain=true).
        if (enabledFilter(query, 'is_domain') === true) {
          if (query.domain_id !== undefined || query.parent_id !== undefined) return [];
          const domains = await resource.listDomains({
            ...(query.name === undefined ? {} : { name: query.name }),
            ...(enabled === undefined ? {} : { enabled }),
          });
          return domains.map(domainAsProject).filter((p) => matchesTags(p, query));
        }
        const found = await resource.listProjects({
          ...(query.name === undefined ? {} : { name: query.name }),
          ...(query.domain_id === undefined ? {} : { domainId: query.domain_id }),
          ...(query.parent_id === undefined ? {} : { parentId: query.parent_id }),
          ...(enabled === undefined ? {} : { enabled }),
        });
        return found.filter((p) => matchesTags(p, query));
      },
      create: async (m, caller) => {
        if (m.is_domain === true) {
          if (typeof m.domain_id === 'string' || typeof m.parent_id === 'string') {
            throw new ValidationError('only root projects are allowed to act as domains.');
          }
          const domain = await resource.createDomain({
            name: m.name,
            description: m.description,
            enabled: m.enabled ?? true,
            extra: extraAttributes(m, KNOWN),
          });
          return domainAsProject(domain);
        }
        try {
          return await resource.createProject({
            name: m.name,
            domainId: m.domain_id ?? defaultDomainId(context, caller),
            parentId: m.parent_id ?? null,
            description: m.description,
            enabled: m.enabled ?? true,
            tags: m.tags ?? [],
            extra: extraAttributes(m, KNOWN),
          });
        } catch (error) {
          // A missing domain or parent is a bad request here, not a missing URL.
          if (error instanceof NotFoundError) throw new ValidationError(error.message, { cause: error });
          throw error;
        }
      },
      update: async (id, m) => {
        const before = await resource.getProjectOrDomain(id);
        if (m.domain_id !== undefined && m.domain_id !== (before.isDomain ? null : before.domainId)) {
          throw new ValidationError('Cannot change Domain ID');
        }
        if (m.parent_id !== undefined && m.parent_id !== before.parentId) {
          throw new ForbiddenError('Update of `parent_id` is not allowed.');
        }
        if (m.is_domain !== undefined && m.is_domain !== before.isDomain) {
          throw new ValidationError('Update of `is_domain` is not allowed.');
        }
        const patch: Partial<Omit<Project, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, KNOWN) } };
        if (m.name !== undefined) patch.name = m.name;
        if (m.description !== undefined) patch.description = m.description;
        if (m.enabled !== undefined) patch.enabled = m.enabled;
        if (before.isDomain) {
          const { tags: _tags, ...domainPatch } = patch;
          return domainAsProject(await resource.updateDomain(id, domainPatch));
        }
        if (m.tags !== undefined) patch.tags = m.tags;
        return resource.updateProject(id, patch);
      },
      remove: async (id) => {
        // Deleting the project acting as a domain deletes the domain (it must be disabled).
        if ((await resource.getProjectOrDomain(id)).isDomain) {
          await resource.deleteDomain(id);
          await assignment.deleteAssignmentsFor({ targetId: id });
          return;
        }
        await resource.deleteProject(id);
        await assignment.deleteAssignmentsFor({ targetId: id });
        await context.service.limits.deleteLimitsForProject(id);
        await context.service.credentials.deleteForProject(id);
        await context.service.trusts.deleteForProject(id);
      },
    });

    // Project tags (keystone/api/projects.py ProjectTagsResource, ProjectTagResource): the
    // project's own policy target, tags trimmed of surrounding blanks when stored.
    const tagged = (request: FastifyRequest, id: string, action: string) =>
      authorizeOn(context, request, action, () => resource.getProject(id), (p) => ({ projectId: p.id, domainId: p.domainId }));
    // Keystone's links.self here is its bare base URL (full_url() without a path), and the
    // Location of a new tag leaves out "projects/"; clients get what Keystone sends.
    const tagsReply = (request: FastifyRequest, tags: string[]) => {
      const query = request.url.indexOf('?');
      return { tags, links: { self: `${context.renderer(request).base}${query === -1 ? '' : request.url.slice(query)}` } };
    };
    const tagParams = { params: Type.Object({ id: Type.String(), tag: Type.String() }) };
    const checkTag = compileCheck(projectTagSchemas.one);
    const checkTags = compileCheck(projectTagSchemas.list);

    // GET /v3/projects/{project_id}/tags
    app.get('/v3/projects/:id/tags', { schema: { params: idParams } }, async function listProjectTags(request) {
      const { entity } = await tagged(request, request.params.id, 'list_project_tags');
      return tagsReply(request, entity.tags);
    });

    // PUT /v3/projects/{project_id}/tags
    const replaceTags = { params: idParams, body: memberBody('tags', projectTagSchemas.list) };
    app.put('/v3/projects/:id/tags', { schema: replaceTags, attachValidation: true }, async function replaceProjectTags(request) {
      const { entity } = await tagged(request, request.params.id, 'update_project_tags');
      const trimmed = validBody(request).tags.map((t) => t.trim());
      await resource.updateProject(entity.id, { tags: trimmed });
      return tagsReply(request, trimmed);
    });

    // DELETE /v3/projects/{project_id}/tags
    app.delete('/v3/projects/:id/tags', { schema: { params: idParams } }, async function deleteProjectTags(request, reply) {
      const { entity } = await tagged(request, request.params.id, 'delete_project_tags');
      await resource.updateProject(entity.id, { tags: [] });
      noContent(reply);
    });

    // GET/HEAD /v3/projects/{project_id}/tags/{value}
    app.route({
      method: 'GET',
      url: '/v3/projects/:id/tags/:tag',
      schema: tagParams,
      handler: async function checkProjectTag(request, reply) {
        const { id, tag } = request.params;
        const { entity } = await tagged(request, id, 'get_project_tag');
        if (!entity.tags.includes(tag)) throw new NotFoundError(`Could not find project tag: ${tag}.`);
        noContent(reply);
      },
    });

    // PUT /v3/projects/{project_id}/tags/{value}
    app.put('/v3/projects/:id/tags/:tag', { schema: tagParams }, async function addProjectTag(request, reply) {
      const { id, tag } = request.params;
      const { entity } = await tagged(request, id, 'create_project_tag');
      checkTag(tag);
      // The 81st tag or a repeated one fails the list's schema, as in Keystone.
      checkTags([...entity.tags, tag]);
      await resource.updateProject(entity.id, { tags: [...entity.tags, tag.trim()] });
      reply.code(201).header('location', context.renderer(request).link(`${entity.id}/tags/${tag}`).self).send('');
    });

    // DELETE /v3/projects/{project_id}/tags/{value}
    app.delete('/v3/projects/:id/tags/:tag', { schema: tagParams }, async function deleteProjectTag(request, reply) {
      const { id, tag } = request.params;
      const { entity } = await tagged(request, id, 'delete_project_tag');
      if (!entity.tags.includes(tag)) throw new NotFoundError(`Could not find project tag: ${tag}.`);
      await resource.updateProject(entity.id, { tags: entity.tags.filter((t) => t !== tag) });
      noContent(reply);
    });

    // GET /v3/users/{user_id}/projects
    const userProjects = { params: Type.Object({ userId: Type.String() }), querystring: listQuery(['name', 'enabled']) };
    app.get('/v3/users/:userId/projects', { schema: userProjects }, async function listUserProjects(request) {
      const { userId } = request.params;
      await authorizeOn(context, request, 'list_user_projects', () => context.service.identity.getUser(userId), (u) => ({
        userId: u.id,
        domainId: u.domainId,
      }));
      const renderer = context.renderer(request);
      const found = (await assignment.projectsForUser(userId)).filter((p) => matches(p, request.query));
      return renderer.collection('projects', selfPath(request), found.map((p) => renderer.project(p)));
    });
  };
}
