import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { messages } from '../features/messages/messages.table.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { createConversation, createMessage, createTenant, createUser } from '../../test/helpers/factories.js';
import { applyPendingStatuses, applyStatus, normaliseStatus } from './statuses.js';

describe('WhatsApp statuses', () => {
  let database: Database;
  let tenantId: string;
  let conversation: Awaited<ReturnType<typeof createConversation>>;
  let userId: string;
  let n = 0;
  beforeAll(async () => {
    database = await createTestDatabase();
    tenantId = (await createTenant(database.db)).id;
    conversation = await createConversation(database.db, tenantId);
    userId = (await createUser(database.db, tenantId)).id;
  });
  afterAll(async () => {
    await database.close();
  });

  const outbound = async () => {
    const wamid = `wamid.test${++n}`;
    await createMessage(database.db, conversation, {
      senderType: 'user',
      senderUserId: userId,
      whatsappMessageId: wamid,
      whatsappStatus: 'pending',
    });
    return wamid;
  };
  const at = (s: number) => new Date(1_750_000_000_000 + s * 1000);
  const apply = (
    wamid: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    s = 0,
    errors = [] as { code: number; title: string }[],
  ) => applyStatus(database.db, { tenantId, wamid, status, at: at(s), errors });
  const row = async (wamid: string) =>
    (await database.db.select().from(messages).where(eq(messages.whatsappMessageId, wamid)))[0]!;

  it('maps played to read and ignores unknown statuses', () => {
    expect(normaliseStatus('played')).toBe('read');
    expect(normaliseStatus('deleted')).toBeUndefined();
  });

  it('moves forward and fills timestamps', async () => {
    const w = await outbound();
    expect((await apply(w, 'sent', 1)).outcome).toBe('applied');
    expect((await apply(w, 'delivered', 2)).outcome).toBe('applied');
    expect((await apply(w, 'read', 3)).outcome).toBe('applied');
    expect(await row(w)).toMatchObject({
      whatsappStatus: 'read',
      sentAt: at(1),
      deliveredAt: at(2),
      readAt: at(3),
    });
  });

  it('never goes back from read to delivered, and redelivery changes nothing', async () => {
    const w = await outbound();
    await apply(w, 'read', 3);
    expect((await apply(w, 'delivered', 2)).outcome).toBe('stale');
    expect((await apply(w, 'read', 3)).outcome).toBe('stale');
    expect((await row(w)).whatsappStatus).toBe('read');
    expect((await row(w)).deliveredAt).toEqual(at(3));
  });

  it('lets failed follow sent with the error, but not delivered', async () => {
    const w = await outbound();
    await apply(w, 'sent');
    expect((await apply(w, 'failed', 1, [{ code: 131047, title: 'Re-engagement message' }])).outcome).toBe(
      'applied',
    );
    expect((await row(w)).error).toEqual({ code: 131047, title: 'Re-engagement message' });
    const d = await outbound();
    await apply(d, 'delivered');
    expect((await apply(d, 'failed', 1, [{ code: 1, title: 'x' }])).outcome).toBe('stale');
  });

  it('keeps a status for an unknown wamid and applies it, in order, when the message appears', async () => {
    const wamid = 'wamid.later';
    expect((await apply(wamid, 'read', 5)).outcome).toBe('deferred');
    expect((await apply(wamid, 'delivered', 4)).outcome).toBe('deferred');
    expect((await apply(wamid, 'delivered', 4)).outcome).toBe('deferred');
    await createMessage(database.db, conversation, {
      senderType: 'user',
      senderUserId: userId,
      whatsappMessageId: wamid,
      whatsappStatus: 'sent',
    });
    const applied = await applyPendingStatuses(database.db, tenantId, wamid);
    expect(applied).toMatchObject({ whatsappStatus: 'read', deliveredAt: at(4), readAt: at(5) });
    expect(await applyPendingStatuses(database.db, tenantId, wamid)).toBeUndefined();
  });
});
