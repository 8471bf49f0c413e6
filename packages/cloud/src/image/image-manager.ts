// Images as glance keeps them: who may see and change which image, the status machine
// queued → saving → active (killed when the store fails), and the data through the store.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Kysely, Selectable } from 'kysely';
import { BadRequestError, CloudError, ConflictError, ForbiddenError, NotFoundError, PayloadTooLargeError } from '../common/errors.ts';
import type { ImageDatabase, ImageRow, ImageStatus, ImageVisibility } from './storage.ts';
import type { FilesystemStore } from './store.ts';
import { toDbBoolean } from '@baton/storage';

export interface ImageCaller {
  projectId: string;
  isAdmin: boolean;
}

export interface Image {
  id: string;
  name: string | null;
  owner: string;
  status: ImageStatus;
  visibility: ImageVisibility;
  diskFormat: string | null;
  containerFormat: string | null;
  minDisk: number;
  minRam: number;
  size: number | null;
  virtualSize: number | null;
  checksum: string | null;
  osHashAlgo: string | null;
  osHashValue: string | null;
  protected: boolean;
  osHidden: boolean;
  properties: Record<string, string>;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

/** The attributes a caller may set; anything else in the body is an additional property. */
export interface ImageAttributes {
  id?: string;
  name?: string | null;
  visibility?: ImageVisibility;
  disk_format?: string | null;
  container_format?: string | null;
  min_disk?: number;
  min_ram?: number;
  protected?: boolean;
  os_hidden?: boolean;
  tags?: string[];
  owner?: string;
  [property: string]: unknown;
}

/** What the image service needs of a volume it reads (block-storage's volume show). */
export interface VolumeSource {
  id: string;
  status: string;
  /** The image the volume was created from (its volume_image_metadata), or null for a blank one. */
  imageId: string | null;
}

export interface ImageFilters {
  name?: string;
  status?: string;
  visibility?: string;
  owner?: string;
  disk_format?: string;
  container_format?: string;
  os_hidden?: boolean;
  tag?: string;
  properties: Record<string, string>;
  sortKey: SortKey;
  sortDir: 'asc' | 'desc';
  limit: number;
  marker?: string;
}

export const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

// glance's read-only attributes (schema `readOnly`) and those it reserves.
const READ_ONLY = new Set([
  'checksum', 'created_at', 'updated_at', 'status', 'size', 'virtual_size', 'os_hash_algo', 'os_hash_value',
  'self', 'file', 'schema', 'direct_url', 'locations', 'stores',
]);
const RESERVED = new Set(['deleted', 'deleted_at', 'location']);
const CORE = new Set(['id', 'name', 'visibility', 'disk_format', 'container_format', 'min_disk', 'min_ram', 'protected', 'os_hidden', 'tags', 'owner']);

function toImage(row: Selectable<ImageRow>): Image {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    status: row.status,
    visibility: row.visibility,
    diskFormat: row.disk_format,
    containerFormat: row.container_format,
    minDisk: row.min_disk,
    minRam: row.min_ram,
    size: row.size,
    virtualSize: row.virtual_size,
    checksum: row.checksum,
    osHashAlgo: row.os_hash_algo,
    osHashValue: row.os_hash_value,
    protected: Boolean(row.protected),
    osHidden: Boolean(row.os_hidden),
    properties: JSON.parse(row.properties) as Record<string, string>,
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ImageManager {
  readonly #db: Kysely<ImageDatabase>;
  readonly #store: FilesystemStore;
  readonly #diskFormats: readonly string[];
  readonly #containerFormats: readonly string[];
  readonly #isUniqueViolation: (error: unknown) => boolean;

  constructor(options: {
    db: Kysely<ImageDatabase>;
    store: FilesystemStore;
    diskFormats: readonly string[];
    containerFormats: readonly string[];
    isUniqueViolation: (error: unknown) => boolean;
  }) {
    this.#db = options.db;
    this.#store = options.store;
    this.#diskFormats = options.diskFormats;
    this.#containerFormats = options.containerFormats;
    this.#isUniqueViolation = options.isUniqueViolation;
  }

  // POST /v2/images
  async create(caller: ImageCaller, attributes: ImageAttributes): Promise<Image> {
    const { core, properties } = this.#split(caller, attributes);
    const stamp = now();
    const row: ImageRow = {
      id: core.id ?? randomUUID(),
      name: core.name ?? null,
      owner: core.owner ?? caller.projectId,
      status: 'queued',
      visibility: core.visibility ?? 'shared',
      disk_format: core.disk_format ?? null,
      container_format: core.container_format ?? null,
      min_disk: core.min_disk ?? 0,
      min_ram: core.min_ram ?? 0,
      size: null,
      virtual_size: null,
      checksum: null,
      os_hash_algo: null,
      os_hash_value: null,
      protected: toDbBoolean(core.protected === true),
      os_hidden: toDbBoolean(core.os_hidden === true),
      properties: JSON.stringify(properties),
      tags: JSON.stringify([...new Set(core.tags ?? [])]),
      created_at: stamp,
      updated_at: stamp,
    };
    try {
      await this.#db.insertInto('image').values(row).execute();
    } catch (error) {
      if (this.#isUniqueViolation(error)) throw new ConflictError(`Image with identifier ${row.id} already exists!`);
      throw error;
    }
    return toImage(row);
  }

  // GET /v2/images/{image_id}
  async get(caller: ImageCaller, imageId: string): Promise<Image> {
    const row = await this.#db.selectFrom('image').selectAll().where('id', '=', imageId).executeTakeFirst();
    if (row === undefined || !this.#visible(caller, row)) throw new NotFoundError(`No image found with ID ${imageId}`);
    return toImage(row);
  }

  // GET /v2/images
  async list(caller: ImageCaller, filters: ImageFilters): Promise<Image[]> {
    let query = this.#db.selectFrom('image').selectAll();
    if (!caller.isAdmin) {
      query =
        filters.visibility === 'community'
          ? query.where('visibility', '=', 'community')
          : query.where((eb) => eb.or([eb('owner', '=', caller.projectId), eb('visibility', '=', 'public')]));
    }
    for (const key of ['name', 'status', 'visibility', 'owner', 'disk_format', 'container_format'] as const) {
      const value = filters[key];
      if (value !== undefined) query = query.where(key, '=', value);
    }
    if (filters.os_hidden !== undefined) query = query.where('os_hidden', '=', toDbBoolean(filters.os_hidden));
    const rows = await query.orderBy(filters.sortKey, filters.sortDir).orderBy('id', filters.sortDir).execute();
    let images = rows.map(toImage).filter(
      (image) =>
        (filters.tag === undefined || image.tags.includes(filters.tag)) &&
        Object.entries(filters.properties).every(([key, value]) => image.properties[key] === value),
    );
    if (filters.marker !== undefined) {
      const at = images.findIndex((image) => image.id === filters.marker);
      if (at < 0) throw new BadRequestError(`Invalid marker. Image ${filters.marker} could not be found.`);
      images = images.slice(at + 1);
    }
    return images.slice(0, filters.limit);
  }

  // PATCH /v2/images/{image_id}: `changes` are the new values of the named attributes (null removes a property).
  async update(caller: ImageCaller, imageId: string, changes: ImageAttributes): Promise<Image> {
    const image = await this.#writable(caller, imageId);
    if ('id' in changes) throw new ForbiddenError("Attribute 'id' is read-only.");
    const { core, properties } = this.#split(caller, changes);
    const merged = { ...image.properties };
    for (const [key, value] of Object.entries(properties)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    await this.#db
      .updateTable('image')
      .set({
        ...(core.owner !== undefined ? { owner: core.owner } : {}),
        ...(core.name !== undefined ? { name: core.name } : {}),
        ...(core.visibility !== undefined ? { visibility: core.visibility } : {}),
        ...(core.disk_format !== undefined ? { disk_format: core.disk_format } : {}),
        ...(core.container_format !== undefined ? { container_format: core.container_format } : {}),
        ...(core.min_disk !== undefined ? { min_disk: core.min_disk } : {}),
        ...(core.min_ram !== undefined ? { min_ram: core.min_ram } : {}),
        ...(core.protected !== undefined ? { protected: toDbBoolean(core.protected) } : {}),
        ...(core.os_hidden !== undefined ? { os_hidden: toDbBoolean(core.os_hidden) } : {}),
        ...(core.tags !== undefined ? { tags: JSON.stringify([...new Set(core.tags)]) } : {}),
        properties: JSON.stringify(merged),
        updated_at: now(),
      })
      .where('id', '=', imageId)
      .execute();
    return this.get(caller, imageId);
  }

  // DELETE /v2/images/{image_id}
  async delete(caller: ImageCaller, imageId: string): Promise<void> {
    const image = await this.#writable(caller, imageId);
    if (image.protected) throw new ForbiddenError(`Image ${imageId} is protected and cannot be deleted.`);
    await this.#db.deleteFrom('image').where('id', '=', imageId).execute();
    await this.#store.delete(imageId);
  }

  // PUT /v2/images/{image_id}/file
  async upload(caller: ImageCaller, imageId: string, data: Readable, declaredLength: number | undefined): Promise<void> {
    const image = await this.#receivable(caller, imageId);
    if (declaredLength !== undefined && declaredLength > this.#store.sizeCap) {
      throw new PayloadTooLargeError(`Image exceeds the image_size_cap of ${this.#store.sizeCap} bytes.`);
    }
    await this.#receive(image, async () => data);
  }

  // POST /v2/images/{image_id}/import, method block-storage-volume: the data of a volume,
  // which block-storage holds only for volumes created from an image (that image's data).
  async importFromVolume(caller: ImageCaller, imageId: string, readVolume: () => Promise<VolumeSource>): Promise<void> {
    const image = await this.#receivable(caller, imageId);
    await this.#receive(image, async () => {
      const volume = await readVolume();
      if (volume.status !== 'available' && volume.status !== 'in-use') {
        throw new ConflictError(`Volume ${volume.id} is ${volume.status}; it must be available or in-use.`);
      }
      if (volume.imageId === null) {
        throw new BadRequestError(`Volume ${volume.id} was created blank: Baton's block-storage holds data only for volumes created from an image.`);
      }
      const source = await this.#db.selectFrom('image').select(['id', 'status']).where('id', '=', volume.imageId).executeTakeFirst();
      if (source?.status !== 'active') {
        throw new BadRequestError(`The data of volume ${volume.id} (image ${volume.imageId}) is no longer available.`);
      }
      return this.#store.get(source.id);
    });
  }

  async #receivable(caller: ImageCaller, imageId: string): Promise<Image> {
    const image = await this.#writable(caller, imageId);
    if (image.diskFormat === null || image.containerFormat === null) {
      throw new BadRequestError('Properties disk_format, container_format must be set prior to saving data.');
    }
    return image;
  }

  /** queued → saving → active with the data `source` gives; back to queued if it is refused, killed if the store fails. */
  async #receive(image: Image, source: () => Promise<Readable>): Promise<void> {
    // queued → saving is the lock: of two concurrent uploads only one gets the row.
    const claimed = await this.#db
      .updateTable('image')
      .set({ status: 'saving', updated_at: now() })
      .where('id', '=', image.id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      throw new ConflictError(`Image status transition from ${image.status} to saving is not allowed`);
    }
    let stored;
    try {
      stored = await this.#store.add(image.id, await source());
    } catch (error) {
      // glance restores the image to queued when the data was refused or the client went away,
      // and kills it when the store itself failed.
      const refused = error instanceof CloudError || isClientAbort(error);
      await this.#db.updateTable('image').set({ status: refused ? 'queued' : 'killed', updated_at: now() }).where('id', '=', image.id).execute();
      throw error;
    }
    const activated = await this.#db
      .updateTable('image')
      .set({
        status: 'active',
        size: stored.size,
        checksum: stored.checksum,
        os_hash_algo: stored.hashAlgo,
        os_hash_value: stored.hashValue,
        updated_at: now(),
      })
      .where('id', '=', image.id)
      .where('status', '=', 'saving')
      .executeTakeFirst();
    if (Number(activated.numUpdatedRows) !== 1) {
      // Deleted while its data was arriving: the data must not outlive the image.
      await this.#store.delete(image.id);
      throw new NotFoundError(`Image ${image.id} could not be found after upload. The image may have been deleted during the upload.`);
    }
  }

  // GET /v2/images/{image_id}/file: null data when the image has none yet (glance answers 204).
  async download(caller: ImageCaller, imageId: string): Promise<{ image: Image; data: Readable | null }> {
    const image = await this.get(caller, imageId);
    if (image.status !== 'active') return { image, data: null };
    return { image, data: await this.#store.get(imageId) };
  }

  #visible(caller: ImageCaller, row: Selectable<ImageRow>): boolean {
    return caller.isAdmin || row.owner === caller.projectId || row.visibility === 'public' || row.visibility === 'community';
  }

  async #writable(caller: ImageCaller, imageId: string): Promise<Image> {
    const image = await this.get(caller, imageId);
    if (!caller.isAdmin && image.owner !== caller.projectId) {
      throw new ForbiddenError('You are not permitted to modify this image.');
    }
    return image;
  }

