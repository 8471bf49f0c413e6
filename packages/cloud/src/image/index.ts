// The image service (glance's v2 images API).
export { startImage, IMAGE_DEFAULT_PORT } from './service.ts';
export { glanceStoreGroup, imageDefaultGroup, imageFormatGroup } from './config.ts';
