import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, createMessage } from '../../../test/helpers/factories.js';
import { conversations } from '../../features/conversations/conversations.table.js';
import { insertMessage } from '../../features/messages/message-insert.js';
import type { MessageDto } from '../../features/messages/messages.schema.js';
import { DomainEventType } from '../../platform/event-types.js';
import { createOutboundJobs } from './enqueue.js';
import {
  acceptedSends,
  closeWorld,
  answeredWamid,
  bodyOf,
  customerConversation,
  eventually,
  graphSends,
  lastSendTo,
  mediaPart,
  messageReaches,
  messageRow,
  outboundFixture as fixture,
  outboundWorld,
  postMessage,
  storedMedia,
  type OutboundWorld,
  type SendBody,
} from './outbound.test-helpers.js';

/**
 * Meta's example with our ids in it: the recipient's wa_id (digits, API.md), a media id, a wamid,
 * and a message's id as the `biz_opaque_callback_data` Meta echoes in its status webhooks.
 */
function expected(
  name: string,
  ids: { to: string; messageId?: string; mediaId?: string; contextWamid?: string },
): SendBody {
  const body = { recipient_type: 'individual', ...fixture(name), to: ids.to };
  if (ids.mediaId) mediaPart(body, body.type).id = ids.mediaId;
  if (ids.contextWamid) body.context.message_id = ids.contextWamid;
  return ids.messageId ? { ...body, biz_opaque_callback_data: ids.messageId } : body;
}

