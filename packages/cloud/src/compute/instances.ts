// Reading and writing instance rows and their attachments and actions (the compute driver).
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../common/errors.ts';
import type { ComputeDatabase, InstanceTable, VolumeAttachmentTable } from './storage.ts';

export type Instance = Selectable<InstanceTable>;
export type VolumeAttachment = Selectable<VolumeAttachmentTable>;

export interface InstancePort {
  readonly port_id: string;
  readonly network_id: string;
  readonly ip_address: string | null;
  readonly mac_address: string | null;
}

export function portsOf(instance: Instance): InstancePort[] {
  return JSON.parse(instance.ports) as InstancePort[];
}

export class InstanceStore {
  constructor(readonly db: Kysely<ComputeDatabase>) {}

  /** Another project's instance is "not found", as nova answers. */
  async get(id: string, projectId: string | null): Promise<Instance> {
    let query = this.db.selectFrom('instance').selectAll().where('id', '=', id).where('vm_state', '!=', 'deleted');
    if (projectId !== null) query = query.where('project_id', '=', projectId);
    const row = await query.executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`Instance ${id} could not be found.`);
    return row;
  }

  async list(projectId: string): Promise<Instance[]> {
    return this.db.selectFrom('instance').selectAll().where('project_id', '=', projectId).where('vm_state', '!=', 'deleted').orderBy('created_at', 'desc').execute();
  }

  async update(id: string, set: Partial<Omit<InstanceTable, 'id'>>): Promise<void> {
    await this.db.updateTable('instance').set({ ...set, updated_at: Date.now() }).where('id', '=', id).execute();
  }

  /**
   * Moves an instance into a task only from the states nova allows it from; false when
   * another request got there first (the caller answers 409).
   */
  async startTask(id: string, fromVmState: string, taskState: string): Promise<boolean> {
    const result = await this.db
      .updateTable('instance')
      .set({ task_state: taskState, progress: 0, updated_at: Date.now() })
      .where('id', '=', id)
      .where('vm_state', '=', fromVmState)
      .where('task_state', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async attachments(instanceId: string): Promise<VolumeAttachment[]> {
    return this.db.selectFrom('volume_attachment').selectAll().where('instance_id', '=', instanceId).orderBy('device').execute();
  }

  async addAttachment(row: VolumeAttachment): Promise<void> {
    await this.db.deleteFrom('volume_attachment').where('instance_id', '=', row.instance_id).where('volume_id', '=', row.volume_id).execute();
    await this.db.insertInto('volume_attachment').values(row).execute();
  }

  async setAttachmentId(instanceId: string, volumeId: string, attachmentId: string): Promise<void> {
    await this.db.updateTable('volume_attachment').set({ attachment_id: attachmentId }).where('instance_id', '=', instanceId).where('volume_id', '=', volumeId).execute();
  }

  async removeAttachment(instanceId: string, volumeId: string): Promise<void> {
    await this.db.deleteFrom('volume_attachment').where('instance_id', '=', instanceId).where('volume_id', '=', volumeId).execute();
  }
}
