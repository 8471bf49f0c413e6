// Every coded error of @baton/cloud, exported as one `errors` namespace (docs/errors.md lists them).
export { BadRequestError, CloudError, ConflictError, ForbiddenError, NotAcceptableError, NotFoundError, PayloadTooLargeError, UnexpectedError } from './common/errors.ts';
export type { CloudErrorCode } from './common/errors.ts';
export { ServiceConfigError } from './common/config.ts';
export { InterServiceError } from './common/inter-service.ts';
export { JobError, LeaseLostError, WorkerStoppedError } from './jobs/errors.ts';
export type { JobErrorCode } from './jobs/errors.ts';
