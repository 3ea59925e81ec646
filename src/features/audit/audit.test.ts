import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import type { RequestContext } from '../../http/context.js';
import { created, registerOtherTenant } from '../catalog/crud.test-helpers.js';
import { recordAudits } from './audit.service.js';

type Item = { id: string; action: string; entity_type: string; entity_id: string | null; created_at: string };
type Page = { data: Item[]; meta: { limit: number; next_cursor: string | null } };

describe('GET /audit-logs', () => {
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
      permissions: new Set(),
      requestId: 'bulk',
      ip: '127.0.0.1',
    };
  });
  afterAll(async () => {
    await t.close();
  });

  const page = async (query: string, token = admin) => {
    const res = await t.request({ method: 'GET', url: `/api/v1/audit-logs?${query}`, token });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Page>();
  };

  /** Follows next_cursor to the end, calling `between` after each page. */
  async function walk(query: string, between: () => Promise<unknown> = async () => undefined) {
    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const body: Page = await page(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.data);
      cursor = body.meta.next_cursor;
      await between();
    } while (cursor);
    return seen;
  }

  it('answers items with the documented shape, including ip and request id', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/tags',
      token: admin,
      payload: { name: 'audited' },
      headers: { 'x-request-id': 'req-audit-1' },
    });
    const body = await page(`entity_id=${res.json().id}`);
    expect(body.data).toEqual([
      {
        id: expect.any(String),
        actor_user_id: ctx.userId,
        action: 'create',
        entity_type: 'tag',
        entity_id: res.json().id,
        changes: { name: 'audited' },
        ip: expect.any(String),
        request_id: 'req-audit-1',
        created_at: expect.any(String),
      },
    ]);
    expect(body.meta).toEqual({ limit: 50, next_cursor: null });
  });

  it('filters by actor, entity type, entity id, action and time range', async () => {
    const supervisor = await t.createUser('supervisor');
    const tag = await created(t, '/api/v1/tags', supervisor.token, { name: 'by supervisor' });
    await t.request({
      method: 'PATCH',
      url: `/api/v1/tags/${tag.id}`,
      token: supervisor.token,
      payload: { color: 'red' },
    });
    const byActor = await page(`actor_user_id=${supervisor.id}`);
    expect(byActor.data.map((i) => i.action)).toEqual(['update', 'create']);
    expect((await page(`entity_id=${tag.id}&action=update`)).data).toHaveLength(1);
    const tagsOnly = await page('entity_type=tag&limit=200');
    expect(tagsOnly.data.every((i) => i.entity_type === 'tag')).toBe(true);
    const created_at = byActor.data[1]!.created_at;
    expect((await page(`actor_user_id=${supervisor.id}&to=${created_at}`)).data).toEqual([]);
    expect((await page(`actor_user_id=${supervisor.id}&from=${created_at}`)).data).toHaveLength(2);
    expect((await page(`actor_user_id=${supervisor.id}&from=2999-01-01T00:00:00Z`)).data).toEqual([]);
  });

  it('walks newest first with a keyset cursor: no duplicates or gaps while rows are being added', async () => {
    for (let i = 0; i < 20; i++) await created(t, '/api/v1/servers', admin, { name: `walk ${i}` });
    const expected = (await page('entity_type=server&limit=200')).data.map((i) => i.id);
    let n = 0;
    const seen = await walk('entity_type=server&limit=6', () =>
      created(t, '/api/v1/servers', admin, { name: `inserted meanwhile ${++n}` }),
    );
    expect(seen.map((i) => i.id)).toEqual(expected);
    const times = seen.map((i) => i.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('pages through rows that share one timestamp (one bulk transaction) without losing any', async () => {
    const entries = Array.from({ length: 25 }, () => ({ action: 'bulk', entityType: 'probe' }));
    await t.deps.database.db.transaction((tx) => recordAudits(tx, ctx, entries));
    const all = await page('action=bulk&limit=200');
    expect(new Set(all.data.map((i) => i.created_at)).size).toBe(1);
    const seen = await walk('action=bulk&limit=4');
    expect(seen.map((i) => i.id)).toEqual(all.data.map((i) => i.id));
    expect(new Set(seen.map((i) => i.id)).size).toBe(25);
  });

  it('answers 400 for a forged cursor or a limit above 200', async () => {
    for (const query of ['cursor=not-a-cursor', 'limit=201', 'from=yesterday']) {
      const res = await t.request({ method: 'GET', url: `/api/v1/audit-logs?${query}`, token: admin });
      expect(res.statusCode, query).toBe(400);
    }
  });

  it('is for holders of audit:read only (admins by default)', async () => {
    for (const role of ['supervisor', 'agent']) {
      const user = await t.createUser(role);
      const res = await t.request({ method: 'GET', url: '/api/v1/audit-logs', token: user.token });
      expect(res.statusCode, role).toBe(403);
    }
  });

  it("never shows another tenant's rows", async () => {
    const other = await registerOtherTenant(t);
    await created(t, '/api/v1/tags', other, { name: 'their tag' });
    const theirs = await page('limit=200', other);
    expect(theirs.data.map((i) => i.entity_type)).toEqual(['tag']);
    const mine = await page('entity_type=tag&limit=200');
    expect(mine.data.map((i) => i.id)).not.toContain(theirs.data[0]!.id);
  });
});
