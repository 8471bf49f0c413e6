// Compute's long jobs, as steps the job engine records one by one: build (boot from an image
// or a volume), live migration, snapshot and delete. Every step is safe to run again after a
// crash: what it creates elsewhere is noted before it moves on, and checked before creating.
import { InterServiceError } from '../common/inter-service.ts';
import type { JobDefinition, StepContext } from '../jobs/index.ts';
import type { ComputeConfig } from './config.ts';
import { describeFault } from './faults.ts';
import type { JobHttp, JobHttpFactory } from './job-http.ts';
import { portsOf, type InstancePort, type InstanceStore } from './instances.ts';
import { fromDbBoolean, toDbBoolean } from '@baton/storage';

/** The catalog type compute calls for volumes (cinder's v3 API). */
export const BLOCK_STORAGE = 'block-storage';
/** Attachments (3.27) and their completion (3.44) need these microversions. */
const VOLUME_API = { 'OpenStack-API-Version': 'volume 3.44' };

export interface BuildParams {
  readonly networks: readonly string[];
  readonly bootVolume: { readonly source: 'image' | 'volume'; readonly uuid: string; readonly size: number; readonly deleteOnTermination: boolean } | null;
}
export interface LiveMigrationParams {
  readonly source: string;
  readonly dest: string;
}
export interface SnapshotParams {
  readonly imageId: string;
}

export interface ComputeJobDeps {
  readonly instances: InstanceStore;
  readonly http: JobHttpFactory;
  readonly config: ComputeConfig;
}

interface Attachment {
  readonly id: string;
}
interface Volume {
  readonly id: string;
  readonly status: string;
}

/** Sleeps `seconds` in ten ticks, reporting progress to the job and the instance, resuming from the last tick noted. */
async function timed<P extends object>(ctx: StepContext<P>, deps: ComputeJobDeps, seconds: number): Promise<{ resumedFromTick: number }> {
  const resumedFromTick = ctx.noted<number>(`${ctx.step}.tick`) ?? 0;
  for (let tick = resumedFromTick + 1; tick <= 10; tick++) {
    await ctx.sleep((seconds * 1000) / 10);
    await ctx.note(`${ctx.step}.tick`, tick);
    await ctx.progress(tick * 10);
    await deps.instances.update(ctx.job.instanceId, { progress: tick * 10 });
  }
  return { resumedFromTick };
}

function connector(host: string): Record<string, unknown> {
  return { host, initiator: `iqn.2026-01.org.baton:${host}`, platform: 'x86_64', os_type: 'linux', multipath: false };
}

async function waitForVolume<P extends object>(ctx: StepContext<P>, http: JobHttp, volumeId: string): Promise<Volume> {
  for (;;) {
    const { volume } = await http.asUser<{ volume: Volume }>(BLOCK_STORAGE, `/volumes/${volumeId}`, { headers: VOLUME_API });
    if (volume.status === 'available' || volume.status === 'in-use') return volume;
    if (volume.status === 'error') throw new Error(`Volume ${volumeId} went to error while being prepared.`);
    await ctx.sleep(200);
  }
}

/** Creates an attachment of `volumeId` for `host`, or returns the one noted under `key` by an earlier run. */
async function attachmentFor<P extends object>(ctx: StepContext<P>, http: JobHttp, key: string, volumeId: string, host: string): Promise<string> {
  const noted = ctx.noted<string>(key);
  if (noted !== undefined) return noted;
  const body = { attachment: { volume_uuid: volumeId, instance_uuid: ctx.job.instanceId, connector: connector(host), mode: 'rw' } };
  const { attachment } = await http.asUser<{ attachment: Attachment }>(BLOCK_STORAGE, '/attachments', { method: 'POST', json: body, headers: VOLUME_API });
  await ctx.note(key, attachment.id);
  return attachment.id;
}

/** Sets binding attributes on each of the instance's ports: an admin call in nova (compute's own token, no service token). */
async function updatePortBindings(http: JobHttp, ports: readonly InstancePort[], binding: Record<string, unknown>): Promise<void> {
  for (const port of ports) await http.asService('network', `/v2.0/ports/${port.port_id}`, { method: 'PUT', json: { port: binding } });
}

