import { hkdfSync } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.js';
import type { ObjectStorage } from './storage.js';
import { createLocalStorage } from './storage.local.js';

/** The signing key of local file URLs, derived so it never equals the key that encrypts secrets. */
export const fileUrlSecret = (encryptionKey: Buffer) =>
  Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'apicechat media url v1', 32));

/** S3 when S3_BUCKET is set, otherwise files under DATA_DIR/files served by the app. */
export async function createObjectStorage(
  config: Pick<Config, 's3' | 'dataDir' | 'publicUrl' | 'encryptionKey'>,
): Promise<ObjectStorage> {
  if (config.s3) {
    // Loaded only when used: the embedded default never pays for the AWS SDK.
    const { createS3Storage } = await import('./storage.s3.js');
    return createS3Storage(config.s3);
  }
  return createLocalStorage({
    root: path.join(config.dataDir, 'files'),
    publicUrl: config.publicUrl,
    secret: fileUrlSecret(config.encryptionKey),
  });
}
