// Volumes and attachments as cinder keeps them (volume/api.py): status transitions, the
// attachments API of microversions 3.27 and 3.44, and bug 2004555's rule that only a service
// may delete an attachment an instance still uses. Volumes hold no data; a volume from an
// image reads the image from the image service, as the user with the service's token.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { BadRequestError, ConflictError, InterServiceError, NotFoundError, type InterServiceClient, type RequestContext, type UserCredentials } from '../common/index.ts';
import type { AttachmentRow, BlockStorageDatabase, VolumeRow, VolumeStatus } from './storage.ts';

export interface VolumeManagerOptions {
  readonly db: Kysely<BlockStorageDatabase>;
  readonly availabilityZone: string;
  readonly createDelayMs: number;
  readonly maxVolumeSize: number;
  /** A client calling other services as the given user (with the service token per [service_user]). */
  readonly clientFor: (user: UserCredentials) => InterServiceClient;
  readonly log: (message: string) => void;
}

export interface CreateVolume {
  readonly size: number;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly availabilityZone?: string | null;
  readonly imageRef?: string | null;
}

export interface Connector {
  readonly [key: string]: unknown;
}

interface ImageInfo {
  id: string;
  name?: string | null;
  status: string;
  size?: number | null;
  checksum?: string | null;
  min_disk?: number;
  disk_format?: string | null;
  container_format?: string | null;
}

const GIB = 1024 ** 3;

interface Building {
  cancel(): void;
  done: Promise<void>;
}
const DELETABLE: readonly VolumeStatus[] = ['available', 'error'];

/** cinder's message when a volume cannot be deleted in its state. */
const NOT_DELETABLE =
  'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing ' +
  'and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.';

export class VolumeManager {
  readonly #options: VolumeManagerOptions;
  readonly #db: Kysely<BlockStorageDatabase>;
  /** Volumes being built in this process (image read, simulated backend delay). */
  readonly #building = new Map<string, Building>();
  #closed = false;

  constructor(options: VolumeManagerOptions) {
    this.#options = options;
    this.#db = options.db;
  }