/** A DELETE that a crashed earlier run may already have made: 404 is done. */
async function deleteIfPresent(http: JobHttp, serviceType: string, path: string): Promise<void> {
  try {
    await http.asUser(serviceType, path, { method: 'DELETE', headers: VOLUME_API });
  } catch (error) {
    if (!(error instanceof InterServiceError && error.call.status === 404)) throw error;
  }
}

function fail<P extends object>(deps: ComputeJobDeps, rollback: (ctx: StepContext<P>) => Promise<string[]>): NonNullable<JobDefinition<P>['fail']> {
  return async (ctx, error) => {
    const fault = describeFault(error, ctx.job.credentials.expiresAt, { novaConf: deps.config.files.at(-1) ?? 'nova.conf' });
    const leftovers = await rollback(ctx).catch((e: unknown) => [`clean-up failed: ${String(e)}`]);
    const details = [fault.details, ...leftovers].filter((s) => s !== '').join(' ');
    const instance = await deps.instances.get(ctx.job.instanceId, null).catch(() => undefined);
    if (instance?.vm_state === 'error') {
      const shown = { code: 500, message: fault.message, details, created: new Date().toISOString() };
      await deps.instances.update(ctx.job.instanceId, { fault: JSON.stringify(shown) });
    }
    return { message: fault.message, details };
  };
}

export function buildJob(deps: ComputeJobDeps): JobDefinition<BuildParams> {
  const { instances } = deps;
  return {
    kind: 'build',
    steps: [
      {
        name: 'prepare_boot_volume',
        async run(ctx) {
          const bdm = ctx.job.params.bootVolume;
          if (bdm === null) return null;
          const http = deps.http.for(ctx);
          let volumeId = bdm.source === 'volume' ? bdm.uuid : ctx.noted<string>('boot_volume');
          if (volumeId === undefined) {
            // block-storage creates the volume from the image, reading the image from image service.
            const body = { volume: { size: bdm.size, imageRef: bdm.uuid, name: `boot-${ctx.job.instanceId}` } };
            volumeId = (await http.asUser<{ volume: Volume }>(BLOCK_STORAGE, '/volumes', { method: 'POST', json: body, headers: VOLUME_API })).volume.id;
            await ctx.note('boot_volume', volumeId);
          }
          await waitForVolume(ctx, http, volumeId);
          const instance = await instances.get(ctx.job.instanceId, null);
          const attachmentId = await attachmentFor(ctx, http, 'boot_attachment', volumeId, instance.host);
          await http.asUser(BLOCK_STORAGE, `/attachments/${attachmentId}/action`, { method: 'POST', json: { 'os-complete': null }, headers: VOLUME_API });
          await instances.addAttachment({
            instance_id: ctx.job.instanceId, volume_id: volumeId, attachment_id: attachmentId, device: '/dev/vda', boot: 1,
            delete_on_termination: toDbBoolean(bdm.deleteOnTermination), created_at: Date.now(),
          });
          return { volumeId, attachmentId };
        },
      },
      {
        name: 'allocate_network',
        async run(ctx) {
          const http = deps.http.for(ctx);
          const instance = await instances.get(ctx.job.instanceId, null);
          const ports: InstancePort[] = [];
          for (const networkId of ctx.job.params.networks) {
            // Ports carry the instance as device_id, so a rerun finds the one it made.
            const found = await http.asUser<{ ports: PortBody[] }>('network', `/v2.0/ports?device_id=${instance.id}&network_id=${networkId}`);
            const port = found.ports[0] ?? (await http.asUser<{ port: PortBody }>('network', '/v2.0/ports', {
              method: 'POST',
              json: { port: { network_id: networkId, device_id: instance.id, device_owner: 'compute:nova' } },
            })).port;
            ports.push({ port_id: port.id, network_id: networkId, ip_address: port.fixed_ips?.[0]?.ip_address ?? null, mac_address: port.mac_address ?? null });
          }
          await updatePortBindings(http, ports, { 'binding:host_id': instance.host });
          await instances.update(instance.id, { ports: JSON.stringify(ports) });
          return { ports: ports.map((p) => p.port_id) };
        },
      },
      {
        name: 'spawn',
        async run(ctx) {
          await instances.update(ctx.job.instanceId, { task_state: 'spawning' });
          await ctx.sleep(deps.config.values.compute.spawn_duration * 1000);
          await instances.update(ctx.job.instanceId, { vm_state: 'active', task_state: null, progress: 0 });
          return null;
        },
      },
    ],
    fail: fail(deps, async (ctx) => {
      await instances.update(ctx.job.instanceId, { vm_state: 'error', task_state: null });
      const left: string[] = [];
      const volume = ctx.noted<string>('boot_volume');
      if (volume !== undefined) left.push(`Left for deletion with the server: volume ${volume} on block-storage.`);
      return left;
    }),
  };
}

