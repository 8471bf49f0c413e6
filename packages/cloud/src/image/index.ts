// The image service (glance's v2 images API).
export { startImage, IMAGE_DEFAULT_PORT } from './service.ts';
export { imageFileGroups, IMAGE_OWN_GROUPS, IMAGE_SAMPLE_TITLE } from './config.ts';
