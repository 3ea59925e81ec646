import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import type { Database } from '../../db/client.js';
import { webhookEvents } from '../../features/webhooks/webhooks.table.js';
import { WhatsappQueue } from '../queues.js';
import {
  connectFixtureNumbers,
  envelope,
  eventually,
  inboundMessage,
  postWebhook,
  queries,
  settled,
  statusWebhook,
  textWebhook,
  type Sender,
} from './inbound.test-helpers.js';
import { startWebhookWorker } from './inbound-workers.js';
import { requeueStuckEvents } from './recovery.js';

const ANA: Sender = { from: '34612345678', name: 'Ana' };

const twoMessages = (first: string, second: string, bodies = ['one', 'two']) =>
  envelope({
    contacts: [{ profile: { name: 'Ana' }, wa_id: ANA.from }],
    messages: [
      inboundMessage(ANA, { wamid: first, text: { body: bodies[0] } }),
      inboundMessage(ANA, { wamid: second, text: { body: bodies[1] } }),
    ],
  });

const jobsOf = (t: TestApp, eventId: string) =>
  t.deps.queue.boss.findJobs(WhatsappQueue.Webhook, { key: eventId });

describe('surviving a restart: nothing is lost, nothing is processed twice', () => {
  let database: Database;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await database.db.execute(sql`truncate contacts, webhook_events, whatsapp_integrations cascade`);
  });
  afterAll(async () => {
    await database.close();
  });
  const start = async () => {
    const app = await createTestApp({}, { database });
    apps.push(app);
    return app;
  };

  it('processes every event exactly once in a new app when the worker stopped between intake and processing', async () => {
    const first = await start();
    const w = await connectFixtureNumbers(first);
    await first.deps.queue.offWork(WhatsappQueue.Webhook);
    await postWebhook(first, textWebhook(ANA, 'wamid.k-1', 'before the crash'));
    await postWebhook(first, textWebhook(ANA, 'wamid.k-1', 'before the crash'));
    await postWebhook(first, twoMessages('wamid.k-2', 'wamid.k-3'));
    await postWebhook(first, statusWebhook('wamid.k-unknown', 'delivered'));
    expect((await queries(first, w.tenantId).events()).map((e) => e.status)).toEqual(
      Array(4).fill('received'),
    );
    await first.close();
    apps.splice(0);

    const second = await start();
    await settled(second);
    const q = queries(second, w.tenantId);
    // Sorted: the events are processed in parallel, and Meta's timestamps (seconds) tie.
    expect((await q.messages()).map((m) => m.whatsappMessageId).sort()).toEqual([
      'wamid.k-1',
      'wamid.k-2',
      'wamid.k-3',
    ]);
    expect(await q.contacts()).toHaveLength(1);
    expect((await q.events()).map((e) => [e.status, e.attempts])).toEqual(Array(4).fill(['processed', 1]));
  });

  it('re-enqueues at start-up an event left processing by a dead worker whose job is gone, without duplicates', async () => {
    const first = await start();
    const w = await connectFixtureNumbers(first);
    // The dead worker had stored the first message of the batch before it died.
    await postWebhook(first, textWebhook(ANA, 'wamid.d-1', 'one'));
    await settled(first);
    await first.deps.queue.offWork(WhatsappQueue.Webhook);
    await postWebhook(first, twoMessages('wamid.d-1', 'wamid.d-2'));
    const q = queries(first, w.tenantId);
    const stuck = (await q.events()).find((e) => e.status === 'received')!;
    await first.deps.queue.boss.deleteJob(
      WhatsappQueue.Webhook,
      (await jobsOf(first, stuck.id)).map((j) => j.id),
    );
    await database.db
      .update(webhookEvents)
      .set({ status: 'processing', attempts: 1, receivedAt: new Date(Date.now() - 30 * 60_000) })
      .where(eq(webhookEvents.id, stuck.id));
    await first.close();
    apps.splice(0);

    const second = await start();
    await settled(second);
    const after = queries(second, w.tenantId);
    expect((await after.messages()).map((m) => m.whatsappMessageId)).toEqual(['wamid.d-1', 'wamid.d-2']);
    expect((await after.events()).find((e) => e.id === stuck.id)).toMatchObject({
      status: 'processed',
      attempts: 2,
    });
  });

  it('leaves to pg-boss an old event whose job still waits, and re-enqueues only lost ones', async () => {
    const app = await start();
    await connectFixtureNumbers(app);
    await app.deps.queue.offWork(WhatsappQueue.Webhook);
    await postWebhook(app, textWebhook(ANA, 'wamid.s-1', 'waiting'));
    await postWebhook(app, textWebhook(ANA, 'wamid.s-2', 'lost'));
    const [waiting, lost] = await database.db.select().from(webhookEvents).orderBy(webhookEvents.receivedAt);
    await app.deps.queue.boss.deleteJob(
      WhatsappQueue.Webhook,
      (await jobsOf(app, lost!.id)).map((j) => j.id),
    );
    const later = new Date(Date.now() + 60 * 60_000);
    expect(await requeueStuckEvents(database.db, app.deps.queue, 5 * 60_000, later)).toBe(1);
    expect(await requeueStuckEvents(database.db, app.deps.queue, 5 * 60_000, later)).toBe(0);
    expect(await jobsOf(app, waiting!.id)).toHaveLength(1);
    expect(await jobsOf(app, lost!.id)).toHaveLength(1);
  });
});

