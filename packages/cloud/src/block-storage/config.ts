// cinder.conf: the common groups plus [block_storage], Baton's simulated volume backend.
import { defineGroup, floatOpt, intOpt, strOpt } from '@baton/config';
import { commonServiceGroups } from '../common/index.ts';

export const blockStorageGroup = defineGroup('block_storage', {
  help: 'Baton only. The simulated volume backend of the block-storage service (volumes hold no data).',
  options: {
    availability_zone: strOpt({
      default: 'nova',
      help: "Availability zone of every volume (cinder's storage_availability_zone); a create asking for another is refused.",
    }),
    create_delay: floatOpt({
      default: 0,
      min: 0,
      help: "Seconds a new volume stays 'creating' before it becomes 'available' (after the image is read, for a volume from an image).",
    }),
    max_volume_size: intOpt({
      default: 1000,
      min: 1,
      help: 'Largest volume, in GiB, a create may ask for; a larger one is refused with 400.',
    }),
  },
});

export const blockStorageGroups = [blockStorageGroup] as const;

/** The SQLite file under $state_path when [database] connection is not set. */
export const BLOCK_STORAGE_DATABASE_FILE = 'cinder.db';

/** Every group of cinder.conf, for its sample. */
export function blockStorageFileGroups() {
  return [...commonServiceGroups(BLOCK_STORAGE_DATABASE_FILE), ...blockStorageGroups] as const;
}

/** First line of etc/cinder.conf.sample. */
export const BLOCK_STORAGE_SAMPLE_TITLE = "Sample cinder.conf for Baton's block-storage service (baton block-storage serve).";
