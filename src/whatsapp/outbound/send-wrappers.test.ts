import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNumber, registerTenant } from '../../../test/helpers/listening-app.js';
import { contacts } from '../../features/contacts/contacts.table.js';
import { messages } from '../../features/messages/messages.table.js';
import {
  customerConversation,
  lastSendTo,
  messageReaches,
  outboundWorld,
  storedMedia,
  type OutboundWorld,
  closeWorld,
} from './outbound.test-helpers.js';

describe('send-message and send-media wrappers', () => {
  let w: OutboundWorld;
  beforeAll(async () => {
    w = await outboundWorld();
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  /** `token: null` sends no token at all. */
  const wrapper = (kind: 'send-message' | 'send-media', payload: object, token: string | null = w.admin) =>
    w.t.request({
      method: 'POST',
      url: `/api/v1/meta-whatsapp/webhook/${kind}`,
      ...(token ? { token } : {}),
      payload,
    });

  it('send-message to a conversation: 201 with the pending message, which is then sent', async () => {
    const { conversation, waId } = await customerConversation(w);
    const res = await wrapper('send-message', { conversation_id: conversation.id, text: 'Hi there' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      conversation_id: conversation.id,
      sender_type: 'user',
      type: 'text',
      body: 'Hi there',
      whatsapp_status: 'pending',
    });
    await messageReaches(w, res.json().id, 'sent', 'delivered', 'read');
    expect(lastSendTo(w, waId)).toMatchObject({ to: waId, type: 'text', text: { body: 'Hi there' } });
  });

  it('send-message to a phone number finds its conversation on the only WhatsApp number', async () => {
    const { conversation, waId } = await customerConversation(w);
    const res = await wrapper('send-message', { to: `+34 ${waId.slice(2)}`, text: 'By number' });
    expect(res.statusCode).toBe(201);
    expect(res.json().conversation_id).toBe(conversation.id);
  });

  it('answers 422 WINDOW_CLOSED for a number that never wrote, and creates nothing', async () => {
    const db = w.t.deps.database.db;
    const [before] = await db.select({ n: count() }).from(contacts).where(eq(contacts.tenantId, w.tenantId));
    const res = await wrapper('send-message', { to: '+34699000111', text: 'Cold message' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('WINDOW_CLOSED');
    const [after] = await db.select({ n: count() }).from(contacts).where(eq(contacts.tenantId, w.tenantId));
    expect(after!.n).toBe(before!.n);
  });

  it("answers an agent's `to` for a customer of another agent's conversation like a number that never wrote", async () => {
    const owner = await w.t.createUser('agent');
    const agent = await w.t.createUser('agent');
    const { conversation, waId } = await customerConversation(
      w,
      {},
      { assignedUserId: owner.id, status: 'active' },
    );
    const res = await wrapper('send-message', { to: `+${waId}`, text: 'Peeking' }, agent.token);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('WINDOW_CLOSED');
    const db = w.t.deps.database.db;
    const [stored] = await db
      .select({ n: count() })
      .from(messages)
      .where(eq(messages.conversationId, conversation.id));
    expect(stored!.n).toBe(0);
  });

  it('send-media sends an uploaded file with its caption', async () => {
    const { conversation, waId } = await customerConversation(w);
    const { media } = await storedMedia(w, 'image');
    const res = await wrapper('send-media', {
      conversation_id: conversation.id,
      attachment_id: media.id,
      caption: 'Your receipt',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      type: 'image',
      body: 'Your receipt',
      attachments: [{ kind: 'image' }],
    });
    await messageReaches(w, res.json().id, 'sent', 'delivered', 'read');
    expect(lastSendTo(w, waId)).toMatchObject({
      type: 'image',
      image: { id: expect.stringMatching(/^\d+$/), caption: 'Your receipt' },
    });
  });

  it('validates the addressing', async () => {
    const { conversation, waId } = await customerConversation(w);
    for (const [payload, field] of [
      [{ text: 'x' }, 'conversation_id'],
      [{ conversation_id: conversation.id, to: `+${waId}`, text: 'x' }, 'conversation_id'],
      [{ conversation_id: conversation.id, integration_id: w.integrationId, text: 'x' }, 'integration_id'],
      [{ to: 'not a number', text: 'x' }, 'to'],
      [{ conversation_id: conversation.id, text: 'x', extra: 1 }, 'extra'],
    ] as const) {
      const res = await wrapper('send-message', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('needs integration_id with `to` when the tenant has several WhatsApp numbers', async () => {
    const token = await registerTenant(w.t, 'Twonumbers');
    await connectNumber(w.t, token);
    await connectNumber(w.t, token);
    const res = await wrapper('send-message', { to: '+34699000222', text: 'x' }, token);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('integration_id');
  });

  it("is authenticated and never reaches another tenant's conversation", async () => {
    const { conversation } = await customerConversation(w);
    expect(
      (await wrapper('send-message', { conversation_id: conversation.id, text: 'x' }, null)).statusCode,
    ).toBe(401);
    const stranger = await registerTenant(w.t, 'Strangers');
    const res = await wrapper('send-message', { conversation_id: conversation.id, text: 'x' }, stranger);
    expect(res.statusCode).toBe(404);
  });
});
