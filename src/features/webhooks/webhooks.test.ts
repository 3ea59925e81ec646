import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { registerTenant } from '../../../test/helpers/listening-app.js';
import {
  connectFixtureNumbers,
  deliver,
  envelope,
  FIXTURE_NUMBER,
  postWebhook,
  queries,
  resetInbound,
  eventually,
  settled,
  statusWebhook,
  textWebhook,
  type InboundWorld,
} from '../../whatsapp/inbound/inbound.test-helpers.js';
import { auditLogs } from '../audit/audit.table.js';
import { WEBHOOK_RETENTION_QUEUE } from './webhooks-retention.js';
import { webhookEvents, type NewWebhookEvent } from './webhooks.table.js';

const ANA = { from: '34612345678', name: 'Ana' };
const LIST = '/api/v1/webhook-events';
/** Signs events of numbers no integration knows (API.md: kept as unmatched only when verified). */
const DEPLOYMENT_SECRET = 'deployment_app_secret';
const replayUrl = (id: string) => `/api/v1/webhook-events/${id}/replay`;

describe('webhook events: the dead-letter list and replay', () => {
  let t: TestApp;
  let w: InboundWorld;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ WHATSAPP_APP_SECRET: DEPLOYMENT_SECRET });
    admin = await t.adminToken();
    w = await connectFixtureNumbers(t);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await resetInbound(t);
  });

  const list = (query = '', token = admin) => t.request({ method: 'GET', url: `${LIST}${query}`, token });
  const replay = (id: string, token = admin) => t.request({ method: 'POST', url: replayUrl(id), token });
  const eventIds = async () => (await queries(t, w.tenantId).events()).map((e) => e.id);

  it('lists the tenant’s events newest first with their processing state', async () => {
    await deliver(t, textWebhook(ANA, 'wamid.l-1', 'hola'));
    await deliver(t, statusWebhook('wamid.l-unknown', 'read'));
    const res = await list();
    expect(res.statusCode).toBe(200);
    const [newest, oldest] = res.json().data;
    expect(Object.keys(newest).sort()).toEqual(
      ['attempts', 'id', 'last_error', 'phone_number_id', 'processed_at', 'received_at', 'status'].sort(),
    );
    expect(oldest).toMatchObject({
      status: 'processed',
      attempts: 1,
      last_error: null,
      phone_number_id: '106540352242922',
      received_at: expect.any(String),
      processed_at: expect.any(String),
    });
    expect(new Date(newest.received_at) >= new Date(oldest.received_at)).toBe(true);
    expect(res.json().meta).toEqual({ page: 1, limit: 20, total: 2, total_pages: 1 });
  });

  it('includes Meta’s payload when asked', async () => {
    const payload = textWebhook(ANA, 'wamid.l-2', 'hola');
    await deliver(t, payload);
    const [event] = (await list('?include_payload=true')).json().data;
    expect(event.payload).toEqual(payload);
  });

  it('filters by status and pages', async () => {
    await deliver(t, textWebhook(ANA, 'wamid.l-3', 'one'));
    await deliver(t, textWebhook(ANA, 'wamid.l-4', 'two'));
    const [id] = await eventIds();
    await t.deps.database.db.update(webhookEvents).set({ status: 'failed' }).where(eq(webhookEvents.id, id!));
    expect((await list('?status=failed')).json().data.map((e: { id: string }) => e.id)).toEqual([id]);
    const page = (await list('?status=processed&limit=1&page=1')).json();
    expect(page.meta).toEqual({ page: 1, limit: 1, total: 1, total_pages: 1 });
  });

  it('answers 400 for an unknown status or a limit above 100', async () => {
    for (const query of ['?status=unmatched', '?status=bogus', '?limit=101']) {
      const res = await list(query);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_ERROR');
    }
  });

  it('shows events of unknown numbers to nobody', async () => {
    await postWebhook(
      t,
      envelope({ statuses: [] }, { ...FIXTURE_NUMBER, phone_number_id: '999000999' }),
      DEPLOYMENT_SECRET,
    );
    const [unmatched] = await t.deps.database.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.status, 'unmatched'));
    expect(unmatched).toBeDefined();
    expect((await list()).json().data).toEqual([]);
    expect((await replay(unmatched!.id)).statusCode).toBe(404);
  });

  it('replays an event: back to received with fresh attempts, processed again without duplicates', async () => {
    await deliver(t, textWebhook(ANA, 'wamid.r-1', 'hola'));
    const [id] = await eventIds();
    const res = await replay(id!);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      status: 'received',
      attempts: 0,
      last_error: null,
      processed_at: null,
    });
    await settled(t);
    const q = queries(t, w.tenantId);
    expect((await q.events()).find((e) => e.id === id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await q.messages()).toHaveLength(1);
    const audit = await t.deps.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityType, 'webhook_event'), eq(auditLogs.entityId, id!)));
    expect(audit).toEqual([expect.objectContaining({ action: 'replay' })]);
  });

  it('answers 404 for an unknown event', async () => {
    expect((await replay(randomUUID())).statusCode).toBe(404);
  });

  it('answers 404 when another tenant replays an event, and lists it to nobody else', async () => {
    await deliver(t, textWebhook(ANA, 'wamid.x-1', 'hola'));
    const [id] = await eventIds();
    const other = await registerTenant(t, `Other${Date.now()}`);
    expect((await replay(id!, other)).statusCode).toBe(404);
    expect((await list('', other)).json().data).toEqual([]);
  });

  it('refuses agents and supervisors (webhooks:manage) with 403', async () => {
    await deliver(t, textWebhook(ANA, 'wamid.a-1', 'hola'));
    const [id] = await eventIds();
    for (const role of ['agent', 'supervisor']) {
      const { token } = await t.createUser(role);
      expect((await list('', token)).statusCode).toBe(403);
      expect((await replay(id!, token)).statusCode).toBe(403);
    }
  });

  const DAY_MS = 86_400_000;
  const insertEvents = (rows: Partial<NewWebhookEvent>[]) =>
    t.deps.database.db
      .insert(webhookEvents)
      .values(
        rows.map((r) => ({
          tenantId: w.tenantId,
          integrationId: w.integrationId,
          phoneNumberId: FIXTURE_NUMBER.phone_number_id,
          payload: {},
          rawBody: '{}',
          status: 'processed' as const,
          ...r,
        })),
      )
      .returning();
  const remaining = async () =>
    (
      await t.deps.database.db
        .select({ id: webhookEvents.id, status: webhookEvents.status })
        .from(webhookEvents)
        .orderBy(asc(webhookEvents.receivedAt), asc(webhookEvents.id))
    ).map((e) => e.status);

  it('purges processed and unmatched events after WEBHOOK_EVENT_RETENTION_DAYS on a schedule, keeping failed and recent ones', async () => {
    const schedules = await t.deps.queue.boss.getSchedules();
    expect(schedules.map((s) => s.name)).toContain(WEBHOOK_RETENTION_QUEUE);
    const old = new Date(Date.now() - 31 * DAY_MS);
    const recent = new Date(Date.now() - 29 * DAY_MS);
    // More than one purge batch of old processed events.
    await insertEvents(Array.from({ length: 1_100 }, () => ({ receivedAt: old })));
    await insertEvents([
      { receivedAt: new Date(old.getTime() + 1), status: 'unmatched', tenantId: null, integrationId: null },
      { receivedAt: new Date(old.getTime() + 2), status: 'failed', lastError: 'boom' },
      { receivedAt: recent, status: 'processed' },
      {
        receivedAt: new Date(recent.getTime() + 1),
        status: 'unmatched',
        tenantId: null,
        integrationId: null,
      },
    ]);
    await t.deps.queue.send(WEBHOOK_RETENTION_QUEUE, {});
    await eventually(async () => (await remaining()).length === 3);
    expect(await remaining()).toEqual(['failed', 'processed', 'unmatched']);
  });

  const discard = (id: string, token = admin) => t.request({ method: 'DELETE', url: `${LIST}/${id}`, token });

  it('discards a failed or processed event (204, audited); a second discard is 404', async () => {
    const [failed, processed] = await insertEvents([{ status: 'failed' }, { status: 'processed' }]);
    for (const event of [failed!, processed!]) {
      const res = await discard(event.id);
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      expect((await discard(event.id)).statusCode).toBe(404);
    }
    expect(await remaining()).toEqual([]);
    const audit = await t.deps.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityType, 'webhook_event'), eq(auditLogs.entityId, failed!.id)));
    expect(audit).toEqual([expect.objectContaining({ action: 'delete' })]);
  });

  it('answers 409 CONFLICT for an event still being processed and keeps it', async () => {
    for (const status of ['received', 'processing'] as const) {
      const [event] = await insertEvents([{ status }]);
      const res = await discard(event!.id);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('CONFLICT');
    }
    expect(await remaining()).toEqual(['received', 'processing']);
  });

  it("answers 404 for another tenant's or an unmatched event, 403 for agents and supervisors", async () => {
    const [mine, unmatched] = await insertEvents([
      { status: 'failed' },
      { status: 'unmatched', tenantId: null, integrationId: null },
    ]);
    const other = await registerTenant(t, `Discard${Date.now()}`);
    expect((await discard(mine!.id, other)).statusCode).toBe(404);
    expect((await discard(unmatched!.id)).statusCode).toBe(404);
    expect((await discard(randomUUID())).statusCode).toBe(404);
    for (const role of ['agent', 'supervisor']) {
      const { token } = await t.createUser(role);
      expect((await discard(mine!.id, token)).statusCode).toBe(403);
    }
    expect(await remaining()).toEqual(['failed', 'unmatched']);
  });
});
