// Errors of @baton/tokens. No HTTP status here: the identity service maps these to
// Keystone's 404 "Could not recognize Fernet token" (keystone/token/providers/fernet/core.py).

export type TokenErrorCode = 'ERR_TOKEN_INVALID' | 'ERR_TOKEN_PAYLOAD_UNSUPPORTED';

export abstract class TokenError extends Error {
  abstract readonly code: TokenErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/**
 * Any token that cannot be read: bad encoding, MAC, padding, unknown key, or a payload that
 * does not have its version's shape. One fixed message (Keystone's), reason in `cause`.
 */
export class TokenInvalidError extends TokenError {
  static readonly code = 'ERR_TOKEN_INVALID';
  static readonly message = 'Could not recognize Fernet token';
  readonly code = TokenInvalidError.code;

  constructor(options: { cause: unknown }) {
    super(TokenInvalidError.message, options);
  }
}

/**
 * A genuine token (it decrypted under our keys) whose payload version Baton does not
 * handle: federated (4-6) payloads, or a version Keystone does not know.
 */
export class TokenPayloadUnsupportedError extends TokenError {
  static readonly code = 'ERR_TOKEN_PAYLOAD_UNSUPPORTED';
  readonly code = TokenPayloadUnsupportedError.code;
  readonly version: unknown;

  constructor(version: unknown) {
    super(
      typeof version === 'number' && version >= 4 && version <= 6
        ? `Fernet payload version ${version} (federated) is not supported`
        : `This is not a recognized Fernet payload version: ${String(version)}`,
    );
    this.version = version;
  }
}
