import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation, createMessage } from '../../../test/helpers/factories.js';
import { readFixture } from '../../../test/helpers/whatsapp-fixtures.js';
import {
  customerConversation,
  eventually,
  graphSends,
  outboundWorld,
  type OutboundWorld,
  closeWorld,
} from './outbound.test-helpers.js';

type Body = Record<string, unknown>;
let wamids = 0;
const newWamid = () => `wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQz${process.pid}R${++wamids}`;

describe('read receipts (simulator)', () => {
  let w: OutboundWorld;
  beforeAll(async () => {
    w = await outboundWorld();
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  const receipts = () =>
    graphSends(w)
      .map((r) => r.body as Body)
      .filter((b) => b.status === 'read');
  const receiptFor = (wamid: string) =>
    eventually(async () => receipts().find((b) => b.message_id === wamid));

  /** A conversation where the customer wrote twice; returns the newest wamid. */
  async function unread() {
    const { conversation } = await customerConversation(w);
    const db = w.t.deps.database.db;
    const newest = newWamid();
    await createMessage(db, conversation, {
      whatsappMessageId: newWamid(),
      createdAt: new Date(Date.now() - 60_000),
    });
    await createMessage(db, conversation, {
      whatsappMessageId: newest,
      createdAt: new Date(Date.now() - 1_000),
    });
    return { conversation, newest };
  }

  it("PATCH /conversations/:id/read sends one receipt for the newest inbound message, in Meta's shape", async () => {
    const { conversation, newest } = await unread();
    const res = await w.t.request({
      method: 'PATCH',
      url: `/api/v1/conversations/${conversation.id}/read`,
      token: w.admin,
    });
    expect(res.statusCode).toBe(200);
    expect(await receiptFor(newest)).toEqual({
      ...(readFixture('outbound/mark_as_read.json') as Body),
      message_id: newest,
    });
  });

  it('reading again sends nothing new; a newer inbound message gets its own receipt', async () => {
    const { conversation, newest } = await unread();
    const read = () =>
      w.t.request({
        method: 'PATCH',
        url: `/api/v1/messages/conversation/${conversation.id}/mark-as-read`,
        token: w.admin,
      });
    expect((await read()).json()).toEqual({ updated: 2 });
    await receiptFor(newest);
    expect((await read()).json()).toEqual({ updated: 0 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receipts().filter((b) => b.message_id === newest)).toHaveLength(1);

    const later = newWamid();
    await createMessage(w.t.deps.database.db, conversation, { whatsappMessageId: later });
    await read();
    await receiptFor(later);
  });

  it('PATCH /messages/mark-as-read sends the receipt of each conversation it touched', async () => {
    const { conversation, newest } = await unread();
    const [first] = await w.t.deps.database.db.query.messages.findMany({
      where: (m, { eq }) => eq(m.conversationId, conversation.id),
      limit: 1,
    });
    const res = await w.t.request({
      method: 'PATCH',
      url: '/api/v1/messages/mark-as-read',
      token: w.admin,
      payload: { message_ids: [first!.id] },
    });
    expect(res.json()).toEqual({ updated: 1 });
    await receiptFor(newest);
  });

  it('sends nothing for a conversation that is not on WhatsApp', async () => {
    const db = w.t.deps.database.db;
    const local = await createConversation(db, w.tenantId);
    await createMessage(db, local, { whatsappMessageId: null });
    const before = receipts().length;
    await w.t.request({ method: 'PATCH', url: `/api/v1/conversations/${local.id}/read`, token: w.admin });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receipts()).toHaveLength(before);
  });
});
