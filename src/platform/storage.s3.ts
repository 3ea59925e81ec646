import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import {
  assertValidKey,
  contentDisposition,
  signingTime,
  type ObjectStorage,
  type SignedUrlOptions,
} from './storage.js';

export interface S3StorageOptions {
  /** Custom endpoint (MinIO, R2, Supabase Storage...); unset = AWS S3. */
  endpoint?: string | undefined;
  bucket: string;
  region: string;
  /** Unset = the SDK's default credential chain (environment, instance role...). */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO and most self-hosted stores). */
  forcePathStyle?: boolean;
}

const isNotFound = (err: unknown) =>
  err instanceof S3ServiceException &&
  (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404);

/** Any S3-compatible store; browsers fetch objects through presigned GET URLs. */
export function createS3Storage(options: S3StorageOptions): ObjectStorage {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.accessKeyId && options.secretAccessKey
      ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
      : {}),
    // The SDK's default CRC checksums (aws-chunked uploads) are not understood by every
    // S3-compatible store; only send them where S3 requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = options.bucket;

  return {
    driver: 's3',

    async put(key, object) {
      assertValidKey(key);
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: object.body,
          ContentLength: object.size,
          ContentType: object.contentType,
        }),
      );
    },

    async read(key, range) {
      assertValidKey(key);
      try {
        const res = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: key,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject: expected a Node stream body');
        const total = /\/(\d+)$/.exec(res.ContentRange ?? '')?.[1];
        return { body: res.Body, size: total ? Number(total) : (res.ContentLength ?? 0) };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async stat(key) {
      assertValidKey(key);
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { size: res.ContentLength ?? 0 };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async delete(keys) {
      // One request per key: DeleteObjects needs a Content-MD5 some stores insist on and others reject.
      await Promise.all(
        keys.map((key) => {
          assertValidKey(key);
          return client.send(new DeleteObjectCommand({ Bucket, Key: key }));
        }),
      );
    },

    async signedUrl(key, o: SignedUrlOptions) {
      assertValidKey(key);
      const command = new GetObjectCommand({
        Bucket,
        Key: key,
        ...(o.contentType ? { ResponseContentType: o.contentType } : {}),
        ...(o.fileName ? { ResponseContentDisposition: contentDisposition(o.fileName) } : {}),
      });
      return getSignedUrl(client, command, {
        expiresIn: o.expiresInSeconds,
        signingDate: signingTime(o.expiresInSeconds, o.now),
      });
    },

    async close() {
      client.destroy();
    },
  };
}
