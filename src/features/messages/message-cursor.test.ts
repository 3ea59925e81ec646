import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createConversation } from '../../../test/helpers/factories.js';
import type { Conversation } from '../conversations/conversations.table.js';
import type { MessageDto } from './messages.schema.js';
import { messages } from './messages.table.js';

interface CursorPage {
  data: MessageDto[];
  meta: { limit: number; next_cursor: string | null };
}

describe('message history cursor', () => {
  let t: TestApp;
  let admin: string;
  let c: Conversation;
  const history: string[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    const tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json()
      .tenant_id;
    c = await createConversation(t.deps.database.db, tenantId);
    const base = Date.now() - 7_200_000;
    // 1,000 messages, two per timestamp, so the id has to break ties.
    for (let chunk = 0; chunk < 4; chunk++) {
      const rows = Array.from({ length: 250 }, (_, j) => {
        const i = chunk * 250 + j;
        return {
          tenantId,
          conversationId: c.id,
          senderType: 'contact' as const,
          body: `message ${i}`,
          createdAt: new Date(base + Math.floor(i / 2) * 1000),
        };
      });
      const inserted = await t.deps.database.db.insert(messages).values(rows).returning({ id: messages.id });
      history.push(...inserted.map((r) => r.id));
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const page = async (query: string) => {
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/messages/conversation/${c.id}/cursor?${query}`,
      token: admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<CursorPage>();
  };
  const sendOne = async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/messages',
      token: admin,
      payload: { conversation_id: c.id, body: 'arrived during the walk' },
    });
    return res.json().id as string;
  };

  /** Walks to the end, inserting a message alongside every page request. */
  async function walk(direction: 'older' | 'newer') {
    const seen: MessageDto[] = [];
    const insertedBefore: string[][] = [];
    const inserted: string[] = [];
    let cursor: string | null = null;
    do {
      insertedBefore.push([...inserted]);
      const [res, id]: [CursorPage, string] = await Promise.all([
        page(`direction=${direction}&limit=200${cursor ? `&cursor=${cursor}` : ''}`),
        sendOne(),
      ]);
      inserted.push(id);
      seen.push(...res.data);
      cursor = res.meta.next_cursor;
    } while (cursor);
    return { seen, insertedBeforeLastPage: insertedBefore.at(-1)! };
  }

  const key = (m: MessageDto) => `${m.created_at} ${m.id}`;

  it('walks older from the newest: every message once, newest first, unaffected by new ones', async () => {
    const { seen } = await walk('older');
    const ids = seen.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const originals = ids.filter((id) => history.includes(id));
    expect(originals).toEqual([...history].reverse());
    const keys = seen.map(key);
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it('walks newer from the oldest: every message once, and reaches the ones that arrived meanwhile', async () => {
    const { seen, insertedBeforeLastPage } = await walk('newer');
    const ids = seen.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 1000)).toEqual(history);
    for (const id of insertedBeforeLastPage) expect(ids).toContain(id);
    const keys = seen.map(key);
    expect(keys).toEqual([...keys].sort());
  });

  it('defaults to 50 newest first and rejects a limit above 200', async () => {
    const first = await page('');
    expect(first.data).toHaveLength(50);
    expect(first.meta.limit).toBe(50);
    expect(first.data[0]!.created_at >= first.data[49]!.created_at).toBe(true);
    const tooMany = await t.request({
      method: 'GET',
      url: `/api/v1/messages/conversation/${c.id}/cursor?limit=201`,
      token: admin,
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('ends with next_cursor null', async () => {
    const all = await page('direction=newer&limit=200');
    expect(all.meta.next_cursor).not.toBeNull();
    let cursor: string | null = all.meta.next_cursor;
    let last = all;
    while (cursor) {
      last = await page(`direction=newer&limit=200&cursor=${cursor}`);
      cursor = last.meta.next_cursor;
    }
    expect(last.meta.next_cursor).toBeNull();
  });
});
