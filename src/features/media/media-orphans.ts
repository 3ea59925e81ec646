import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, inArray, isNull, lt, notExists } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { ObjectStorage } from '../../platform/storage.js';
import { storedKeysOf } from './media.service.js';
import { users } from '../users/users.table.js';
import { mediaObjects } from './media.table.js';

export const MEDIA_ORPHANS_QUEUE = 'media.orphans';
/** Hourly, at a minute other hourly jobs are unlikely to pick. */
export const MEDIA_ORPHANS_CRON = '17 * * * *';

export interface SweepDeps {
  db: Db;
  storage: ObjectStorage;
  /** Folder of staged uploads; files a crash left there are removed too. */
  tmpDir?: string;
}

const BATCH = 200;

/**
 * Deletes uploads never attached to a message (nor used as a user's avatar) and created before `olderThan`: each batch of
 * rows goes first (so a message can no longer claim them), then their stored objects. Returns
 * how many were deleted.
 */
export async function sweepOrphanMedia(d: SweepDeps, olderThan: Date): Promise<number> {
  const orphan = and(
    isNull(mediaObjects.attachedAt),
    lt(mediaObjects.createdAt, olderThan),
    notExists(d.db.select({ id: users.id }).from(users).where(eq(users.avatarMediaId, mediaObjects.id))),
  );
  let total = 0;
  for (;;) {
    const batch = d.db.select({ id: mediaObjects.id }).from(mediaObjects).where(orphan).limit(BATCH);
    // The orphan condition again on the delete: a row attached meanwhile stays.
    const gone = await d.db
      .delete(mediaObjects)
      .where(and(inArray(mediaObjects.id, batch), orphan))
      .returning({
        storageKey: mediaObjects.storageKey,
        thumbnailKey: mediaObjects.thumbnailKey,
        previewKey: mediaObjects.previewKey,
      });
    if (gone.length > 0) await d.storage.delete(gone.flatMap(storedKeysOf));
    total += gone.length;
    if (gone.length < BATCH) break;
  }
  if (d.tmpDir) await sweepStaleFiles(d.tmpDir, olderThan);
  return total;
}

async function sweepStaleFiles(dir: string, olderThan: Date): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && info.mtime < olderThan) await rm(file, { force: true });
  }
}
