// Compute's domain logic: what each API call checks, records and hands to a durable job.
// Checks against other services made while the user waits use the user's token through the
// catalog, as nova's API does; everything long runs as a job.
import { randomUUID } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError } from '../common/errors.ts';
import { InterServiceClient, InterServiceError } from '../common/inter-service.ts';
import type { RequestContext } from '../common/context.ts';
import type { JobCredentials, JobRecord, JobStore, RecordedCall, RecordedStep } from '../jobs/index.ts';
import type { ComputeConfig } from './config.ts';
import { findFlavor } from './flavors.ts';
import type { Instance, InstanceStore, VolumeAttachment } from './instances.ts';
import { BLOCK_STORAGE, type BuildParams } from './jobs.ts';
import type { InstanceAction } from './render.ts';

export interface ServerRequest {
  readonly name: string;
  readonly flavorRef: string;
  readonly imageRef?: string;
  readonly networks?: readonly { readonly uuid?: string; readonly port?: string }[] | 'auto' | 'none';
  readonly block_device_mapping_v2?: readonly {
    readonly boot_index?: number | string | null;
    readonly uuid?: string;
    readonly source_type?: string;
    readonly destination_type?: string;
    readonly volume_size?: number | string;
    readonly delete_on_termination?: boolean;
  }[];
}

export interface ActionWithJob {
  readonly action: InstanceAction;
  readonly job: JobRecord | undefined;
  readonly steps: readonly RecordedStep[];
  readonly calls: readonly RecordedCall[];
}

const VOLUME_API = { 'OpenStack-API-Version': 'volume 3.44' };

/** Another service refusing a call made while the user waits: its reason, as a 400 or 409. */
function refusal(error: unknown): unknown {
  if (!(error instanceof InterServiceError) || error.call.status === null || error.call.status >= 500) return error;
  const reason = `${error.call.serviceType} refused the request: ${error.call.error ?? `status ${error.call.status}`}`;
  return error.call.status === 409 ? new ConflictError(reason) : new BadRequestError(reason);
}

export class ComputeManager {
  constructor(
    private readonly instances: InstanceStore,
    private readonly jobs: JobStore,
    private readonly config: ComputeConfig,
    /** Wakes the worker when a job is enqueued. */
    private readonly wake: () => void,
  ) {}

