// /v2/images (glance/api/v2/images.py, image_data.py): JSON for the records, raw streams for
// the data, glance's JSON-patch media type for updates.
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequestError, ForbiddenError } from '../common/errors.ts';
import { contextOf } from '../common/context.ts';
import { InterServiceError, type InterServiceClient } from '../common/inter-service.ts';
import { SORT_KEYS, type VolumeSource, type Image, type ImageAttributes, type ImageCaller, type ImageFilters, type ImageManager, type SortKey } from './image-manager.ts';

const PATCH_MEDIA_TYPES = ['application/openstack-images-v2.1-json-patch', 'application/openstack-images-v2.0-json-patch'];
const LIMIT_DEFAULT = 25;
const LIMIT_MAX = 1000;
const UUID = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';
const FILTERS = ['name', 'status', 'visibility', 'owner', 'disk_format', 'container_format'] as const;
const PAGING = new Set(['limit', 'marker', 'sort_key', 'sort_dir', 'sort', 'os_hidden', 'tag', 'member_status', ...FILTERS]);

const nullableString = { type: ['string', 'null'], maxLength: 255 };
const count = { type: 'integer', minimum: 0, maximum: 2147483647 };
const attributes = {
  id: { type: 'string', pattern: UUID },
  name: nullableString,
  visibility: { type: 'string', enum: ['public', 'private', 'shared', 'community'] },
  disk_format: nullableString,
  container_format: nullableString,
  min_disk: count,
  min_ram: count,
  protected: { type: 'boolean' },
  os_hidden: { type: 'boolean' },
  owner: nullableString,
  tags: { type: 'array', maxItems: 128, items: { type: 'string', minLength: 1, maxLength: 255 } },
};
// glance's additional properties are strings with names of at most 255 characters.
const createBody = {
  type: 'object',
  properties: attributes,
  propertyNames: { maxLength: 255 },
  additionalProperties: { type: 'string', maxLength: 65535 },
};
const patchBody = {
  type: 'array',
  maxItems: 256,
  items: {
    type: 'object',
    required: ['op', 'path'],
    properties: { op: { type: 'string', enum: ['add', 'replace', 'remove'] }, path: { type: 'string', pattern: '^/[^/]+$', maxLength: 256 } },
  },
};
const imageParams = { type: 'object', properties: { image_id: { type: 'string', maxLength: 64 } }, required: ['image_id'] };
type ImageParams = { image_id: string };

export function renderImage(image: Image): Record<string, unknown> {
  return {
    ...image.properties,
    name: image.name,
    disk_format: image.diskFormat,
    container_format: image.containerFormat,
    visibility: image.visibility,
    size: image.size,
    virtual_size: image.virtualSize,
    status: image.status,
    checksum: image.checksum,
    protected: image.protected,
    min_ram: image.minRam,
    min_disk: image.minDisk,
    owner: image.owner,
    os_hidden: image.osHidden,
    os_hash_algo: image.osHashAlgo,
    os_hash_value: image.osHashValue,
    id: image.id,
    created_at: image.createdAt,
    updated_at: image.updatedAt,
    tags: image.tags,
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: '/v2/schemas/image',
  };
}

function callerOf(request: FastifyRequest): ImageCaller {
  const context = contextOf(request);
  return { projectId: context.projectId, isAdmin: context.isAdmin };
}

/** One value per query parameter; a repeated one is refused rather than guessed at. */
function single(query: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new BadRequestError(`Query parameter ${key} may be given once.`);
    values[key] = value;
  }
  return values;
}

function filtersOf(query: Record<string, string>): ImageFilters {
  const limit = query.limit === undefined ? LIMIT_DEFAULT : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new BadRequestError('limit param must be an integer');
  let sortKey: string = query.sort_key ?? 'created_at';
  let sortDir: string = query.sort_dir ?? 'desc';
  if (query.sort !== undefined) [sortKey = sortKey, sortDir = 'desc'] = (query.sort.split(',')[0] ?? '').split(':');
  if (!(SORT_KEYS as readonly string[]).includes(sortKey)) throw new BadRequestError(`Invalid sort key: ${sortKey}.`);
  if (sortDir !== 'asc' && sortDir !== 'desc') throw new BadRequestError(`Invalid sort direction: ${sortDir}`);
  if (query.os_hidden !== undefined && query.os_hidden !== 'true' && query.os_hidden !== 'false') {
    throw new BadRequestError('os_hidden must be true or false');
  }
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) if (!PAGING.has(key)) properties[key] = value;
  const filters: ImageFilters = { properties, sortKey: sortKey as SortKey, sortDir, limit: Math.min(limit, LIMIT_MAX) };
  for (const key of FILTERS) if (query[key] !== undefined) filters[key] = query[key];
  if (query.os_hidden !== undefined) filters.os_hidden = query.os_hidden === 'true';
  if (query.tag !== undefined) filters.tag = query.tag;
  if (query.marker !== undefined) filters.marker = query.marker;
  return filters;
}

/** glance's JSON patch: each op on one top-level attribute; a removed property is null. */
function changesOf(ops: { op: string; path: string; value?: unknown }[]): ImageAttributes {
  const changes: ImageAttributes = {};
  for (const { op, path, value } of ops) {
    const name = path.slice(1).replaceAll('~1', '/').replaceAll('~0', '~');
    if (op === 'remove') {
      if (name in attributes) throw new ForbiddenError(`Properties ${name} cannot be removed.`);
      changes[name] = null;
    } else {
      if (value === undefined) throw new BadRequestError(`Operation "${op}" requires a member named "value".`);
      changes[name] = value;
    }
  }
  return changes;
}

