// The block-storage service (cinder's volumes and attachments API).
export { startBlockStorage, BLOCK_STORAGE_DEFAULT_PORT, BLOCK_STORAGE_MAX_MICROVERSION } from './service.ts';
export { BLOCK_STORAGE_SAMPLE_TITLE, blockStorageFileGroups, blockStorageGroup, blockStorageGroups } from './config.ts';
