import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AppDeps } from '../../app.js';
import { isLocalStorage } from '../../platform/storage.local.js';
import type { Feature } from '../feature.js';
import { mediaFileRoutes } from './media-file.routes.js';
import { MEDIA_ORPHANS_CRON, MEDIA_ORPHANS_QUEUE, sweepOrphanMedia } from './media-orphans.js';
import type { StageOptions } from './media-staging.js';
import { findMediaTools } from './media-tools.js';
import type { UploadKind } from './media-types.js';
import { createMediaUrlSigner, installMediaUrlSigner } from './media-urls.js';
import { mediaRoutes } from './media.routes.js';
import { createMediaService } from './media.service.js';

const tmpDirOf = (deps: AppDeps) => path.join(deps.config.dataDir, 'tmp', 'uploads');

/** How uploads are staged: the configured limits, a temporary folder on disk. */
export function stageOptionsFor(deps: AppDeps) {
  const { uploads } = deps.config;
  const limits = {
    image: uploads.imageBytes,
    video: uploads.videoBytes,
    audio: uploads.audioBytes,
    document: uploads.documentBytes,
  };
  const tmpDir = tmpDirOf(deps);
  return (kinds: readonly UploadKind[]): StageOptions => ({ allowed: kinds, limits, tmpDir });
}

/** The media service of an app (uploads, inbound WhatsApp files, metadata, deletes). */
export async function mediaServiceFor(deps: AppDeps) {
  await mkdir(tmpDirOf(deps), { recursive: true });
  return createMediaService({
    db: deps.database.db,
    storage: deps.storage,
    signer: createMediaUrlSigner(deps.storage, deps.config.media.urlTtlSeconds),
    tools: await findMediaTools(),
    maxImagePixels: deps.config.uploads.maxImagePixels,
    onCleanupError: (err) => deps.logger.warn({ err }, 'media cleanup failed'),
  });
}

export const mediaFeature: Feature = {
  name: 'media',
  queues: [{ name: MEDIA_ORPHANS_QUEUE, retryLimit: 3, retryDelay: 60, expireInSeconds: 900 }],
  routes: (deps) => async (app) => {
    await app.register(mediaRoutes(await mediaServiceFor(deps), stageOptionsFor(deps)));
    if (isLocalStorage(deps.storage)) await app.register(mediaFileRoutes(deps.storage));
  },
  async start(deps) {
    installMediaUrlSigner(createMediaUrlSigner(deps.storage, deps.config.media.urlTtlSeconds));
    const ttlMs = deps.config.media.orphanTtlHours * 3_600_000;
    await deps.queue.work(MEDIA_ORPHANS_QUEUE, async () => {
      const deleted = await sweepOrphanMedia(
        { db: deps.database.db, storage: deps.storage, tmpDir: tmpDirOf(deps) },
        new Date(Date.now() - ttlMs),
      );
      if (deleted > 0) deps.logger.info({ deleted }, 'orphan media deleted');
    });
    await deps.queue.boss.schedule(MEDIA_ORPHANS_QUEUE, MEDIA_ORPHANS_CRON);
  },
};
