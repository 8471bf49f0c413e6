// /v2.1 (nova/api/openstack/compute: flavors, servers, server actions, volume attachments,
// instance actions). Schemas refuse malformed bodies with 400 before the manager runs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { atLeast } from '../common/app.ts';
import { contextOf } from '../common/context.ts';
import { BadRequestError } from '../common/errors.ts';
import { FLAVORS, findFlavor, renderFlavor } from './flavors.ts';
import type { ComputeManager, ServerRequest } from './manager.ts';
import { renderAction, renderAttachment, renderEvents, renderServer, renderServerSummary } from './render.ts';

const id = { type: 'string', minLength: 1, maxLength: 255 };
const serverParams = { type: 'object', properties: { server_id: id }, required: ['server_id'] };
const name = { type: 'string', minLength: 1, maxLength: 255 };

const createBody = {
  type: 'object',
  required: ['server'],
  properties: {
    server: {
      type: 'object',
      required: ['name', 'flavorRef'],
      properties: {
        name,
        flavorRef: { anyOf: [{ type: 'string', minLength: 1, maxLength: 255 }, { type: 'integer' }] },
        imageRef: { type: 'string', maxLength: 255 },
        networks: {
          oneOf: [
            { type: 'string', enum: ['auto', 'none'] },
            { type: 'array', maxItems: 16, items: { type: 'object', properties: { uuid: id, port: id } } },
          ],
        },
        block_device_mapping_v2: {
          type: 'array',
          maxItems: 16,
          items: {
            type: 'object',
            properties: {
              boot_index: { anyOf: [{ type: 'string', maxLength: 8 }, { type: 'integer' }, { type: 'null' }] },
              uuid: id,
              source_type: { type: 'string', enum: ['volume', 'image', 'snapshot', 'blank'] },
              destination_type: { type: 'string', enum: ['volume', 'local'] },
              volume_size: { anyOf: [{ type: 'string', maxLength: 8 }, { type: 'integer' }] },
              delete_on_termination: { type: 'boolean' },
            },
          },
        },
      },
    },
  },
};

const actionBody = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  properties: {
    'os-migrateLive': {
      type: 'object',
      properties: {
        host: { anyOf: [{ type: 'string', maxLength: 255 }, { type: 'null' }] },
        block_migration: { anyOf: [{ type: 'string', maxLength: 8 }, { type: 'boolean' }] },
        disk_over_commit: { type: 'boolean' },
      },
    },
    createImage: { type: 'object', required: ['name'], properties: { name, metadata: { type: 'object' } } },
  },
  additionalProperties: false,
};

const attachBody = {
  type: 'object',
  required: ['volumeAttachment'],
  properties: { volumeAttachment: { type: 'object', required: ['volumeId'], properties: { volumeId: id, device: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'null' }] } } } },
};

type ServerParams = { server_id: string };

