import { inArray } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createConversation } from '../../../test/helpers/factories.js';
import type { Database, Db } from '../../db/client.js';
import * as schema from '../../db/schema.js';
import type { RequestContext } from '../../http/context.js';
import { mediaObjects } from '../media/media.table.js';
import { PERMISSIONS } from '../roles/permissions.js';
import type { ConversationDto } from './conversations.schema.js';
import { createConversationsService } from './conversations.service.js';
import { conversations } from './conversations.table.js';
import { exactTime } from './keyset.js';

/** A second drizzle handle on the same connection that counts the statements it sends. */
function countingDb(database: Database) {
  const statements: string[] = [];
  const logger = { logQuery: (query: string) => void statements.push(query) };
  const db =
    database.kind === 'pglite'
      ? drizzlePglite(database.pglite!, { schema, logger })
      : drizzlePg(database.pool!, { schema, logger });
  return { db: db as unknown as Db, statements };
}

describe('conversation lists', () => {
  let t: TestApp;
  let admin: string;
  let ctx: RequestContext;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    const me = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json();
    ctx = {
      tenantId: me.tenant_id,
      userId: me.id,
      role: 'admin',
      permissions: new Set(PERMISSIONS),
      requestId: 'test',
      ip: '127.0.0.1',
    };
  });
  afterAll(async () => {
    await t.close();
  });
  const db = () => t.deps.database.db;
  const send = (conversationId: string, payload: object = {}) =>
    t.request({
      method: 'POST',
      url: '/api/v1/messages',
      token: admin,
      payload: { conversation_id: conversationId, body: 'hey', ...payload },
    });

  it('serves last_message for a whole page in a fixed number of queries, right for every row', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = await createConversation(db(), ctx.tenantId);
      ids.push(c.id);
      await send(c.id, { body: `first ${i}` });
      if (i % 3 === 0) {
        const [media] = await db()
          .insert(mediaObjects)
          .values({
            tenantId: ctx.tenantId,
            storageKey: `k/${c.id}`,
            kind: 'image',
            mimeType: 'image/png',
            size: 10,
          })
          .returning();
        await send(c.id, { body: `last ${i}`, attachment_ids: [media!.id] });
      } else {
        const last = await send(c.id, { body: `last ${i}` });
        await t.request({
          method: 'POST',
          url: `/api/v1/messages/${last.json().id}/reactions`,
          token: admin,
          payload: { emoji: '👍' },
        });
      }
    }
    const counting = countingDb(t.deps.database);
    const service = createConversationsService({ db: counting.db, events: t.deps.events });
    const page = await service.list(ctx, { page: 1, limit: 20, assignee: 'all' });
    expect(counting.statements.length).toBeLessThanOrEqual(4);
    expect(page.data).toHaveLength(20);
    for (const c of page.data) {
      const newest = await t.request({
        method: 'GET',
        url: `/api/v1/messages/conversation/${c.id}?limit=1`,
        token: admin,
      });
      expect(c.last_message).toEqual(newest.json().data[0]);
      expect(c.last_message?.body).toMatch(/^last /);
    }
    const withMedia = page.data.filter((c) => c.last_message?.attachments.length);
    expect(withMedia).toHaveLength(7);
    expect(withMedia[0]!.last_message!.attachments[0]).toMatchObject({
      kind: 'image',
      mime_type: 'image/png',
      size: 10,
    });
    expect(page.data.filter((c) => c.last_message?.reactions.length)).toHaveLength(13);

    counting.statements.length = 0;
    await service.list(ctx, { page: 1, limit: 5, assignee: 'all' });
    const small = counting.statements.length;
    counting.statements.length = 0;
    await service.listByCursor(ctx, { limit: 20, assignee: 'all' });
    expect(counting.statements.length).toBeLessThanOrEqual(small);
  });

  it('walks the cursor list without duplicates or gaps while conversations are created', async () => {
    const base = Date.now() - 3_600_000;
    const at = (seconds: number) => new Date(base + seconds * 1000);
    const existing: string[] = [];
    for (let i = 0; i < 30; i++) {
      // Every third pair shares a timestamp: the id breaks the tie.
      const c = await createConversation(db(), ctx.tenantId, {
        lastMessageAt: at(100 + Math.floor(i / 2) * 10),
      });
      existing.push(c.id);
    }
    const seen: ConversationDto[] = [];
    const lateButOld: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/conversations/cursor?limit=7${query}`,
        token: admin,
      });
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().data);
      cursor = res.json().meta.next_cursor;
      pages++;
      // Between pages: a newer conversation (behind the walk: not part of it) and one older than
      // everything (ahead of the cursor: the walk must still reach it).
      await createConversation(db(), ctx.tenantId);
      lateButOld.push((await createConversation(db(), ctx.tenantId, { lastMessageAt: at(-pages) })).id);
    } while (cursor);
    const ids = seen.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of existing) expect(ids).toContain(id);
    // All but the one created after the last page.
    expect(ids.filter((id) => lateButOld.includes(id))).toEqual(lateButOld.slice(0, -1));
    const rows = await db()
      .select({ id: conversations.id, t: exactTime(conversations.lastMessageAt) })
      .from(conversations)
      .where(inArray(conversations.id, ids));
    const keyOf = new Map(rows.map((r) => [r.id, `${r.t} ${r.id}`]));
    const keys = ids.map((id) => keyOf.get(id)!);
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it('keeps microsecond timestamps apart across pages', async () => {
    // Database-made timestamps (now()) carry microseconds a JS Date would round away.
    const made: string[] = [];
    for (let i = 0; i < 6; i++) made.push((await createConversation(db(), ctx.tenantId)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/conversations/cursor?limit=1&assignee=unassigned${cursor ? `&cursor=${cursor}` : ''}`,
        token: admin,
      });
      seen.push(...res.json().data.map((c: { id: string }) => c.id));
      cursor = res.json().meta.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of made) expect(seen).toContain(id);
  });

  it('answers 400 for a forged cursor', async () => {
    const res = await t.request({
      method: 'GET',
      url: '/api/v1/conversations/cursor?cursor=bm9wZQ',
      token: admin,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('cursor');
  });
});