  /** A volume left 'creating' by a process that died cannot finish: its user's token is gone. */
  async recoverInterrupted(): Promise<number> {
    const result = await this.#db
      .updateTable('volume')
      .set({ status: 'error', fault: 'The block-storage service stopped while the volume was being created.', updated_at: now() })
      .where('status', '=', 'creating')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async create(ctx: RequestContext, request: CreateVolume): Promise<VolumeRow> {
    const { size } = request;
    if (!Number.isInteger(size) || size < 1) throw new BadRequestError(`Invalid input received: size must be an integer greater than 0, got ${JSON.stringify(size)}.`);
    if (size > this.#options.maxVolumeSize) {
      throw new BadRequestError(`Invalid input received: volume size ${size} GiB is larger than the limit of ${this.#options.maxVolumeSize} GiB ([block_storage] max_volume_size).`);
    }
    const zone = request.availabilityZone ?? this.#options.availabilityZone;
    if (zone !== this.#options.availabilityZone) throw new BadRequestError(`Invalid input received: Availability zone '${zone}' is invalid.`);
    const credentials: UserCredentials = { token: ctx.userToken, expiresAt: ctx.userTokenExpiresAt, catalog: ctx.catalog };
    let image: ImageInfo | null = null;
    if (request.imageRef !== undefined && request.imageRef !== null) {
      image = await this.#showImage(credentials, request.imageRef);
      const imageGiB = Math.ceil((image.size ?? 0) / GIB);
      if (imageGiB > size) throw new BadRequestError(`Size of specified image ${imageGiB} GB is larger than volume size ${size} GB.`);
      if ((image.min_disk ?? 0) > size) throw new BadRequestError(`Volume size ${size} GB cannot be smaller than the image minDisk size ${image.min_disk} GB.`);
    }
    const stamp = now();
    const row: VolumeRow = {
      id: randomUUID(),
      project_id: ctx.projectId,
      user_id: ctx.userId,
      name: request.name ?? null,
      description: request.description ?? null,
      size,
      status: 'creating',
      availability_zone: zone,
      image_id: image?.id ?? null,
      image_metadata: image === null ? null : JSON.stringify(imageMetadata(image)),
      fault: null,
      created_at: stamp,
      updated_at: stamp,
    };
    await this.#db.insertInto('volume').values(row).execute();
    this.#build(row, image, credentials);
    return row;
  }

  async list(ctx: RequestContext, filters: { name?: string; status?: string; allTenants?: boolean }): Promise<VolumeRow[]> {
    let query = this.#db.selectFrom('volume').selectAll().orderBy('created_at', 'desc').orderBy('id');
    if (!(ctx.isAdmin && filters.allTenants === true)) query = query.where('project_id', '=', ctx.projectId);
    if (filters.name !== undefined) query = query.where('name', '=', filters.name);
    if (filters.status !== undefined) query = query.where('status', '=', filters.status as VolumeStatus);
    return query.execute();
  }

  /** The volume, if the caller may see it: their project's, or any for an admin. */
  async get(ctx: RequestContext, id: string): Promise<VolumeRow> {
    const row = await this.#db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined || !(row.project_id === ctx.projectId || ctx.isAdmin)) throw NotFoundError.entity('Volume', id);
    return row;
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    const volume = await this.get(ctx, id);
    const attachments = await this.attachmentsOf(volume.id);
    if (!DELETABLE.includes(volume.status) || attachments.length > 0) throw new ConflictError(NOT_DELETABLE);
    await this.#db.deleteFrom('volume').where('id', '=', volume.id).where('status', 'in', DELETABLE).execute();
  }

  attachmentsOf(volumeId: string): Promise<AttachmentRow[]> {
    return this.#db.selectFrom('volume_attachment').selectAll().where('volume_id', '=', volumeId).orderBy('created_at').execute();
  }

  async listAttachments(ctx: RequestContext, filters: { volumeId?: string; instanceId?: string }): Promise<AttachmentRow[]> {
    let query = this.#db.selectFrom('volume_attachment').selectAll().orderBy('created_at');
    if (!ctx.isAdmin) query = query.where('project_id', '=', ctx.projectId);
    if (filters.volumeId !== undefined) query = query.where('volume_id', '=', filters.volumeId);
    if (filters.instanceId !== undefined) query = query.where('instance_uuid', '=', filters.instanceId);
    return query.execute();
  }

  async getAttachment(ctx: RequestContext, id: string): Promise<AttachmentRow> {
    const row = await this.#db.selectFrom('volume_attachment').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined || !(row.project_id === ctx.projectId || ctx.isAdmin)) throw NotFoundError.entity('VolumeAttachment', id);
    return row;
  }

  /**
   * Reserves the volume for an instance; with a connector it is initialised at once. A volume
   * in use may get another attachment for the same instance only (nova's live migration adds
   * one for the destination host).
   */
  async createAttachment(ctx: RequestContext, volumeId: string, instanceUuid: string | null, connector: Connector | null, mode: string): Promise<AttachmentRow> {
    const volume = await this.get(ctx, volumeId);
    const existing = await this.attachmentsOf(volume.id);
    const sameInstance = existing.length > 0 && existing.every((a) => a.instance_uuid !== null && a.instance_uuid === instanceUuid);
    if (!(volume.status === 'available' || (sameInstance && ['reserved', 'attaching', 'in-use'].includes(volume.status)))) {
      throw new ConflictError(
        `Invalid volume: Volume ${volume.id} status must be available or downloading to reserve, but the current status is ${volume.status}.`,
      );
    }
    const stamp = now();
    const row: AttachmentRow = {
      id: randomUUID(),
      volume_id: volume.id,
      project_id: volume.project_id,
      instance_uuid: instanceUuid,
      attach_status: connector === null ? 'reserved' : 'attaching',
      attach_mode: mode,
      connector: connector === null ? null : JSON.stringify(connector),
      connection_info: null,
      attached_at: null,
      created_at: stamp,
    };
    if (connector !== null) row.connection_info = JSON.stringify(connectionInfo(volume, row));
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('volume_attachment').values(row).execute();
      if (volume.status !== 'in-use') {
        await trx.updateTable('volume').set({ status: connector === null ? 'reserved' : 'attaching', updated_at: stamp }).where('id', '=', volume.id).execute();
      }
    });
    return row;
  }

