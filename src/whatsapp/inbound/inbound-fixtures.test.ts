import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createContact } from '../../../test/helpers/factories.js';
import { inboundFixtureNames, readFixture } from '../../../test/helpers/whatsapp-fixtures.js';
import { messageReactions } from '../../features/messages/messages.table.js';
import { messageTemplates } from '../../features/templates/templates.table.js';
import { WhatsappQueue } from '../queues.js';
import {
  BUSINESS_WAMID,
  businessMessage,
  connectFixtureNumbers,
  deliver,
  postFixture,
  queries,
  REACTED_WAMID,
  resetInbound,
  settled,
  SHEENA,
  type InboundWorld,
} from './inbound.test-helpers.js';
import type { MediaFetchJob } from './media-fetch.js';

/** Each message fixture: what lands in `messages` (type, body, keys of content). */
const MESSAGE_FIXTURES: [string, string, string | null, string[]][] = [
  ['text.json', 'text', 'Does it come in another color?', []],
  ['text_reply_context.json', 'text', 'replied text', ['context']],
  ['text_product_inquiry_context.json', 'text', 'Is this still available?', ['context']],
  ['text_referral_ctwa.json', 'text', 'Hello! Can I get more info on this?', ['referral']],
  ['image_with_caption.json', 'image', 'Taj Mahal', ['image']],
  ['audio_voice_note.json', 'audio', null, ['audio']],
  ['video.json', 'video', 'Timelapse of growth', ['video']],
  ['document.json', 'document', 'my receipt', ['document']],
  ['location.json', 'location', 'Philz Coffee, 101 Forest Ave, Palo Alto, CA 94301', ['location']],
  ['contacts.json', 'contacts', 'Lucía Gómez', ['contacts']],
  ['interactive_button_reply.json', 'interactive', 'Cancel', ['interactive', 'context']],
  ['interactive_list_reply.json', 'interactive', 'Priority Mail Express', ['interactive', 'context']],
  ['button_template_quick_reply.json', 'button', 'Unsubscribe', ['button', 'context']],
  ['unsupported_with_errors.json', 'unsupported', null, ['unsupported', 'errors']],
];
/** Business messages of Meta's status samples. */
const V24_WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=';
const FAILED_WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA';
const MEDIA_FIXTURES = ['image_with_caption.json', 'audio_voice_note.json', 'video.json', 'document.json'];