interface PortBody {
  readonly id: string;
  readonly mac_address?: string;
  readonly fixed_ips?: readonly { readonly ip_address: string }[];
}

export function liveMigrationJob(deps: ComputeJobDeps): JobDefinition<LiveMigrationParams> {
  const { instances } = deps;
  return {
    kind: 'live-migration',
    steps: [
      {
        name: 'pre_live_migration',
        async run(ctx) {
          const http = deps.http.for(ctx);
          const instance = await instances.get(ctx.job.instanceId, null);
          for (const port of portsOf(instance)) await http.asUser('network', `/v2.0/ports/${port.port_id}`);
          for (const attachment of await instances.attachments(instance.id)) {
            await http.asUser(BLOCK_STORAGE, `/volumes/${attachment.volume_id}`, { headers: VOLUME_API });
          }
          return { source: instance.host, dest: ctx.job.params.dest };
        },
      },
      {
        name: 'bind_ports_destination',
        async run(ctx) {
          const http = deps.http.for(ctx);
          const instance = await instances.get(ctx.job.instanceId, null);
          await updatePortBindings(http, portsOf(instance), { 'binding:profile': { migrating_to: ctx.job.params.dest } });
          return null;
        },
      },
      {
        name: 'attach_volumes_destination',
        async run(ctx) {
          const http = deps.http.for(ctx);
          const created: Record<string, string> = {};
          for (const attachment of await instances.attachments(ctx.job.instanceId)) {
            created[attachment.volume_id] = await attachmentFor(ctx, http, `dest_attachment.${attachment.volume_id}`, attachment.volume_id, ctx.job.params.dest);
          }
          return created;
        },
      },
      {
        name: 'transfer',
        run: (ctx) => timed(ctx, deps, deps.config.values.compute.live_migration_duration),
      },
      {
        name: 'post_live_migration',
        async run(ctx) {
          const http = deps.http.for(ctx);
          const instance = await instances.get(ctx.job.instanceId, null);
          await updatePortBindings(http, portsOf(instance), { 'binding:host_id': ctx.job.params.dest, 'binding:profile': {} });
          const destination = ctx.result<Record<string, string>>('attach_volumes_destination') ?? {};
          for (const attachment of await instances.attachments(instance.id)) {
            const next = destination[attachment.volume_id];
            if (next === undefined || next === attachment.attachment_id) continue;
            await http.asUser(BLOCK_STORAGE, `/attachments/${next}/action`, { method: 'POST', json: { 'os-complete': null }, headers: VOLUME_API });
            // The source host's attachment: the volume is still in use by the instance, so
            // block-storage allows this only with a service token (bug 2004555).
            await deleteIfPresent(http, BLOCK_STORAGE, `/attachments/${attachment.attachment_id}`);
            await instances.setAttachmentId(instance.id, attachment.volume_id, next);
          }
          // Refresh the instance's network info as the user, as nova's post-migration does.
          await http.asUser('network', `/v2.0/ports?device_id=${instance.id}`);
          await instances.update(instance.id, { host: ctx.job.params.dest, task_state: null, progress: 0 });
          return { host: ctx.job.params.dest };
        },
      },
    ],
    fail: fail(deps, async (ctx) => {
      const left: string[] = [];
      const http = deps.http.for(ctx);
      for (const attachment of await instances.attachments(ctx.job.instanceId)) {
        const dest = ctx.noted<string>(`dest_attachment.${attachment.volume_id}`);
        if (dest === undefined || dest === attachment.attachment_id) continue;
        try {
          await http.asUser(BLOCK_STORAGE, `/attachments/${dest}`, { method: 'DELETE', headers: VOLUME_API });
          left.push(`Deleted the destination attachment ${dest} of volume ${attachment.volume_id}.`);
        } catch {
          left.push(`Left behind: attachment ${dest} of volume ${attachment.volume_id} on block-storage (delete it with a valid token).`);
        }
      }
      await instances.update(ctx.job.instanceId, { vm_state: 'error', task_state: null, progress: 0 });
      return left;
    }),
  };
}

