import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import * as make from '../../../test/media/fixtures.js';
import { filesUnder, uploadOne } from '../../../test/media/upload.js';
import { MEDIA_ORPHANS_CRON, MEDIA_ORPHANS_QUEUE, sweepOrphanMedia } from './media-orphans.js';
import { mediaObjects } from './media.table.js';

const HOUR = 3_600_000;

describe('orphan uploads', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ MEDIA_ORPHAN_TTL_HOURS: '1' });
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.deps.database.db;
  const files = () => filesUnder(path.join(t.config.dataDir, 'files'));
  const exists = async (id: string) =>
    (await db().select({ id: mediaObjects.id }).from(mediaObjects).where(eq(mediaObjects.id, id))).length ===
    1;
  const uploadAged = async (ageMs: number, attached = false) => {
    const a = await uploadOne(t, admin, 'image', { name: 'a.png', data: await make.image('png') });
    await db()
      .update(mediaObjects)
      .set({ createdAt: new Date(Date.now() - ageMs), attachedAt: attached ? new Date() : null })
      .where(eq(mediaObjects.id, a.id));
    return a.id;
  };

  it('deletes uploads never attached and older than the cutoff, rows and objects, and keeps the rest', async () => {
    const old = await uploadAged(3 * HOUR);
    const recent = await uploadAged(0);
    const oldButAttached = await uploadAged(3 * HOUR, true);
    const deleted = await sweepOrphanMedia(
      { db: db(), storage: t.deps.storage },
      new Date(Date.now() - 2 * HOUR),
    );
    expect(deleted).toBe(1);
    expect([await exists(old), await exists(recent), await exists(oldButAttached)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(files().filter((f) => f.includes(old))).toEqual([]);
    expect(files().filter((f) => f.includes(recent))).toHaveLength(3);
  });

  it('is a scheduled job whose worker applies MEDIA_ORPHAN_TTL_HOURS', async () => {
    const schedules = await t.deps.queue.boss.getSchedules(MEDIA_ORPHANS_QUEUE);
    expect(schedules.map((s) => s.cron)).toEqual([MEDIA_ORPHANS_CRON]);
    const orphan = await uploadAged(2 * HOUR);
    const young = await uploadAged(HOUR / 2);
    await t.deps.queue.send(MEDIA_ORPHANS_QUEUE, {});
    const deadline = Date.now() + 20_000;
    while ((await exists(orphan)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await exists(orphan)).toBe(false);
    expect(await exists(young)).toBe(true);
  });
});