  /** The compute host's connector: the attachment gets its connection_info. */
  async updateAttachment(ctx: RequestContext, id: string, connector: Connector): Promise<AttachmentRow> {
    const attachment = await this.getAttachment(ctx, id);
    const volume = await this.get(ctx, attachment.volume_id);
    const updated: AttachmentRow = { ...attachment, connector: JSON.stringify(connector) };
    updated.connection_info = JSON.stringify(connectionInfo(volume, updated));
    if (updated.attach_status === 'reserved') updated.attach_status = 'attaching';
    const stamp = now();
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('volume_attachment')
        .set({ connector: updated.connector, connection_info: updated.connection_info, attach_status: updated.attach_status })
        .where('id', '=', id)
        .execute();
      if (volume.status !== 'in-use') await trx.updateTable('volume').set({ status: 'attaching', updated_at: stamp }).where('id', '=', volume.id).execute();
    });
    return updated;
  }

  /** os-complete: the host is connected; the volume is in use. */
  async completeAttachment(ctx: RequestContext, id: string): Promise<void> {
    const attachment = await this.getAttachment(ctx, id);
    const stamp = now();
    await this.#db.transaction().execute(async (trx) => {
      await trx.updateTable('volume_attachment').set({ attach_status: 'attached', attached_at: attachment.attached_at ?? stamp }).where('id', '=', id).execute();
      await trx.updateTable('volume').set({ status: 'in-use', updated_at: stamp }).where('id', '=', attachment.volume_id).execute();
    });
  }

  /**
   * Bug 2004555: an attachment an instance still uses (it has an instance and connection_info)
   * may be deleted only by a service (nova, with a valid service token holding one of
   * service_token_roles); a user gets cinder's ConflictNovaUsingAttachment. Returns the
   * volume's remaining attachments.
   */
  async deleteAttachment(ctx: RequestContext, id: string): Promise<AttachmentRow[]> {
    const attachment = await this.getAttachment(ctx, id);
    if (!ctx.isService && attachment.instance_uuid !== null && attachment.connection_info !== null) {
      throw new ConflictError(`Detach volume from instance ${attachment.instance_uuid} using the Compute API`);
    }
    const stamp = now();
    return this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('volume_attachment').where('id', '=', id).execute();
      const remaining = await trx.selectFrom('volume_attachment').selectAll().where('volume_id', '=', attachment.volume_id).orderBy('created_at').execute();
      const status: VolumeStatus =
        remaining.length === 0 ? 'available' : remaining.some((a) => a.attach_status === 'attached') ? 'in-use' : remaining.some((a) => a.attach_status === 'attaching') ? 'attaching' : 'reserved';
      await trx.updateTable('volume').set({ status, updated_at: stamp }).where('id', '=', attachment.volume_id).execute();
      return remaining;
    });
  }

  /** Stops the volumes still being built; they are marked 'error' on the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const building of this.#building.values()) building.cancel();
    await Promise.allSettled([...this.#building.values()].map((b) => b.done));
  }

  async #showImage(credentials: UserCredentials, imageId: string): Promise<ImageInfo> {
    let image: ImageInfo;
    try {
      image = await this.#options.clientFor(credentials).json<ImageInfo>('image', `/v2/images/${encodeURIComponent(imageId)}`);
    } catch (error) {
      if (error instanceof InterServiceError && error.call.status !== null && error.call.status < 500) {
        throw new BadRequestError(`Invalid image identifier or unable to access requested image: ${imageId}.`, { cause: error });
      }
      throw error;
    }
    if (image.status !== 'active') throw new BadRequestError(`Image ${imageId} is not active (status ${image.status}).`);
    return image;
  }

  #build(row: VolumeRow, image: ImageInfo | null, credentials: UserCredentials): void {
    const entry: Building = { cancel: () => undefined, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        if (image !== null) await this.#copyImage(image, credentials);
        if (this.#closed) return;
        // The simulated backend's time; close() ends the wait at once.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#options.createDelayMs);
          entry.cancel = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (this.#closed) return;
        await this.#setStatus(row.id, 'available', null);
      } catch (error) {
        if (this.#closed) return;
        const fault = error instanceof Error ? error.message : String(error);
        this.#options.log(`volume ${row.id} failed: ${fault}`);
        await this.#setStatus(row.id, 'error', fault).catch(() => undefined);
      } finally {
        this.#building.delete(row.id);
      }
    })();
    this.#building.set(row.id, entry);
  }

  /** Reads the image data (as the user, with the service token) and checks it against glance's checksum. */
  async #copyImage(image: ImageInfo, credentials: UserCredentials): Promise<void> {
    const response = await this.#options.clientFor(credentials).call('image', `/v2/images/${encodeURIComponent(image.id)}/file`);
    const data = response.bytes();
    if (image.size !== null && image.size !== undefined && data.byteLength !== image.size) {
      throw new Error(`image ${image.id}: read ${data.byteLength} bytes, the image service recorded ${image.size}`);
    }
    const md5 = createHash('md5').update(data).digest('hex');
    if (image.checksum !== null && image.checksum !== undefined && md5 !== image.checksum) {
      throw new Error(`image ${image.id}: checksum ${md5} does not match the recorded ${image.checksum}`);
    }
  }

  async #setStatus(id: string, status: VolumeStatus, fault: string | null): Promise<void> {
    await this.#db.updateTable('volume').set({ status, fault, updated_at: now() }).where('id', '=', id).where('status', '=', 'creating').execute();
  }
}

function now(): string {
  return new Date().toISOString();
}

/** cinder's volume_image_metadata: the image's properties as strings. */
function imageMetadata(image: ImageInfo): Record<string, string> {
  const metadata: Record<string, string> = { image_id: image.id };
  if (image.name !== undefined && image.name !== null) metadata.image_name = image.name;
  if (image.checksum !== undefined && image.checksum !== null) metadata.checksum = image.checksum;
  if (image.size !== undefined && image.size !== null) metadata.size = String(image.size);
  if (image.disk_format !== undefined && image.disk_format !== null) metadata.disk_format = image.disk_format;
  if (image.container_format !== undefined && image.container_format !== null) metadata.container_format = image.container_format;
  return metadata;
}

/** What the compute host would connect to: a simulated target named after the volume. */
function connectionInfo(volume: VolumeRow, attachment: AttachmentRow): Record<string, unknown> {
  const connector = attachment.connector === null ? {} : (JSON.parse(attachment.connector) as Record<string, unknown>);
  return {
    driver_volume_type: 'baton',
    attachment_id: attachment.id,
    data: {
      volume_id: volume.id,
      target: `baton://${typeof connector.host === 'string' ? connector.host : 'unknown'}/${volume.id}`,
      access_mode: attachment.attach_mode,
    },
  };
}
