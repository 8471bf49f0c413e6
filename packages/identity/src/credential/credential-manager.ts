// Credentials (keystone/credential/core.py): blobs encrypted on the way in, decrypted on the
// way out; reads by id go through the [credential] cache region (the encrypted row, as
// Keystone memoizes it).
import { createHash } from 'node:crypto';
import { ForbiddenError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { CacheRegion } from '../cache.ts';
import type { CredentialDriver, CredentialFilter, StoredCredential } from '../storage/types.ts';
import type { CredentialCrypto } from './credential-crypto.ts';

export const EC2_TYPE = 'ec2';

export interface Credential {
  id: string;
  userId: string;
  projectId: string | null;
  type: string;
  /** The plaintext blob: JSON text for ec2 (`access`, `secret`, `trust_id`…). */
  blob: string;
  extra: Record<string, unknown>;
}

export type NewCredential = Omit<Credential, 'id'> & { id?: string };

/** An EC2 credential's id: the SHA-256 of its access key (keystone.common.utils.hash_access_key). */
export function ec2CredentialId(access: string): string {
  return createHash('sha256').update(access, 'utf8').digest('hex');
}

/** An ec2 blob's members; a blob that is not a JSON object has none. */
export function ec2Blob(credential: Pick<Credential, 'blob'>): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(credential.blob);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export class CredentialManager {
  readonly #driver: CredentialDriver;
  readonly #crypto: CredentialCrypto;
  readonly #rows: CacheRegion<StoredCredential>;
  readonly #userLimit: number;

  constructor(driver: CredentialDriver, crypto: CredentialCrypto, rows: CacheRegion<StoredCredential>, options: { userLimit: number }) {
    this.#driver = driver;
    this.#crypto = crypto;
    this.#rows = rows;
    this.#userLimit = options.userLimit;
  }

  #decrypt(row: StoredCredential): Credential {
    return { id: row.id, userId: row.userId, projectId: row.projectId, type: row.type, blob: this.#crypto.decrypt(row.encryptedBlob), extra: row.extra };
  }

  /** @throws ForbiddenError past [credential] user_limit; ConflictError for an id in use. */
  async create(input: NewCredential): Promise<Credential> {
    if (this.#userLimit >= 0 && (await this.#driver.listCredentials({ userId: input.userId })).length >= this.#userLimit) {
      throw new ForbiddenError(`Unable to create additional credentials, maximum of ${this.#userLimit} already exceeded for user.`);
    }
    const { blob, id = newId(), ...rest } = input;
    await this.#driver.createCredential({ ...rest, id, ...this.#crypto.encrypt(blob) });
    return { ...rest, id, blob };
  }

  async get(id: string): Promise<Credential> {
    return this.#decrypt(await this.#rows.get(id, () => this.#driver.getCredential(id)));
  }

  async list(filter: CredentialFilter = {}): Promise<Credential[]> {
    return (await this.#driver.listCredentials(filter)).map((row) => this.#decrypt(row));
  }

  async updateBlob(id: string, blob: string): Promise<Credential> {
    return this.#decrypt(await this.#driver.updateCredentialBlob(id, this.#crypto.encrypt(blob)));
  }

  delete(id: string): Promise<void> {
    return this.#driver.deleteCredential(id);
  }

  deleteForUser(userId: string): Promise<void> {
    return this.#driver.deleteCredentialsForUser(userId);
  }

  deleteForProject(projectId: string): Promise<void> {
    return this.#driver.deleteCredentialsForProject(projectId);
  }

  /** Ids of the credentials not encrypted with the current primary key. */
  async notOnPrimaryKey(): Promise<string[]> {
    const primary = this.#crypto.primaryHash();
    return (await this.#driver.listCredentials()).filter((c) => c.keyHash !== primary).map((c) => c.id);
  }

  /** keystone-manage credential_migrate: re-encrypts with the primary key what is not; returns how many. */
  async migrate(): Promise<number> {
    const stale = await this.notOnPrimaryKey();
    for (const id of stale) {
      const row = await this.#driver.getCredential(id);
      await this.#driver.updateCredentialBlob(id, this.#crypto.encrypt(this.#crypto.decrypt(row.encryptedBlob)));
    }
    return stale.length;
  }
}
