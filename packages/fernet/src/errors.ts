// Errors of @baton/fernet. Library errors carry a stable `code` and no HTTP status:
// the services decide how a failure looks on the wire.

export type FernetErrorCode =
  | 'ERR_FERNET_INVALID_TOKEN'
  | 'ERR_FERNET_INVALID_KEY'
  | 'ERR_FERNET_KEYS_NOT_FOUND'
  | 'ERR_FERNET_KEY_REPOSITORY';

export abstract class FernetError extends Error {
  abstract readonly code: FernetErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/**
 * Any token that cannot be authenticated and decrypted. The message is fixed so that a
 * caller cannot tell a bad MAC from bad padding or an unknown key (no padding oracle);
 * the specific reason is in `cause`, for logs only.
 */
export class FernetInvalidTokenError extends FernetError {
  static readonly code = 'ERR_FERNET_INVALID_TOKEN';
  static readonly message = 'Invalid Fernet token';
  readonly code = FernetInvalidTokenError.code;

  constructor(reason: string) {
    super(FernetInvalidTokenError.message, { cause: new Error(reason) });
  }
}

/** Key text that is not 32 bytes of urlsafe base64. */
export class FernetInvalidKeyError extends FernetError {
  static readonly code = 'ERR_FERNET_INVALID_KEY';
  static readonly message = 'Fernet key must be 32 url-safe base64-encoded bytes';
  readonly code = FernetInvalidKeyError.code;

  constructor(options?: { cause?: unknown }) {
    super(FernetInvalidKeyError.message, options);
  }
}

/** The key repository is missing, unreadable or holds no keys (Keystone's KeysNotFound). */
export class FernetKeysNotFoundError extends FernetError {
  static readonly code = 'ERR_FERNET_KEYS_NOT_FOUND';
  readonly code = FernetKeysNotFoundError.code;
  readonly path: string;

  constructor(path: string, options?: { cause?: unknown }) {
    super(`No Fernet keys found in key repository ${path}`, options);
    this.path = path;
  }
}

/** Any other problem with the key repository: a bad key file, a failed write or rename. */
export class FernetKeyRepositoryError extends FernetError {
  static readonly code = 'ERR_FERNET_KEY_REPOSITORY';
  readonly code = FernetKeyRepositoryError.code;
  readonly path: string;

  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}
