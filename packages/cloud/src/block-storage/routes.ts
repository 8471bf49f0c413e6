// /v3/{project_id}: volumes (cinder/api/v3/volumes.py) and attachments (api/v3/attachments.py,
// microversions 3.27+, os-complete from 3.44), shaped as cinder's views render them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { atLeast, BadRequestError, contextOf, NotFoundError, type RequestContext } from '../common/index.ts';
import type { AttachmentRow, VolumeRow } from './storage.ts';
import type { VolumeManager } from './volume-manager.ts';

/** cinder's NEW_ATTACH and NEW_ATTACH_COMPLETION microversions. */
const NEW_ATTACH = '3.27';
const NEW_ATTACH_COMPLETION = '3.44';

const text = { type: ['string', 'null'], maxLength: 255 };
const id = { type: 'string', minLength: 1, maxLength: 64 };
const connector = { type: ['object', 'null'], maxProperties: 64 };
const projectParams = { type: 'object', properties: { project_id: id }, required: ['project_id'] };
const idParams = { type: 'object', properties: { project_id: id, id }, required: ['project_id', 'id'] };

const createVolumeBody = {
  type: 'object',
  required: ['volume'],
  properties: {
    volume: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { anyOf: [{ type: 'integer' }, { type: 'string', maxLength: 12 }] },
        name: text,
        description: text,
        display_name: text,
        display_description: text,
        availability_zone: text,
        imageRef: { type: ['string', 'null'], maxLength: 64 },
        volume_type: text,
        metadata: { type: ['object', 'null'], maxProperties: 64, additionalProperties: { type: 'string', maxLength: 255 } },
        snapshot_id: { type: 'null' },
        source_volid: { type: 'null' },
        backup_id: { type: 'null' },
        consistencygroup_id: { type: 'null' },
        multiattach: { type: 'boolean', const: false },
      },
    },
  },
};
const createAttachmentBody = {
  type: 'object',
  required: ['attachment'],
  properties: {
    attachment: {
      type: 'object',
      required: ['volume_uuid'],
      properties: { volume_uuid: id, instance_uuid: { type: ['string', 'null'], maxLength: 64 }, connector, mode: { type: 'string', enum: ['rw', 'ro'] } },
    },
  },
};
const updateAttachmentBody = {
  type: 'object',
  required: ['attachment'],
  properties: { attachment: { type: 'object', required: ['connector'], properties: { connector: { type: 'object', maxProperties: 64 } } } },
};
const actionBody = { type: 'object', required: ['os-complete'], properties: { 'os-complete': {} }, additionalProperties: false };

type ProjectParams = { project_id: string };
type IdParams = ProjectParams & { id: string };

/** The caller's context, checking the URL's project as cinder does. */
function callerOf(request: FastifyRequest<{ Params: ProjectParams }>): RequestContext {
  const ctx = contextOf(request);
  if (request.params.project_id !== ctx.projectId && !ctx.isAdmin) {
    throw new BadRequestError(`Malformed request url: the URL's project_id '${request.params.project_id}' does not match the token's project_id '${ctx.projectId}'.`);
  }
  return ctx;
}

function requireAttachApi(request: FastifyRequest, version = NEW_ATTACH): void {
  // Below the microversion the resource does not exist, as cinder answers.
  if (!atLeast(request, version)) throw new NotFoundError('The resource could not be found.');
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function links(request: FastifyRequest, volume: VolumeRow): unknown[] {
  return [
    { rel: 'self', href: `${origin(request)}/v3/${volume.project_id}/volumes/${volume.id}` },
    { rel: 'bookmark', href: `${origin(request)}/${volume.project_id}/volumes/${volume.id}` },
  ];
}

function attachmentView(attachment: AttachmentRow, volume: VolumeRow): Record<string, unknown> {
  return {
    id: attachment.id,
    attachment_id: attachment.id,
    volume_id: volume.id,
    server_id: attachment.instance_uuid,
    host_name: null,
    device: null,
    attached_at: attachment.attached_at,
  };
}

export function renderVolume(request: FastifyRequest, volume: VolumeRow, attachments: readonly AttachmentRow[]): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: volume.id,
    status: volume.status,
    size: volume.size,
    availability_zone: volume.availability_zone,
    created_at: volume.created_at,
    updated_at: volume.updated_at,
    name: volume.name,
    description: volume.description,
    volume_type: '__DEFAULT__',
    snapshot_id: null,
    source_volid: null,
    metadata: {},
    links: links(request, volume),
    user_id: volume.user_id,
    bootable: String(volume.image_id !== null),
    encrypted: false,
    replication_status: null,
    consistencygroup_id: null,
    multiattach: false,
    attachments: attachments.filter((a) => a.attach_status === 'attached').map((a) => attachmentView(a, volume)),
    'os-vol-tenant-attr:tenant_id': volume.project_id,
  };
  if (volume.image_metadata !== null) view.volume_image_metadata = JSON.parse(volume.image_metadata) as unknown;
  return view;
}

function renderAttachment(attachment: AttachmentRow, detail: boolean): Record<string, unknown> {
  const summary = { id: attachment.id, status: attachment.attach_status, instance: attachment.instance_uuid, volume_id: attachment.volume_id };
  if (!detail) return summary;
  return {
    ...summary,
    attached_at: attachment.attached_at ?? '',
    detached_at: '',
    attach_mode: attachment.attach_mode,
    connection_info: attachment.connection_info === null ? null : (JSON.parse(attachment.connection_info) as unknown),
  };
}

