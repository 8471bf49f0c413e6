// @baton/cloud: compute, block-storage, image and network, each its own HTTP service behind
// the auth-token middleware, calling each other through the catalog with service tokens.
export * as errors from './errors.ts';
export * from './common/index.ts';
export * from './block-storage/index.ts';
export * from './compute/index.ts';
export * from './image/index.ts';
export * from './network/index.ts';
