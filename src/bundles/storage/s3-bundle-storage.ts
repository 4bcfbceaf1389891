import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { S3StoreConfig } from '../../config/app-config.js';
import { assertStorageKey, BundleStorage } from './bundle-storage.js';

/** A ready bundle whose object is gone from the store: the database and the store disagree. */
export class BundleObjectMissingError extends Error {
  readonly code = 'BUNDLE_OBJECT_MISSING';

  constructor(readonly key: string) {
    // The key is made of ids only (see assertStorageKey), so it may be named.
    super(`bundle object ${key} is missing from the object store`);
    this.name = 'BundleObjectMissingError';
  }
}

/**
 * Bundles as objects in an S3-compatible store (AWS S3, MinIO, ...), shared by every instance.
 * Keys are `<prefix><editionId>/<bundleId>-<attempt>.age`: ids only, nothing personal.
 *
 * One PutObject per bundle: S3 makes an object visible only once the whole body has arrived (a
 * writer that dies mid-upload leaves nothing at the key), and a second PUT to the same key
 * replaces it whole. That is the interface's "all or nothing", without temporary names. Bundles
 * are a few hundred kilobytes, far below the 5 GB a single PUT takes, so no multipart uploads,
 * whose abandoned parts would need cleaning.
 */
export class S3BundleStorage extends BundleStorage {
  private readonly client: S3Client;

  constructor(private readonly options: S3StoreConfig) {
    super();
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Integrity comes from Content-MD5, which every S3-compatible store checks; the SDK's newer
      // default CRC checksums are refused by several of them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A store that stops answering must not hold a batch past its lease (BUNDLE_LEASE_SECONDS).
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
      maxAttempts: 3,
    });
  }

  private objectKey(key: string): string {
    assertStorageKey(key);
    return `${this.options.prefix}${key}`;
  }

  async put(key: string, data: readonly Uint8Array[]): Promise<void> {
    const body = Buffer.concat(data);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentLength: body.length,
        // The store refuses the upload if the bytes it received differ from the ones sent.
        ContentMD5: createHash('md5').update(body).digest('base64'),
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const objectKey = this.objectKey(key);
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: objectKey }));
      if (!object.Body) throw new BundleObjectMissingError(key);
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string })?.name === 'NoSuchKey') throw new BundleObjectMissingError(key);
      throw error;
    }
  }

  /** S3 answers a delete of a missing key with success, as the interface wants. */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
  }

  /** Nothing to do: a PUT that did not finish left no object (see the class comment). */
  async removeStaleTemporaries(): Promise<number> {
    return 0;
  }

  /** Nest calls this when the app closes: the client's kept-alive sockets must not hold the process open. */
  onModuleDestroy(): void {
    this.client.destroy();
  }
}
