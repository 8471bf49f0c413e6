// glance_store's filesystem driver: an image's data is one file named by the image id under
// `[glance_store] filesystem_store_datadir`. Data is streamed to a temporary file while its
// md5 and `hashing_algorithm` digests and its size are computed, then renamed into place,
// so a failed or oversized upload leaves nothing behind.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError } from '../common/errors.ts';

export interface StoredData {
  size: number;
  checksum: string;
  hashAlgo: string;
  hashValue: string;
}

/** The data grew past `image_size_cap` while it was being received (413, as glance answers). */
export class ImageSizeLimitExceeded extends PayloadTooLargeError {
  constructor(readonly limit: number) {
    super(`Image exceeds the image_size_cap of ${limit} bytes.`);
  }
}

export class FilesystemStore {
  readonly #directory: string;
  readonly #sizeCap: number;
  readonly #hashAlgo: string;

  constructor(options: { directory: string; sizeCap: number; hashAlgo: string }) {
    this.#directory = options.directory;
    this.#sizeCap = options.sizeCap;
    this.#hashAlgo = options.hashAlgo;
  }

  get sizeCap(): number {
    return this.#sizeCap;
  }

  /** Writes `source` as the data of `imageId`; on any failure nothing is left on disk. */
  async add(imageId: string, source: Readable): Promise<StoredData> {
    await mkdir(this.#directory, { recursive: true });
    const partial = join(this.#directory, `.${imageId}.${randomUUID()}.partial`);
    const md5 = createHash('md5');
    const multihash = createHash(this.#hashAlgo);
    let size = 0;
    const sizeCap = this.#sizeCap;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > sizeCap) {
          callback(new ImageSizeLimitExceeded(sizeCap));
          return;
        }
        md5.update(chunk);
        multihash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, measure, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, this.#path(imageId));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { size, checksum: md5.digest('hex'), hashAlgo: this.#hashAlgo, hashValue: multihash.digest('hex') };
  }

  /** A stream of the stored data; rejects with ENOENT when the image has none. */
  async get(imageId: string): Promise<Readable> {
    const path = this.#path(imageId);
    await stat(path);
    return createReadStream(path);
  }

  async delete(imageId: string): Promise<void> {
    await rm(this.#path(imageId), { force: true });
  }

  #path(imageId: string): string {
    return join(this.#directory, imageId);
  }
}