  /** Checks the attributes a caller set and separates glance's own from additional properties. */
  #split(caller: ImageCaller, attributes: ImageAttributes): { core: ImageAttributes; properties: Record<string, string | null> } {
    const core: ImageAttributes = {};
    const properties: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(attributes)) {
      if (READ_ONLY.has(key)) throw new ForbiddenError(`Attribute '${key}' is read-only.`);
      if (RESERVED.has(key)) throw new ForbiddenError(`Attribute '${key}' is reserved.`);
      if (key === 'owner' && value !== caller.projectId && !caller.isAdmin) throw new ForbiddenError("Attribute 'owner' is read-only.");
      if (CORE.has(key)) core[key] = value;
      else if (typeof value === 'string' || value === null) properties[key] = value;
      else throw new BadRequestError(`Provided object does not match schema 'image': ${JSON.stringify(key)} must be a string`);
    }
    if (core.visibility === 'public' && !caller.isAdmin) {
      throw new ForbiddenError('You are not authorized to complete publicize_image action.');
    }
    if (core.disk_format != null && !this.#diskFormats.includes(core.disk_format)) {
      throw new BadRequestError(`Invalid disk format '${core.disk_format}' for image.`);
    }
    if (core.container_format != null && !this.#containerFormats.includes(core.container_format)) {
      throw new BadRequestError(`Invalid container format '${core.container_format}' for image.`);
    }
    return { core, properties };
  }
}

function isClientAbort(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