/** glance's import methods; this one reads a volume from block-storage (see docs/image.md). */
export const VOLUME_IMPORT_METHOD = 'block-storage-volume';
const importBody = {
  type: 'object',
  required: ['method'],
  properties: {
    method: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', maxLength: 64 }, volume_id: { type: 'string', pattern: UUID } },
    },
  },
};
type ImportBody = { method: { name: string; volume_id?: string } };

/** A volume as block-storage shows it, with what the image service reads of it. */
async function readVolume(client: InterServiceClient, volumeId: string): Promise<VolumeSource> {
  let volume: { id: string; status: string; volume_image_metadata?: { image_id?: string } };
  try {
    ({ volume } = await client.json<{ volume: typeof volume }>('block-storage', `/volumes/${volumeId}`));
  } catch (error) {
    // What block-storage refused is the caller's to fix; a block-storage that did not answer is ours.
    if (error instanceof InterServiceError && error.call.status !== null && error.call.status < 500) {
      throw new BadRequestError(`Could not read volume ${volumeId} from block-storage: ${error.message}`, { cause: error });
    }
    throw error;
  }
  return { id: volume.id, status: volume.status, imageId: volume.volume_image_metadata?.image_id ?? null };
}

export function imageRoutes(images: ImageManager, clientFor: (request: FastifyRequest) => InterServiceClient) {
  return async function routes(app: FastifyInstance): Promise<void> {
    // The data arrives as a stream and is measured as it is written (image_size_cap), not buffered.
    app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    app.addContentTypeParser(PATCH_MEDIA_TYPES, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new BadRequestError('Malformed JSON in request body.'), undefined);
      }
    });

    // POST /v2/images
    app.post<{ Body: ImageAttributes }>('/v2/images', { schema: { body: createBody } }, async (request, reply) => {
      const image = await images.create(callerOf(request), request.body);
      return reply.code(201).header('Location', `/v2/images/${image.id}`).send(renderImage(image));
    });

    // GET /v2/images
    app.get('/v2/images', async (request) => {
      const query = single(request.query as Record<string, unknown>);
      const filters = filtersOf(query);
      const page = await images.list(callerOf(request), filters);
      const body: Record<string, unknown> = { images: page.map(renderImage), first: '/v2/images', schema: '/v2/schemas/images' };
      const last = page[page.length - 1];
      if (last !== undefined && page.length === filters.limit) {
        body.next = `/v2/images?${new URLSearchParams({ ...query, marker: last.id }).toString()}`;
      }
      return body;
    });

    // GET /v2/images/{image_id}
    app.get<{ Params: ImageParams }>('/v2/images/:image_id', { schema: { params: imageParams } }, async (request) =>
      renderImage(await images.get(callerOf(request), request.params.image_id)),
    );

    // PATCH /v2/images/{image_id}
    app.patch<{ Params: ImageParams; Body: { op: string; path: string; value?: unknown }[] }>(
      '/v2/images/:image_id',
      { schema: { params: imageParams, body: patchBody } },
      async (request) => renderImage(await images.update(callerOf(request), request.params.image_id, changesOf(request.body))),
    );

    // DELETE /v2/images/{image_id}
    app.delete<{ Params: ImageParams }>('/v2/images/:image_id', { schema: { params: imageParams } }, async (request, reply) => {
      await images.delete(callerOf(request), request.params.image_id);
      return reply.code(204).send();
    });

    // PUT /v2/images/{image_id}/file
    app.put<{ Params: ImageParams }>('/v2/images/:image_id/file', { schema: { params: imageParams } }, async (request, reply) => {
      const declared = request.headers['content-length'];
      const length = declared === undefined ? undefined : Number(declared);
      await images.upload(callerOf(request), request.params.image_id, request.body as Readable, length);
      return reply.code(204).send();
    });

    // GET /v2/info/import
    app.get('/v2/info/import', async () => ({
      'import-methods': { description: 'Import methods available.', type: 'array', value: [VOLUME_IMPORT_METHOD] },
    }));

    // POST /v2/images/{image_id}/import: done when it answers (glance answers 202 and works on).
    app.post<{ Params: ImageParams; Body: ImportBody }>(
      '/v2/images/:image_id/import',
      { schema: { params: imageParams, body: importBody } },
      async (request, reply) => {
        const { name, volume_id: volumeId } = request.body.method;
        if (name !== VOLUME_IMPORT_METHOD) throw new BadRequestError(`Import method ${name} is not supported; this cloud offers ${VOLUME_IMPORT_METHOD}.`);
        if (volumeId === undefined) throw new BadRequestError(`Import method ${VOLUME_IMPORT_METHOD} needs method.volume_id.`);
        const client = clientFor(request);
        await images.importFromVolume(callerOf(request), request.params.image_id, () => readVolume(client, volumeId));
        return reply.code(202).send();
      },
    );

    // GET /v2/images/{image_id}/file
    app.get<{ Params: ImageParams }>('/v2/images/:image_id/file', { schema: { params: imageParams } }, async (request, reply) => {
      const { image, data } = await images.download(callerOf(request), request.params.image_id);
      if (data === null) return reply.code(204).send();
      return reply
        .type('application/octet-stream')
        .header('Content-Length', String(image.size ?? 0))
        .header('Content-MD5', image.checksum ?? '')
        .send(data);
    });
  };
}
