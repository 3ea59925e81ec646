import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3StorageOptions } from '../../src/platform/storage.s3.js';

export interface TestS3Server {
  /** Options of createS3Storage for this server's bucket. */
  options: S3StorageOptions;
  /** The same as S3_* environment variables, for createTestApp. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real S3-compatible HTTP server (s3rver, from npm) on a free loopback port with one empty
 * bucket, so the S3 driver is tested through the AWS SDK over the wire, not against a mock.
 * Note: s3rver checks a presigned URL's expiry but not its SigV4 signature.
 */
export async function startS3Server(bucket = 'apicechat-test'): Promise<TestS3Server> {
  const directory = mkdtempSync(path.join(tmpdir(), 'apice-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  const options: S3StorageOptions = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  return {
    options,
    env: {
      S3_ENDPOINT: options.endpoint!,
      S3_BUCKET: bucket,
      S3_REGION: options.region,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
