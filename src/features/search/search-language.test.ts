import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createConversation, createMessage } from '../../../test/helpers/factories.js';

describe('search with a configured language (SEARCH_TS_CONFIG=english)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ SEARCH_TS_CONFIG: 'english' });
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  it('matches word forms through stemming', async () => {
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin });
    const conversation = await createConversation(t.deps.database.db, me.json().tenant_id);
    await createMessage(t.deps.database.db, conversation, { body: 'I asked for a refund twice' });
    const res = await t.request({ method: 'GET', url: '/api/v1/search?q=refunds', token: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((h: { body?: string }) => h.body)).toContain('I asked for a refund twice');
  });

  it('creates an index for that language at start-up', async () => {
    const res = await t.deps.database.db.execute(
      sql`select indexname from pg_indexes where tablename = 'messages' and indexname = 'messages_search_english_idx'`,
    );
    expect((res as { rows: unknown[] }).rows).toHaveLength(1);
  });
});
