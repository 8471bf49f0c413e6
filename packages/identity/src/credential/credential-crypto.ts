// Keystone's credential provider (keystone/credential/providers/fernet): blobs encrypted with
// the credential key repository's keys, each tagged with the SHA-1 of the primary key that
// encrypted it so credential-rotate can tell whether credential-migrate has run.
import { createHash } from 'node:crypto';
import { FernetKeyRepository, FernetKeysNotFoundError, MultiFernet, encodeFernetKey } from '@baton/fernet';
import { UnexpectedError } from '../errors.ts';

/** The credential repository keeps 3 keys; Keystone has no option for it. */
export const CREDENTIAL_MAX_ACTIVE_KEYS = 3;

/**
 * Keystone's NULL_KEY: used while the repository has no keys, so a deployment that has not
 * run credential-setup still works (and is warned), as Keystone does to ease upgrades.
 */
const NULL_KEY = new Uint8Array(32);

const DECRYPT_FAILED = 'Credential could not be decrypted. Please contact the administrator';

/** SHA-1 of the primary key's text (as in its key file), which Keystone records. */
export function primaryKeyHash(keys: readonly Uint8Array[]): string {
  return createHash('sha1').update(encodeFernetKey(keys[0] as Uint8Array)).digest('hex');
}

export interface EncryptedBlob {
  encryptedBlob: string;
  keyHash: string;
}

export class CredentialCrypto {
  readonly repository: FernetKeyRepository;
  readonly #warn: (message: string) => void;

  constructor(path: string, warn: (message: string) => void) {
    this.repository = new FernetKeyRepository({ path, maxActiveKeys: CREDENTIAL_MAX_ACTIVE_KEYS });
    this.#warn = warn;
  }

  /** Primary first, then the others, then the null key (Keystone's load_keys(use_null_key=True)). */
  keys(): Uint8Array[] {
    try {
      return [...this.repository.loadKeys(), NULL_KEY];
    } catch (error) {
      if (error instanceof FernetKeysNotFoundError) return [NULL_KEY];
      throw error;
    }
  }

  /** The hash every blob encrypted now is recorded with. */
  primaryHash(): string {
    return primaryKeyHash(this.keys());
  }

  encrypt(plaintext: string): EncryptedBlob {
    const keys = this.keys();
    if (keys.length === 1) {
      this.#warn(
        'Encrypting credentials with the null key. Please properly encrypt credentials using ' +
          '`baton manage credential-setup`, `baton manage credential-migrate`, and `baton manage credential-rotate`',
      );
    }
    return { encryptedBlob: new MultiFernet(keys).encrypt(Buffer.from(plaintext, 'utf8')), keyHash: primaryKeyHash(keys) };
  }

  decrypt(encryptedBlob: string): string {
    try {
      return Buffer.from(new MultiFernet(this.keys()).decrypt(encryptedBlob).plaintext).toString('utf8');
    } catch (cause) {
      throw new UnexpectedError(DECRYPT_FAILED, { cause });
    }
  }
}