  #client(context: RequestContext): InterServiceClient {
    return InterServiceClient.asUser(InterServiceClient.credentialsOf(context), this.config.serviceUser);
  }

  /** Asks another service whether a resource the request names exists; 400 when it does not, as nova answers. */
  async #mustExist(context: RequestContext, serviceType: string, path: string, what: string, headers: Record<string, string> = {}): Promise<void> {
    try {
      await this.#client(context).call(serviceType, path, { headers });
    } catch (error) {
      if (error instanceof InterServiceError && error.call.status === 404) throw new BadRequestError(`${what} could not be found.`);
      throw refusal(error);
    }
  }

  async create(context: RequestContext, server: ServerRequest): Promise<Instance> {
    const flavor = (() => {
      try {
        return findFlavor(String(server.flavorRef));
      } catch {
        throw new BadRequestError(`Flavor ${String(server.flavorRef)} could not be found.`);
      }
    })();
    const bootVolume = this.#bootVolume(server, flavor.disk);
    const imageRef = bootVolume === null ? (server.imageRef ?? '') : '';
    if (bootVolume === null && imageRef === '') throw new BadRequestError('Missing imageRef attribute');
    if (imageRef !== '') await this.#mustExist(context, 'image', `/v2/images/${encodeURIComponent(imageRef)}`, `Image ${imageRef}`);
    if (bootVolume?.source === 'volume') {
      await this.#mustExist(context, BLOCK_STORAGE, `/volumes/${encodeURIComponent(bootVolume.uuid)}`, `Volume ${bootVolume.uuid}`, VOLUME_API);
    }
    if (bootVolume?.source === 'image') await this.#mustExist(context, 'image', `/v2/images/${encodeURIComponent(bootVolume.uuid)}`, `Image ${bootVolume.uuid}`);
    const networks = Array.isArray(server.networks) ? server.networks.flatMap((n) => (typeof n.uuid === 'string' ? [n.uuid] : [])) : [];
    for (const network of networks) await this.#mustExist(context, 'network', `/v2.0/networks/${encodeURIComponent(network)}`, `Network ${network}`);
    const now = Date.now();
    const instance: Instance = {
      id: randomUUID(),
      name: server.name,
      project_id: context.projectId,
      user_id: context.userId,
      flavor_id: flavor.id,
      image_ref: imageRef,
      host: this.config.values.compute.hosts[0] ?? 'node1',
      vm_state: 'building',
      task_state: 'scheduling',
      progress: 0,
      ports: '[]',
      fault: null,
      created_at: now,
      updated_at: now,
    };
    await this.instances.db.insertInto('instance').values(instance).execute();
    const params: BuildParams = { networks, bootVolume };
    await this.#startJob(context, instance.id, 'create', 'build', params);
    return instance;
  }

  #bootVolume(server: ServerRequest, flavorDisk: number): BuildParams['bootVolume'] {
    const boot = (server.block_device_mapping_v2 ?? []).find((b) => String(b.boot_index ?? '') === '0');
    if (boot === undefined) return null;
    if (boot.destination_type !== 'volume' || (boot.source_type !== 'volume' && boot.source_type !== 'image') || typeof boot.uuid !== 'string') {
      throw new BadRequestError('Block Device Mapping is Invalid: boot_index 0 must be a volume, or an image copied to a volume, with a uuid.');
    }
    const size = Number(boot.volume_size ?? flavorDisk);
    if (!Number.isInteger(size) || size < 1) throw new BadRequestError('Block Device Mapping is Invalid: volume_size must be a positive integer.');
    return { source: boot.source_type, uuid: boot.uuid, size, deleteOnTermination: boot.delete_on_termination === true };
  }

  get(context: RequestContext, id: string): Promise<Instance> {
    return this.instances.get(id, context.isAdmin ? null : context.projectId);
  }

  list(context: RequestContext): Promise<Instance[]> {
    return this.instances.list(context.projectId);
  }

  attachments(instanceId: string): Promise<VolumeAttachment[]> {
    return this.instances.attachments(instanceId);
  }

  async delete(context: RequestContext, id: string): Promise<void> {
    const instance = await this.get(context, id);
    if (instance.task_state !== null && instance.vm_state !== 'error') {
      throw new ConflictError(`Cannot 'delete' instance ${id} while it is in task_state ${instance.task_state}`);
    }
    await this.instances.update(id, { task_state: 'deleting' });
    await this.#startJob(context, id, 'delete', 'delete', {});
  }

  async liveMigrate(context: RequestContext, id: string, host: string | null): Promise<void> {
    const instance = await this.get(context, id);
    const hosts = this.config.values.compute.hosts;
    const dest = host ?? hosts.find((h) => h !== instance.host);
    if (dest === undefined) throw new BadRequestError('No valid host was found. There is no other compute host.');
    if (!hosts.includes(dest)) throw new BadRequestError(`Compute host ${dest} could not be found.`);
    if (dest === instance.host) throw new BadRequestError(`The supplied hypervisor type of is invalid: instance ${id} already runs on ${dest}.`);
    this.#mustBeActive(instance, 'os-migrateLive');
    if (!(await this.instances.startTask(id, 'active', 'migrating'))) this.#mustBeActive(await this.get(context, id), 'os-migrateLive');
    await this.#startJob(context, id, 'live-migration', 'live-migration', { source: instance.host, dest });
  }

  async createImage(context: RequestContext, id: string, name: string): Promise<string> {
    const instance = await this.get(context, id);
    this.#mustBeActive(instance, 'createImage');
    const body = { name, container_format: 'bare', disk_format: 'raw', instance_uuid: id, image_type: 'snapshot' };
    const image = await this.#client(context)
      .json<{ id: string }>('image', '/v2/images', { method: 'POST', json: body })
      .catch((error: unknown) => {
        throw refusal(error);
      });
    if (!(await this.instances.startTask(id, 'active', 'image_snapshot'))) {
      await this.#client(context).call('image', `/v2/images/${image.id}`, { method: 'DELETE', raiseError: false });
      this.#mustBeActive(await this.get(context, id), 'createImage');
    }
    await this.#startJob(context, id, 'createImage', 'snapshot', { imageId: image.id });
    return image.id;
  }

  #mustBeActive(instance: Instance, action: string): void {
    if (instance.vm_state !== 'active' || instance.task_state !== null) {
      const state = instance.task_state === null ? `vm_state ${instance.vm_state}` : `task_state ${instance.task_state}`;
      throw new ConflictError(`Cannot '${action}' instance ${instance.id} while it is in ${state}`);
    }
  }

  /** Attaches at once (short calls as the user): block-storage attachment for the current host, completed. */
  async attachVolume(context: RequestContext, id: string, volumeId: string): Promise<VolumeAttachment> {
    const instance = await this.get(context, id);
    this.#mustBeActive(instance, 'attach_volume');
    const existing = await this.instances.attachments(id);
    if (existing.some((a) => a.volume_id === volumeId)) throw new ConflictError(`Volume ${volumeId} is already attached to instance ${id}.`);
    await this.#mustExist(context, BLOCK_STORAGE, `/volumes/${encodeURIComponent(volumeId)}`, `Volume ${volumeId}`, VOLUME_API);
    const client = this.#client(context);
    const connector = { host: instance.host, initiator: `iqn.2026-01.org.baton:${instance.host}`, platform: 'x86_64', os_type: 'linux', multipath: false };
    const attachment = await (async () => {
      const created = await client.json<{ attachment: { id: string } }>(BLOCK_STORAGE, '/attachments', {
        method: 'POST',
        json: { attachment: { volume_uuid: volumeId, instance_uuid: id, connector, mode: 'rw' } },
        headers: VOLUME_API,
      });
      await client.call(BLOCK_STORAGE, `/attachments/${created.attachment.id}/action`, { method: 'POST', json: { 'os-complete': null }, headers: VOLUME_API });
      return created.attachment;
    })().catch((error: unknown) => {
      throw refusal(error);
    });
    const row: VolumeAttachment = {
      instance_id: id,
      volume_id: volumeId,
      attachment_id: attachment.id,
      device: `/dev/vd${String.fromCharCode('b'.charCodeAt(0) + existing.filter((a) => a.boot === 0).length)}`,
      boot: 0,
      delete_on_termination: 0,
      created_at: Date.now(),
    };
    await this.instances.addAttachment(row);
    await this.#recordAction(context, id, 'attach_volume', null);
    return row;
  }

  async actions(context: RequestContext, id: string): Promise<ActionWithJob[]> {
    await this.get(context, id);
    const rows = await this.instances.db.selectFrom('instance_action').selectAll().where('instance_id', '=', id).orderBy('start_time', 'desc').execute();
    return Promise.all(rows.map((row) => this.#withJob(row)));
  }

  async action(context: RequestContext, id: string, requestId: string): Promise<ActionWithJob> {
    await this.get(context, id);
    const row = await this.instances.db.selectFrom('instance_action').selectAll().where('instance_id', '=', id).where('request_id', '=', requestId).executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`Action ${requestId} on instance ${id} could not be found.`);
    return this.#withJob(row);
  }

  async #withJob(action: InstanceAction): Promise<ActionWithJob> {
    if (action.job_id === null) return { action, job: undefined, steps: [], calls: [] };
    const [job, steps, calls] = await Promise.all([this.jobs.get(action.job_id), this.jobs.steps(action.job_id), this.jobs.calls(action.job_id)]);
    return { action, job, steps, calls };
  }

  async #startJob(context: RequestContext, instanceId: string, action: string, kind: string, params: object): Promise<void> {
    const credentials: JobCredentials = {
      token: context.userToken,
      userId: context.userId,
      projectId: context.projectId,
      roles: context.roles,
      catalog: context.catalog,
      expiresAt: context.userTokenExpiresAt.getTime(),
    };
    const job = await this.jobs.enqueue({ kind, instanceId, credentials, params });
    await this.#recordAction(context, instanceId, action, job.id);
    this.wake();
  }

  async #recordAction(context: RequestContext, instanceId: string, action: string, jobId: string | null): Promise<void> {
    const now = Date.now();
    await this.instances.db
      .insertInto('instance_action')
      .values({ request_id: context.requestId, instance_id: instanceId, action, project_id: context.projectId, user_id: context.userId, job_id: jobId, start_time: now, updated_at: now })
      .execute();
  }
}
