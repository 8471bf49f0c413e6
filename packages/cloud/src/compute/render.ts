// nova's response shapes for servers, volume attachments and instance actions.
import type { JobRecord, RecordedStep } from '../jobs/index.ts';
import { findFlavor, renderFlavor } from './flavors.ts';
import { portsOf, type Instance, type VolumeAttachment } from './instances.ts';
import type { InstanceActionTable } from './storage.ts';
import type { Selectable } from 'kysely';
import { fromDbBoolean } from '@baton/storage';

export type InstanceAction = Selectable<InstanceActionTable>;

export interface RenderOptions {
  /** The service's own URL, for links. */
  readonly base: string;
  readonly isAdmin: boolean;
  /** The request's microversion is at least 2.47 (flavor embedded in the server). */
  readonly embedFlavor: boolean;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** nova's status from vm_state and task_state. */
export function serverStatus(instance: Instance): string {
  if (instance.vm_state === 'building') return 'BUILD';
  if (instance.vm_state === 'error') return 'ERROR';
  if (instance.vm_state === 'deleted') return 'DELETED';
  if (instance.task_state === 'migrating') return 'MIGRATING';
  if (instance.task_state === 'deleting') return 'ACTIVE';
  return 'ACTIVE';
}

function links(base: string, id: string): unknown[] {
  return [{ rel: 'self', href: `${base}/v2.1/servers/${id}` }, { rel: 'bookmark', href: `${base}/servers/${id}` }];
}

export function renderServerSummary(instance: Instance, base: string): Record<string, unknown> {
  return { id: instance.id, name: instance.name, links: links(base, instance.id) };
}

export function renderServer(instance: Instance, attachments: readonly VolumeAttachment[], options: RenderOptions): Record<string, unknown> {
  const flavor = findFlavor(instance.flavor_id);
  const addresses: Record<string, unknown[]> = {};
  for (const port of portsOf(instance)) {
    if (port.ip_address === null) continue;
    (addresses[port.network_id] ??= []).push({ version: 4, addr: port.ip_address, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': port.mac_address });
  }
  const server: Record<string, unknown> = {
    id: instance.id,
    name: instance.name,
    status: serverStatus(instance),
    tenant_id: instance.project_id,
    user_id: instance.user_id,
    metadata: {},
    hostId: instance.host,
    image: instance.image_ref === '' ? '' : { id: instance.image_ref, links: [{ rel: 'bookmark', href: `${options.base}/images/${instance.image_ref}` }] },
    flavor: options.embedFlavor
      ? { original_name: flavor.name, vcpus: flavor.vcpus, ram: flavor.ram, disk: flavor.disk, ephemeral: 0, swap: 0, extra_specs: {} }
      : { id: flavor.id, links: (renderFlavor(flavor, options.base, false).links as unknown[]).slice(1) },
    created: iso(instance.created_at),
    updated: iso(instance.updated_at),
    addresses,
    accessIPv4: '',
    accessIPv6: '',
    links: links(options.base, instance.id),
    key_name: null,
    config_drive: '',
    progress: instance.progress,
    security_groups: [{ name: 'default' }],
    'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': 'nova',
    'OS-EXT-STS:vm_state': instance.vm_state,
    'OS-EXT-STS:task_state': instance.task_state,
    'OS-EXT-STS:power_state': instance.vm_state === 'active' ? 1 : 0,
    'OS-SRV-USG:launched_at': instance.vm_state === 'building' ? null : iso(instance.created_at),
    'OS-SRV-USG:terminated_at': null,
    'os-extended-volumes:volumes_attached': attachments.map((a) => ({ id: a.volume_id, delete_on_termination: fromDbBoolean(a.delete_on_termination) })),
    locked: false,
    description: null,
    tags: [],
  };
  // Where an instance runs is for admins only (nova's os_compute_api:os-extended-server-attributes).
  if (options.isAdmin) {
    server['OS-EXT-SRV-ATTR:host'] = instance.host;
    server['OS-EXT-SRV-ATTR:hypervisor_hostname'] = instance.host;
    server['OS-EXT-SRV-ATTR:instance_name'] = `instance-${instance.id.slice(0, 8)}`;
  }
  if (instance.fault !== null) server.fault = JSON.parse(instance.fault) as unknown;
  return server;
}

export function renderAttachment(attachment: VolumeAttachment): Record<string, unknown> {
  return {
    id: attachment.volume_id,
    volumeId: attachment.volume_id,
    serverId: attachment.instance_id,
    device: attachment.device,
    attachment_id: attachment.attachment_id,
    delete_on_termination: fromDbBoolean(attachment.delete_on_termination),
    tag: null,
  };
}

export function renderAction(action: InstanceAction, job: JobRecord | undefined): Record<string, unknown> {
  return {
    action: action.action,
    instance_uuid: action.instance_id,
    request_id: action.request_id,
    user_id: action.user_id,
    project_id: action.project_id,
    start_time: iso(action.start_time),
    updated_at: iso(job?.updatedAt ?? action.updated_at),
    message: job?.state === 'failed' ? 'Error' : null,
  };
}

/**
 * One event per step: finished steps, the running one (with its progress in `details`),
 * and the failed one with the fault (the traceback field is admin-only in nova; the
 * reason is shown to the owner too, because it tells them what to fix).
 */
export function renderEvents(job: JobRecord, steps: readonly RecordedStep[], host: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = steps.map((step) => ({
    event: `compute_${step.name}`,
    start_time: iso(step.startedAt),
    finish_time: iso(step.finishedAt),
    result: 'Success',
    traceback: null,
    host,
    hostId: host,
    details: null,
  }));
  if (job.state === 'failed' && job.fault !== null) {
    events.push({
      event: `compute_${job.fault.step ?? 'start'}`,
      start_time: iso(job.stepStartedAt ?? job.updatedAt),
      finish_time: iso(job.finishedAt),
      result: 'Error',
      traceback: `${job.fault.message}\n${job.fault.details}`,
      host,
      hostId: host,
      details: job.fault.message,
    });
  } else if (job.currentStep !== null) {
    events.push({
      event: `compute_${job.currentStep}`,
      start_time: iso(job.stepStartedAt),
      finish_time: null,
      result: null,
      traceback: null,
      host,
      hostId: host,
      details: `${job.progress}%`,
    });
  }
  return events;
}