function base(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export function computeRoutes(compute: ComputeManager) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const render = async (request: FastifyRequest, serverId: string) => {
      const context = contextOf(request);
      const instance = await compute.get(context, serverId);
      return renderServer(instance, await compute.attachments(instance.id), { base: base(request), isAdmin: context.isAdmin, embedFlavor: atLeast(request, '2.47') });
    };

    // GET /v2.1/flavors, /v2.1/flavors/detail, /v2.1/flavors/{flavor_id}
    app.get('/v2.1/flavors', async (request) => ({ flavors: FLAVORS.map((f) => renderFlavor(f, base(request), false)) }));
    app.get('/v2.1/flavors/detail', async (request) => ({ flavors: FLAVORS.map((f) => renderFlavor(f, base(request), true)) }));
    app.get<{ Params: { flavor_id: string } }>('/v2.1/flavors/:flavor_id', async (request) => ({ flavor: renderFlavor(findFlavor(request.params.flavor_id), base(request), true) }));

    // POST /v2.1/servers
    app.post<{ Body: { server: ServerRequest } }>('/v2.1/servers', { schema: { body: createBody } }, async (request, reply) => {
      const instance = await compute.create(contextOf(request), request.body.server);
      const server = { ...renderServerSummary(instance, base(request)), 'OS-DCF:diskConfig': 'MANUAL', security_groups: [{ name: 'default' }], adminPass: '' };
      return reply.code(202).header('Location', `${base(request)}/v2.1/servers/${instance.id}`).send({ server });
    });

    // GET /v2.1/servers, /v2.1/servers/detail
    app.get('/v2.1/servers', async (request) => ({ servers: (await compute.list(contextOf(request))).map((i) => renderServerSummary(i, base(request))) }));
    app.get('/v2.1/servers/detail', async (request) => {
      const instances = await compute.list(contextOf(request));
      return { servers: await Promise.all(instances.map((i) => render(request, i.id))) };
    });

    // GET, DELETE /v2.1/servers/{server_id}
    app.get<{ Params: ServerParams }>('/v2.1/servers/:server_id', { schema: { params: serverParams } }, async (request) => ({ server: await render(request, request.params.server_id) }));
    app.delete<{ Params: ServerParams }>('/v2.1/servers/:server_id', { schema: { params: serverParams } }, async (request, reply) => {
      await compute.delete(contextOf(request), request.params.server_id);
      return reply.code(204).send();
    });

    // POST /v2.1/servers/{server_id}/action: os-migrateLive, createImage
    app.post<{ Params: ServerParams; Body: Record<string, { host?: string | null; name?: string }> }>(
      '/v2.1/servers/:server_id/action',
      { schema: { params: serverParams, body: actionBody } },
      async (request, reply) => {
        const context = contextOf(request);
        const body = request.body;
        if (body['os-migrateLive'] !== undefined) {
          await compute.liveMigrate(context, request.params.server_id, body['os-migrateLive'].host ?? null);
          return reply.code(202).send();
        }
        if (body.createImage !== undefined) {
          const imageId = await compute.createImage(context, request.params.server_id, body.createImage.name ?? '');
          reply.code(202).header('Location', `${base(request)}/images/${imageId}`);
          return atLeast(request, '2.45') ? reply.send({ image_id: imageId }) : reply.send();
        }
        throw new BadRequestError('There is no such action.');
      },
    );

    // GET, POST /v2.1/servers/{server_id}/os-volume_attachments
    app.get<{ Params: ServerParams }>('/v2.1/servers/:server_id/os-volume_attachments', { schema: { params: serverParams } }, async (request) => {
      const instance = await compute.get(contextOf(request), request.params.server_id);
      return { volumeAttachments: (await compute.attachments(instance.id)).map(renderAttachment) };
    });
    app.post<{ Params: ServerParams; Body: { volumeAttachment: { volumeId: string } } }>(
      '/v2.1/servers/:server_id/os-volume_attachments',
      { schema: { params: serverParams, body: attachBody } },
      async (request) => ({
        volumeAttachment: renderAttachment(await compute.attachVolume(contextOf(request), request.params.server_id, request.body.volumeAttachment.volumeId)),
      }),
    );

    // GET /v2.1/servers/{server_id}/os-instance-actions[/{request_id}]
    app.get<{ Params: ServerParams }>('/v2.1/servers/:server_id/os-instance-actions', { schema: { params: serverParams } }, async (request) => ({
      instanceActions: (await compute.actions(contextOf(request), request.params.server_id)).map((a) => renderAction(a.action, a.job)),
    }));
    app.get<{ Params: ServerParams & { request_id: string } }>('/v2.1/servers/:server_id/os-instance-actions/:request_id', async (request) => {
      const context = contextOf(request);
      const found = await compute.action(context, request.params.server_id, request.params.request_id);
      const instance = await compute.get(context, request.params.server_id);
      const events = found.job === undefined ? [] : renderEvents(found.job, found.steps, instance.host);
      return {
        instanceAction: {
          ...renderAction(found.action, found.job),
          events,
          // Baton's addition: the job's cross-service calls, so a timeline can be followed.
          'baton:calls': found.calls,
        },
      };
    });
  };
}
