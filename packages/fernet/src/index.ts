// @baton/fernet: the Fernet token format and Keystone's key repository.
export { fernetEncrypt, MultiFernet, generateFernetKey, decodeFernetKey, encodeFernetKey } from './fernet.ts';
export type { FernetEncryptOptions, FernetDecrypted } from './fernet.ts';
export { FernetKeyRepository } from './key-repository.ts';
export type { FernetKeyRepositoryOptions } from './key-repository.ts';
export {
  FernetError, FernetInvalidTokenError, FernetInvalidKeyError, FernetKeysNotFoundError, FernetKeyRepositoryError,
} from './errors.ts';
export type { FernetErrorCode } from './errors.ts';
export * as errors from './errors.ts';