export function snapshotJob(deps: ComputeJobDeps): JobDefinition<SnapshotParams> {
  const { instances } = deps;
  return {
    kind: 'snapshot',
    steps: [
      {
        name: 'capture',
        async run(ctx) {
          await instances.update(ctx.job.instanceId, { task_state: 'image_pending_upload' });
          return timed(ctx, deps, deps.config.values.compute.snapshot_duration);
        },
      },
      {
        name: 'upload',
        async run(ctx) {
          await instances.update(ctx.job.instanceId, { task_state: 'image_uploading' });
          const http = deps.http.for(ctx);
          const path = `/v2/images/${ctx.job.params.imageId}`;
          // An earlier run may have finished the upload before the crash.
          const image = await http.asUser<{ status: string }>('image', path);
          if (image.status === 'queued') {
            await http.asUser('image', `${path}/file`, {
              method: 'PUT',
              body: 'x'.repeat(deps.config.values.compute.snapshot_size),
              headers: { 'content-type': 'application/octet-stream' },
            });
          }
          await instances.update(ctx.job.instanceId, { task_state: null, progress: 0 });
          return { imageId: ctx.job.params.imageId };
        },
      },
    ],
    fail: fail(deps, async (ctx) => {
      await instances.update(ctx.job.instanceId, { task_state: null, progress: 0 });
      try {
        await deps.http.for(ctx).asUser('image', `/v2/images/${ctx.job.params.imageId}`, { method: 'DELETE' });
        return [`Deleted the unfinished image ${ctx.job.params.imageId}.`];
      } catch {
        return [`Left behind: the unfinished image ${ctx.job.params.imageId} on the image service (delete it with a valid token).`];
      }
    }),
  };
}

export function deleteJob(deps: ComputeJobDeps): JobDefinition {
  const { instances } = deps;
  return {
    kind: 'delete',
    steps: [
      {
        name: 'detach_volumes',
        async run(ctx) {
          const http = deps.http.for(ctx);
          for (const attachment of await instances.attachments(ctx.job.instanceId)) {
            await http.asUser(BLOCK_STORAGE, `/attachments/${attachment.attachment_id}`, { method: 'DELETE', headers: VOLUME_API, raiseError: false });
            if (fromDbBoolean(attachment.delete_on_termination)) {
              await http.asUser(BLOCK_STORAGE, `/volumes/${attachment.volume_id}`, { method: 'DELETE', headers: VOLUME_API, raiseError: false });
            }
            await instances.removeAttachment(ctx.job.instanceId, attachment.volume_id);
          }
          return null;
        },
      },
      {
        name: 'deallocate_network',
        async run(ctx) {
          const http = deps.http.for(ctx);
          const instance = await instances.get(ctx.job.instanceId, null);
          for (const port of portsOf(instance)) await http.asUser('network', `/v2.0/ports/${port.port_id}`, { method: 'DELETE', raiseError: false });
          await instances.update(instance.id, { vm_state: 'deleted', task_state: null });
          return null;
        },
      },
    ],
    fail: fail(deps, async (ctx) => {
      await instances.update(ctx.job.instanceId, { vm_state: 'error', task_state: null });
      return [];
    }),
  };
}