describe('outbound pipeline (simulator)', () => {
  let w: OutboundWorld;
  const statusEvents: MessageDto[] = [];
  beforeAll(async () => {
    w = await outboundWorld();
    w.t.deps.events.subscribe(DomainEventType.MessageStatus, (e) => {
      statusEvents.push(e.payload as MessageDto);
    });
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  const sent = async (id: string) =>
    (await messageReaches(w, id, 'sent', 'delivered', 'read')).whatsappMessageId!;

  it('stores a message pending, sends it, then follows Meta to delivered and read', async () => {
    const { conversation, waId } = await customerConversation(w);
    const f = fixture('text_preview_url');
    const res = await postMessage(w, { conversation_id: conversation.id, body: f.text.body });
    expect(res.statusCode).toBe(201);
    expect(res.json().whatsapp_status).toBe('pending');
    const id = res.json().id as string;

    const read = await messageReaches(w, id, 'read');
    expect(read.whatsappMessageId).toMatch(/^wamid\./);
    expect(read.deliveredAt).not.toBeNull();
    const accepted = acceptedSends(w).filter((r) => bodyOf(r).to === waId);
    expect(accepted.map((r) => r.body)).toEqual([expected('text_preview_url', { to: waId, messageId: id })]);
    expect(answeredWamid(accepted[0]!)).toBe(read.whatsappMessageId);
    await eventually(async () => statusEvents.some((m) => m.id === id && m.whatsapp_status === 'read'));
    expect(statusEvents.filter((m) => m.id === id)[0]).toMatchObject({
      whatsapp_status: expect.stringMatching(/^(sent|delivered|read)$/),
      whatsapp_message_id: read.whatsappMessageId,
    });
  });

  it('never sends a private note', async () => {
    const { conversation, waId } = await customerConversation(w);
    const note = await postMessage(w, { conversation_id: conversation.id, body: 'internal', private: true });
    expect(note.json()).toMatchObject({ private: true, whatsapp_status: null });
    const after = await postMessage(w, { conversation_id: conversation.id, body: 'public' });
    await sent(after.json().id);
    expect(
      graphSends(w)
        .filter((r) => bodyOf(r).to === waId)
        .map((r) => bodyOf(r).text),
    ).toEqual([{ body: 'public' }]);
    expect((await messageRow(w, note.json().id)).whatsappStatus).toBeNull();
  });

  it.each([
    ['image_by_id', 'image', null, 'The best succulent ever?'],
    ['video_by_id', 'video', null, 'A succulent eclipse!'],
    ['audio_voice_by_id', 'audio', null, undefined],
    ['document_by_id', 'document', 'order_abc123.pdf', 'Your order confirmation (PDF)'],
    ['sticker_by_id', 'sticker', null, undefined],
  ] as const)(
    '%s: uploads the file to Meta first, then sends it by id',
    async (name, kind, filename, caption) => {
      const { conversation, waId } = await customerConversation(w);
      const { media, sample } = await storedMedia(w, kind, filename);
      const res = await postMessage(w, {
        conversation_id: conversation.id,
        attachment_ids: [media.id],
        ...(caption ? { body: caption } : {}),
      });
      expect(res.statusCode).toBe(201);
      await sent(res.json().id);

      const upload = w.t.simulator.requests
        .list(w.number.phone_number_id, 'media_upload')
        .find((r) => (r.body as { file?: { size: number } }).file?.size === sample.bytes.length)!;
      expect(upload.body).toMatchObject({
        messaging_product: 'whatsapp',
        type: sample.mimeType,
        // The part's type is the bare MIME type; `type` keeps its parameters (codecs=opus).
        file: { mime_type: sample.mimeType.split(';')[0], size: sample.bytes.length },
      });
      const mediaId = (upload.response as { id: string }).id;
      expect(lastSendTo(w, waId)).toEqual(expected(name, { to: waId, mediaId, messageId: res.json().id }));
    },
  );

  it('refuses two files in one WhatsApp message (400), storing nothing', async () => {
    const { conversation } = await customerConversation(w);
    const files = await Promise.all([storedMedia(w, 'image'), storedMedia(w, 'image')]);
    const res = await postMessage(w, {
      conversation_id: conversation.id,
      attachment_ids: files.map((f) => f.media.id),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('attachment_ids');
  });

  it('quotes the message it replies to by its wamid', async () => {
    const { conversation, waId } = await customerConversation(w);
    const wamid = 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA=';
    const quoted = await createMessage(w.t.deps.database.db, conversation, { whatsappMessageId: wamid });
    const f = fixture('reply_with_context');
    const res = await postMessage(w, {
      conversation_id: conversation.id,
      body: f.text.body,
      reply_to_id: quoted.id,
    });
    await sent(res.json().id);
    expect(lastSendTo(w, waId)).toEqual(
      expected('reply_with_context', { to: waId, contextWamid: wamid, messageId: res.json().id }),
    );
  });

  it.each(['interactive_reply_buttons', 'interactive_list'])('sends %s as composed', async (name) => {
    const { conversation, waId } = await customerConversation(w);
    const res = await postMessage(w, {
      conversation_id: conversation.id,
      interactive: fixture(name).interactive,
    });
    await sent(res.json().id);
    expect(lastSendTo(w, waId)).toEqual(expected(name, { to: waId, messageId: res.json().id }));
  });

  it('refuses a free-form message outside the 24-hour window; a template with parameters still goes', async () => {
    const { conversation, waId } = await customerConversation(
      w,
      {},
      { windowExpiresAt: new Date(Date.now() - 1) },
    );
    const late = await postMessage(w, { conversation_id: conversation.id, body: 'too late' });
    expect(late.statusCode).toBe(422);
    expect(late.json().code).toBe('WINDOW_CLOSED');
    const name = 'template_header_body_quick_reply_buttons';
    const res = await postMessage(w, { conversation_id: conversation.id, template: fixture(name).template });
    expect(res.statusCode).toBe(201);
    await sent(res.json().id);
    expect(lastSendTo(w, waId)).toEqual(expected(name, { to: waId, messageId: res.json().id }));
    expect(graphSends(w).filter((r) => bodyOf(r).to === waId)).toHaveLength(1);
  });

  it.each(['location', 'contacts'] as const)("sends a bot's %s", async (name) => {
    const { conversation, waId } = await customerConversation(w);
    const db = w.t.deps.database.db;
    const bot = await createBot(db, w.tenantId);
    const f = fixture(name);
    const inserted = await db.transaction(async (tx) => {
      const [locked] = await tx
        .select()
        .from(conversations)
        .where(eq(conversations.id, conversation.id))
        .for('update');
      return insertMessage(
        tx,
        locked!,
        {
          senderType: 'bot',
          senderBotId: bot.id,
          type: name,
          content: { [name]: f[name] },
          enqueueSend: createOutboundJobs(w.t.deps.queue).message,
        },
        [],
      );
    });
    expect(inserted!.message.whatsapp_status).toBe('pending');
    await sent(inserted!.message.id);
    expect(lastSendTo(w, waId)).toEqual(expected(name, { to: waId, messageId: inserted!.message.id }));
  });

  it('addresses a username-only contact by its business-scoped user id', async () => {
    const bsuid = 'US.13491208655302741918';
    const { conversation } = await customerConversation(w, {
      externalId: bsuid,
      whatsappUserId: bsuid,
      phoneNumber: null,
    });
    const res = await postMessage(w, { conversation_id: conversation.id, body: 'hello' });
    await sent(res.json().id);
    const body = acceptedSends(w)
      .map(bodyOf)
      .find((b) => b.recipient === bsuid);
    expect(body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: bsuid,
      type: 'text',
      text: { body: 'hello' },
      biz_opaque_callback_data: res.json().id,
    });
  });

  it("sends an agent's reaction, and its removal as an empty emoji", async () => {
    const { conversation, waId } = await customerConversation(w);
    const wamid = 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQUZCMTY0MDc2MUYwNzBDNTY5MAA=';
    const target = await createMessage(w.t.deps.database.db, conversation, { whatsappMessageId: wamid });
    const reactions = () =>
      acceptedSends(w)
        .map(bodyOf)
        .filter((b) => b.to === waId && b.type === 'reaction');
    const add = await w.t.request({
      method: 'POST',
      url: `/api/v1/messages/${target.id}/reactions`,
      token: w.admin,
      payload: { emoji: '😀' },
    });
    expect(add.statusCode).toBe(201);
    await eventually(async () => reactions().length === 1);
    expect(reactions()[0]).toEqual(expected('reaction', { to: waId }));

    const remove = await w.t.request({
      method: 'DELETE',
      url: `/api/v1/messages/${target.id}/reactions/${encodeURIComponent('😀')}`,
      token: w.admin,
    });
    expect(remove.statusCode).toBe(200);
    await eventually(async () => reactions().length === 2);
    expect(reactions()[1]!.reaction).toEqual({ message_id: wamid, emoji: '' });
  });
});