describe('inbound webhook fixtures, signed as Meta signs, processed by the worker', () => {
  let t: TestApp;
  let w: InboundWorld;
  let q: ReturnType<typeof queries>;
  beforeAll(async () => {
    t = await createTestApp();
    // Meta's sample media URLs point at the internet: the downloads are covered against the simulator.
    await t.deps.queue.offWork(WhatsappQueue.MediaFetch);
    w = await connectFixtureNumbers(t);
    q = queries(t, w.tenantId);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await resetInbound(t);
  });

  const mediaJobs = async (messageId: string) =>
    (await t.deps.queue.boss.findJobs<MediaFetchJob>(WhatsappQueue.MediaFetch, { data: { messageId } })).map(
      (j) => j.data,
    );

  it('covers every inbound fixture in this file', () => {
    const covered = [
      ...MESSAGE_FIXTURES.map(([name]) => name),
      'batch_multi_entry_multi_change.json',
      'errors_value_level_130429.json',
      'message_template_status_update_approved.json',
      'message_template_status_update_rejected.json',
      'reaction.json',
      'reaction_removed_empty_emoji.json',
      'status_delivered_cbp.json',
      'status_failed_130472_experiment.json',
      'status_failed_131047_reengagement.json',
      'status_failed_131049.json',
      'status_read_cbp_legacy.json',
      'status_read_v24.json',
      'status_sent_cbp_legacy.json',
      'status_sent_with_conversation_pricing.json',
      'system_user_changed_number.json',
    ];
    expect(covered.sort()).toEqual(inboundFixtureNames());
  });

  it.each(MESSAGE_FIXTURES)(
    '%s becomes a %s message of Sheena Nelson',
    async (name, type, body, contentKeys) => {
      await postFixture(t, name);
      await settled(t);
      const [contact] = await q.contacts();
      expect(contact).toMatchObject({
        name: SHEENA.name,
        externalId: SHEENA.waId,
        phoneNumber: SHEENA.phone,
      });
      const [conversation] = await q.conversations();
      expect(conversation).toMatchObject({
        contactId: contact!.id,
        integrationId: w.integrationId,
        status: 'queue',
      });
      const [message] = await q.messages();
      expect(message).toMatchObject({
        conversationId: conversation!.id,
        senderType: 'contact',
        type,
        body,
        whatsappStatus: null,
      });
      expect(Object.keys(message!.content).sort()).toEqual([...contentKeys].sort());
      expect(conversation).toMatchObject({
        unreadCount: 1,
        lastMessageId: message!.id,
        windowExpiresAt: new Date(message!.createdAt.getTime() + 24 * 3_600_000),
      });
      const [event] = await q.events();
      expect(event).toMatchObject({ status: 'processed', attempts: 1 });
    },
  );

  it('stores the message at the time Meta gives and keeps the whole type object in content', async () => {
    await postFixture(t, 'location.json');
    await settled(t);
    const [message] = await q.messages();
    expect(message!.createdAt.toISOString()).toBe('2025-04-11T04:08:16.000Z');
    const fixture = readFixture('inbound/location.json') as {
      entry: { changes: { value: { messages: { location: unknown }[] } }[] }[];
    };
    expect(message!.content.location).toEqual(fixture.entry[0]!.changes[0]!.value.messages[0]!.location);
  });

  it.each(MEDIA_FIXTURES)(
    '%s queues the download of its media with the webhook url and sha256',
    async (name) => {
      await postFixture(t, name);
      await settled(t);
      const [message] = await q.messages();
      const media = message!.content[message!.type] as { id: string; sha256: string; url?: string };
      expect(await mediaJobs(message!.id)).toEqual([
        expect.objectContaining({
          tenantId: w.tenantId,
          integrationId: w.integrationId,
          mediaId: media.id,
          kind: message!.type,
          sha256: media.sha256,
          url: media.url ?? null,
        }),
      ]);
    },
  );

  it('links a reply to the quoted message when we have it, and keeps the context anyway', async () => {
    const quoted = await businessMessage(t, w, BUSINESS_WAMID);
    await postFixture(t, 'text_reply_context.json');
    await settled(t);
    const reply = (await q.messages()).find((m) => m.senderType === 'contact');
    expect(reply).toMatchObject({ replyToId: quoted.id, content: { context: { id: BUSINESS_WAMID } } });
  });

  it('keeps the errors of an unsupported message on the message and on the event', async () => {
    await postFixture(t, 'unsupported_with_errors.json');
    await settled(t);
    const [message] = await q.messages();
    expect(message!.content).toMatchObject({
      unsupported: { type: 'unsupported', unsupported: { type: 'edit' } },
      errors: [{ code: 131051, title: 'Message type unknown' }],
    });
    const [event] = await q.events();
    expect(event!.lastError).toContain('131051');
  });

  it('keeps a username user’s business-scoped id on the contact', async () => {
    await postFixture(t, 'text_reply_context.json');
    await settled(t);
    const [contact] = await q.contacts();
    expect(contact).toMatchObject({ externalId: SHEENA.waId, whatsappUserId: 'US.13491208655302741918' });
  });

  it('puts a reaction on the message it targets, from the contact', async () => {
    const target = await businessMessage(t, w, REACTED_WAMID);
    await postFixture(t, 'reaction.json');
    await settled(t);
    const [contact] = (await q.contacts()).filter((c) => c.externalId === SHEENA.waId);
    expect(await q.reactions(target.id)).toEqual([
      expect.objectContaining({ emoji: '👍', senderType: 'contact', senderId: contact!.id }),
    ]);
    expect((await q.messages()).filter((m) => m.type === 'reaction')).toEqual([]);
  });

  it('removes the contact’s reaction when the emoji is empty', async () => {
    const target = await businessMessage(t, w, BUSINESS_WAMID);
    const contact = await createContact(t.deps.database.db, w.tenantId, {
      name: SHEENA.name,
      externalId: SHEENA.waId,
      phoneNumber: SHEENA.phone,
      whatsappUserId: 'US.13491208655302741918',
    });
    await t.deps.database.db.insert(messageReactions).values({
      tenantId: w.tenantId,
      messageId: target.id,
      emoji: '❤️',
      senderType: 'contact',
      senderId: contact.id,
      createdAt: new Date('2023-10-11T17:00:00Z'),
    });
    await postFixture(t, 'reaction_removed_empty_emoji.json');
    await settled(t);
    expect(await q.reactions(target.id)).toEqual([]);
  });

  it('keeps a reaction to a message we do not have on the raw event only', async () => {
    await postFixture(t, 'reaction.json');
    await settled(t);
    expect(await q.messages()).toEqual([]);
    const [event] = await q.events();
    expect(event!.status).toBe('processed');
    expect(event!.lastError).toContain(`reaction to unknown message ${REACTED_WAMID}`);
  });

  it.each([
    ['status_sent_with_conversation_pricing.json', 'sent', V24_WAMID, null],
    ['status_sent_cbp_legacy.json', 'sent', BUSINESS_WAMID, null],
    ['status_delivered_cbp.json', 'delivered', BUSINESS_WAMID, null],
    ['status_read_cbp_legacy.json', 'read', BUSINESS_WAMID, null],
    ['status_read_v24.json', 'read', V24_WAMID, null],
    ['status_failed_130472_experiment.json', 'failed', BUSINESS_WAMID, 130472],
    ['status_failed_131049.json', 'failed', FAILED_WAMID, 131049],
    ['status_failed_131047_reengagement.json', 'failed', FAILED_WAMID, 131047],
  ])('%s moves our pending message to %s', async (name, expected, wamid, errorCode) => {
    await businessMessage(t, w, wamid);
    await postFixture(t, name);
    await settled(t);
    const message = await q.message(wamid);
    expect(message!.whatsappStatus).toBe(expected);
    expect(message!.error?.code ?? null).toBe(errorCode);
    expect(message!.sentAt).not.toBeNull();
    if (expected === 'read') expect(message!.readAt).not.toBeNull();
  });

  it('changes the contact’s number on user_changed_number and keeps the notice as a system message', async () => {
    await postFixture(t, 'text.json');
    await settled(t);
    await postFixture(t, 'system_user_changed_number.json');
    await settled(t);
    const [contact] = await q.contacts();
    expect(contact).toMatchObject({
      externalId: '12195555358',
      phoneNumber: '+12195555358',
      name: SHEENA.name,
    });
    const [conversation] = await q.conversations();
    const notice = (await q.messages()).find((m) => m.type === 'system');
    expect(notice).toMatchObject({
      conversationId: conversation!.id,
      senderType: 'system',
      body: 'User Sheena Nelson changed from 16505551234 to 12195555358',
    });
    expect(conversation!.unreadCount).toBe(1);
  });

  it('keeps value-level errors on the event, which still counts as processed', async () => {
    await postFixture(t, 'errors_value_level_130429.json');
    await settled(t);
    const [event] = await q.events();
    expect(event).toMatchObject({ status: 'processed', attempts: 1 });
    expect(event!.lastError).toContain('130429');
  });

  it('updates a template’s status from Meta’s review (by Meta id, or by name and language)', async () => {
    const db = t.deps.database.db;
    await db.insert(messageTemplates).values([
      {
        tenantId: w.tenantId,
        integrationId: w.integrationId,
        name: 'order_confirmation',
        language: 'en_US',
        category: 'UTILITY',
      },
      {
        tenantId: w.tenantId,
        integrationId: w.integrationId,
        name: 'abandoned_cart',
        language: 'en',
        category: 'MARKETING',
        metaTemplateId: '1689556908129835',
      },
    ]);
    await postFixture(t, 'message_template_status_update_approved.json');
    await postFixture(t, 'message_template_status_update_rejected.json');
    await settled(t);
    const rows = await db.select().from(messageTemplates);
    expect(rows.find((r) => r.name === 'order_confirmation')).toMatchObject({
      status: 'APPROVED',
      rejectionReason: null,
    });
    expect(rows.find((r) => r.name === 'abandoned_cart')).toMatchObject({ status: 'REJECTED' });
    expect((await q.events()).map((e) => e.status)).toEqual(['processed', 'processed']);
  });

  it('applies a whole batch across entries, changes and numbers', async () => {
    await businessMessage(t, w, FAILED_WAMID);
    await deliver(t, readFixture('inbound/batch_multi_entry_multi_change.json'));
    const contactMessages = (await q.messages()).filter((m) => m.senderType === 'contact');
    expect(contactMessages.map((m) => m.type)).toEqual(['text', 'image']);
    const failed = await q.message(FAILED_WAMID);
    expect(failed).toMatchObject({ whatsappStatus: 'failed', error: { code: 131049 } });
    const events = await q.events();
    expect(events.map((e) => e.status)).toEqual(['processed', 'processed']);
    // The second number's share is its own event, with its own (unknown) reaction target noted.
    expect(events.some((e) => e.lastError?.includes('reaction to unknown message'))).toBe(true);
  });
});
