// /v3/domains (keystone/api/domains.py).
import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import { listQuery, registerCrud } from './crud.ts';
import { domainSchemas } from './schemas.ts';
import { enabledFilter, extraAttributes } from './request.ts';

const KNOWN = ['name', 'description', 'enabled', 'tags', 'options'];

export function domainRoutes(context: ApiContext) {
  const { resource, assignment, federation } = context.service;
  return async function domains(app: FastifyInstance): Promise<void> {
    // POST/GET /v3/domains, GET/PATCH/DELETE /v3/domains/{domain_id}
    registerCrud(app, context, {
      member: 'domain',
      collection: 'domains',
      createSchema: domainSchemas.create,
      updateSchema: domainSchemas.update,
      listQuery: listQuery(['name', 'enabled']),
      render: (renderer, d: Domain) => renderer.domain(d),
      target: (d) => ({ domainId: d.id }),
      get: (id) => resource.getDomain(id),
      list: (query) => {
        const enabled = enabledFilter(query);
        return resource.listDomains({
          ...(query.name === undefined ? {} : { name: query.name }),
          ...(enabled === undefined ? {} : { enabled }),
        });
      },
      create: (m) =>
        resource.createDomain({
          name: m.name,
          description: m.description,
          enabled: m.enabled ?? true,
          extra: extraAttributes(m, KNOWN),
        }),
      update: async (id, m) => {
        const before = await resource.getDomain(id);
        const patch: Partial<Omit<Domain, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, KNOWN) } };
        if (m.name !== undefined) patch.name = m.name;
        if (m.description !== undefined) patch.description = m.description;
        if (m.enabled !== undefined) patch.enabled = m.enabled;
        return resource.updateDomain(id, patch);
      },
      remove: async (id) => {
        await resource.deleteDomain(id);
        await assignment.deleteAssignmentsFor({ targetId: id });
        await federation.deleteIdentityProvidersOfDomain(id);
      },
    });
  };
}