/** cinder's size may come as a string of digits. */
function sizeOf(value: number | string): number {
  const size = typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) : NaN) : value;
  if (!Number.isInteger(size)) throw new BadRequestError(`Invalid input received: size must be an integer, got ${JSON.stringify(value)}.`);
  return size;
}

function oneQueryValue(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequestError(`Invalid filter: ${name} may be given once.`);
  return value;
}

export function blockStorageRoutes(app: FastifyInstance, volumes: VolumeManager): void {
  const volumeView = async (request: FastifyRequest, volume: VolumeRow) => renderVolume(request, volume, await volumes.attachmentsOf(volume.id));

  app.post<{ Params: ProjectParams; Body: { volume: Record<string, unknown> & { size: number | string } } }>(
    '/v3/:project_id/volumes',
    { schema: { params: projectParams, body: createVolumeBody } },
    async (request, reply) => {
      const ctx = callerOf(request);
      const body = request.body.volume;
      const volume = await volumes.create(ctx, {
        size: sizeOf(body.size),
        name: (body.name ?? body.display_name ?? null) as string | null,
        description: (body.description ?? body.display_description ?? null) as string | null,
        availabilityZone: (body.availability_zone ?? null) as string | null,
        imageRef: (body.imageRef ?? null) as string | null,
      });
      return reply.code(202).send({ volume: renderVolume(request, volume, []) });
    },
  );

  const list = (detail: boolean) => async (request: FastifyRequest<{ Params: ProjectParams; Querystring: Record<string, unknown> }>) => {
    const ctx = callerOf(request);
    const allTenants = oneQueryValue(request.query.all_tenants, 'all_tenants');
    const rows = await volumes.list(ctx, {
      ...defined('name', oneQueryValue(request.query.name, 'name')),
      ...defined('status', oneQueryValue(request.query.status, 'status')),
      allTenants: allTenants !== undefined && !['0', 'false', 'False'].includes(allTenants),
    });
    return {
      volumes: detail
        ? await Promise.all(rows.map((row) => volumeView(request, row)))
        : rows.map((row) => ({ id: row.id, name: row.name, links: links(request, row) })),
    };
  };
  app.get('/v3/:project_id/volumes', { schema: { params: projectParams } }, list(false));
  app.get('/v3/:project_id/volumes/detail', { schema: { params: projectParams } }, list(true));

  app.get<{ Params: IdParams }>('/v3/:project_id/volumes/:id', { schema: { params: idParams } }, async (request) => ({
    volume: await volumeView(request, await volumes.get(callerOf(request), request.params.id)),
  }));

  app.delete<{ Params: IdParams }>('/v3/:project_id/volumes/:id', { schema: { params: idParams } }, async (request, reply) => {
    await volumes.delete(callerOf(request), request.params.id);
    return reply.code(202).send();
  });

  app.post<{ Params: ProjectParams; Body: { attachment: { volume_uuid: string; instance_uuid?: string | null; connector?: Record<string, unknown> | null; mode?: string } } }>(
    '/v3/:project_id/attachments',
    { schema: { params: projectParams, body: createAttachmentBody } },
    async (request) => {
      const ctx = callerOf(request);
      requireAttachApi(request);
      const body = request.body.attachment;
      const attachment = await volumes.createAttachment(ctx, body.volume_uuid, body.instance_uuid ?? null, body.connector ?? null, body.mode ?? 'rw');
      return { attachment: renderAttachment(attachment, true) };
    },
  );

  const listAttachments = (detail: boolean) => async (request: FastifyRequest<{ Params: ProjectParams; Querystring: Record<string, unknown> }>) => {
    const ctx = callerOf(request);
    requireAttachApi(request);
    const rows = await volumes.listAttachments(ctx, {
      ...defined('volumeId', oneQueryValue(request.query.volume_id, 'volume_id')),
      ...defined('instanceId', oneQueryValue(request.query.instance_id, 'instance_id')),
    });
    return { attachments: rows.map((row) => renderAttachment(row, detail)) };
  };
  app.get('/v3/:project_id/attachments', { schema: { params: projectParams } }, listAttachments(false));
  app.get('/v3/:project_id/attachments/detail', { schema: { params: projectParams } }, listAttachments(true));

  app.get<{ Params: IdParams }>('/v3/:project_id/attachments/:id', { schema: { params: idParams } }, async (request) => {
    const ctx = callerOf(request);
    requireAttachApi(request);
    return { attachment: renderAttachment(await volumes.getAttachment(ctx, request.params.id), true) };
  });

  app.put<{ Params: IdParams; Body: { attachment: { connector: Record<string, unknown> } } }>(
    '/v3/:project_id/attachments/:id',
    { schema: { params: idParams, body: updateAttachmentBody } },
    async (request) => {
      const ctx = callerOf(request);
      requireAttachApi(request);
      return { attachment: renderAttachment(await volumes.updateAttachment(ctx, request.params.id, request.body.attachment.connector), true) };
    },
  );

  app.post<{ Params: IdParams }>(
    '/v3/:project_id/attachments/:id/action',
    { schema: { params: idParams, body: actionBody } },
    async (request, reply) => {
      const ctx = callerOf(request);
      requireAttachApi(request, NEW_ATTACH_COMPLETION);
      await volumes.completeAttachment(ctx, request.params.id);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: IdParams }>('/v3/:project_id/attachments/:id', { schema: { params: idParams } }, async (request) => {
    const ctx = callerOf(request);
    requireAttachApi(request);
    const remaining = await volumes.deleteAttachment(ctx, request.params.id);
    return { attachments: remaining.map((row) => renderAttachment(row, false)) };
  });
}

function defined<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
