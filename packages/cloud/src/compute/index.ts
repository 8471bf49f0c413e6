// The compute service (nova's /v2.1) and its long jobs.
export { startCompute, COMPUTE_DEFAULT_PORT, COMPUTE_MAX_MICROVERSION } from './service.ts';
export { computeFileGroups, computeGroup, COMPUTE_GROUPS, COMPUTE_SAMPLE_TITLE, loadComputeConfig } from './config.ts';
export type { ComputeConfig } from './config.ts';
export { FLAVORS } from './flavors.ts';
export type { Flavor } from './flavors.ts';
