// /v3/policies (keystone/api/policy.py): policy documents, `type` and `blob` plus extra
// attributes, for the cloud admin and system readers.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { PolicyBlob } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import { listQuery, registerCrud } from './crud.ts';
import { policySchemas } from './schemas.ts';
import { extraAttributes } from './request.ts';

const KNOWN = ['type', 'blob'];

export function policyRoutes(context: ApiContext) {
  const { policyBlobs } = context.service;
  return async function policies(instance: FastifyInstance): Promise<void> {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    // POST/GET /v3/policies, GET/PATCH/DELETE /v3/policies/{policy_id}
    registerCrud(app, context, {
      member: 'policy',
      collection: 'policies',
      createSchema: policySchemas.create,
      updateSchema: policySchemas.update,
      listQuery: listQuery(['type']),
      render: (renderer, p: PolicyBlob) => renderer.policy(p),
      target: () => ({}),
      get: (id) => policyBlobs.get(id),
      list: (query) => policyBlobs.list(query.type === undefined ? {} : { type: query.type }),
      create: (m) => policyBlobs.create({ type: m.type, blob: m.blob, extra: extraAttributes(m, KNOWN) }),
      update: async (id, m) => {
        const before = await policyBlobs.get(id);
        const patch: Partial<Omit<PolicyBlob, 'id'>> = { extra: { ...before.extra, ...extraAttributes(m, KNOWN) } };
        if (m.type !== undefined) patch.type = m.type;
        if (m.blob !== undefined) patch.blob = m.blob;
        return policyBlobs.update(id, patch);
      },
      remove: (id) => policyBlobs.delete(id),
    });
  };
}