describe('poison events: retried, parked as failed, replayed once fixed', () => {
  let t: TestApp;
  let admin: string;
  let q: ReturnType<typeof queries>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    const w = await connectFixtureNumbers(t);
    q = queries(t, w.tenantId);
    // The same worker with a small attempt budget, so the test does not wait for ten backoffs.
    await t.deps.queue.offWork(WhatsappQueue.Webhook);
    await startWebhookWorker(t.deps, { maxAttempts: 2 });
    // A bug that makes one message impossible to store, until it is fixed.
    await t.deps.database.db.execute(sql`
      create function reject_poison() returns trigger language plpgsql as $$
      begin
        if new.body = 'poison' then raise exception 'poisoned message'; end if;
        return new;
      end $$`);
    await t.deps.database.db.execute(sql`
      create trigger reject_poison before insert on messages
      for each row execute function reject_poison()`);
  });
  afterAll(async () => {
    await t.close();
  });

  it('parks the event as failed after its attempts while other events go through, then replays it', async () => {
    await postWebhook(t, twoMessages('wamid.p-1', 'wamid.p-2', ['fine', 'poison']));
    await postWebhook(t, textWebhook(ANA, 'wamid.p-3', 'unrelated'));
    const failed = await eventually(async () => (await q.events()).find((e) => e.status === 'failed'));
    expect(failed).toMatchObject({ attempts: 2 });
    expect(failed.lastError).toContain('poisoned message');
    expect((await q.messages()).map((m) => m.body).sort()).toEqual(['fine', 'unrelated']);

    const list = await t.request({
      method: 'GET',
      url: '/api/v1/webhook-events?status=failed',
      token: admin,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([
      expect.objectContaining({ id: failed.id, status: 'failed', attempts: 2, last_error: failed.lastError }),
    ]);

    await t.deps.database.db.execute(sql`drop trigger reject_poison on messages`);
    const replay = await t.request({
      method: 'POST',
      url: `/api/v1/webhook-events/${failed.id}/replay`,
      token: admin,
    });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ id: failed.id, status: 'received', attempts: 0, last_error: null });
    await settled(t);
    expect((await q.events()).find((e) => e.id === failed.id)).toMatchObject({
      status: 'processed',
      attempts: 1,
    });
    expect((await q.messages()).map((m) => m.body).sort()).toEqual(['fine', 'poison', 'unrelated']);
  });
});
