import { describe, expect, it } from 'vitest';
import {
  fileVectorBody,
  inboundFixtureNames,
  readFixture,
  securityVectors,
  toWireBody,
  wireVectors,
} from '../../test/helpers/whatsapp-fixtures.js';
import { verifySignature } from './signature.js';
import { parseWebhook, phoneNumberIdsOf, type WebhookItem } from './webhook-parser.js';

const parse = (name: string) => parseWebhook(readFixture(`inbound/${name}`));
const only = <K extends WebhookItem['kind']>(items: WebhookItem[], kind: K) =>
  items.filter((i): i is Extract<WebhookItem, { kind: K }> => i.kind === kind);
const firstMessage = (name: string) => only(parse(name), 'message')[0]!;

describe('webhook parser', () => {
  it.each(inboundFixtureNames())('parses %s into at least one item without throwing', (name) => {
    const items = parse(name);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.kind !== 'unknown')).toBe(true);
  });

  it('reads a text message, its sender and Meta timestamp', () => {
    const item = firstMessage('text.json');
    expect(item.phoneNumberId).toBe('106540352242922');
    expect(item.contact).toMatchObject({ waId: '16505551234', name: 'Sheena Nelson' });
    expect(item.message).toMatchObject({
      type: 'text',
      body: 'Does it come in another color?',
      replyToWamid: null,
    });
    expect(item.message.timestamp.toISOString()).toBe(new Date(1749416383 * 1000).toISOString());
  });

  it('keeps reply context and the business-scoped user id', () => {
    const item = firstMessage('text_reply_context.json');
    expect(item.message.replyToWamid).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA');
    expect(item.contact.userId).toBe('US.13491208655302741918');
    expect(item.message.content.context).toBeDefined();
  });

  it('keeps click-to-WhatsApp referral and product context in content', () => {
    expect(firstMessage('text_referral_ctwa.json').message.content.referral).toMatchObject({
      ctwa_clid: expect.any(String),
    });
    expect(firstMessage('text_product_inquiry_context.json').message.content.context).toMatchObject({
      referred_product: expect.any(Object),
    });
  });

  it.each([
    ['image_with_caption.json', 'image'],
    ['audio_voice_note.json', 'audio'],
    ['video.json', 'video'],
    ['document.json', 'document'],
  ] as const)('reads media from %s', (name, kind) => {
    const { message } = firstMessage(name);
    expect(message.type).toBe(kind);
    expect(message.media).toMatchObject({ kind, mediaId: expect.any(String), mimeType: expect.any(String) });
  });

  it('keeps the document file name and the image caption as body', () => {
    expect(firstMessage('document.json').message.media?.filename).toEqual(expect.any(String));
    expect(firstMessage('image_with_caption.json').message.body).toEqual(expect.any(String));
  });

  it('reads location, contacts, interactive and button replies with a readable body', () => {
    expect(firstMessage('location.json').message).toMatchObject({
      type: 'location',
      content: { location: expect.any(Object) },
    });
    expect(firstMessage('contacts.json').message.type).toBe('contacts');
    expect(firstMessage('contacts.json').message.body).toBeTruthy();
    expect(firstMessage('interactive_button_reply.json').message).toMatchObject({
      type: 'interactive',
      body: expect.any(String),
    });
    expect(firstMessage('interactive_list_reply.json').message.body).toBe('Priority Mail Express');
    expect(firstMessage('button_template_quick_reply.json').message.type).toBe('button');
  });

  it('reads reactions and their removal with an empty or a missing emoji', () => {
    expect(firstMessage('reaction.json').message.reaction).toEqual({
      targetWamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA',
      emoji: '👍',
    });
    expect(firstMessage('reaction_removed_empty_emoji.json').message.reaction?.emoji).toBeNull();
    const noEmoji = structuredClone(readFixture('inbound/reaction.json')) as {
      entry: { changes: { value: { messages: { reaction: Record<string, unknown> }[] } }[] }[];
    };
    delete noEmoji.entry[0]!.changes[0]!.value.messages[0]!.reaction.emoji;
    expect(only(parseWebhook(noEmoji), 'message')[0]!.message.reaction?.emoji).toBeNull();
  });

  it('reads a number change as a system message with the new wa_id', () => {
    const { message } = firstMessage('system_user_changed_number.json');
    expect(message).toMatchObject({ type: 'system', numberChange: { newWaId: '12195555358' } });
  });

  it('keeps unsupported messages with Meta object and errors', () => {
    const { message } = firstMessage('unsupported_with_errors.json');
    expect(message.type).toBe('unsupported');
    expect(message.errors[0]).toMatchObject({ code: 131051 });
    expect(message.content.unsupported).toMatchObject({ unsupported: { type: 'edit' } });
  });

  it('turns an unknown future type into unsupported instead of dropping it', () => {
    const body = structuredClone(readFixture('inbound/text.json')) as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const m = body.entry[0]!.changes[0]!.value.messages[0]!;
    m.type = 'hologram';
    m.hologram = { shape: 'cube' };
    delete m.text;
    const { message } = only(parseWebhook(body), 'message')[0]!;
    expect(message.type).toBe('unsupported');
    expect(message.content.unsupported).toMatchObject({ hologram: { shape: 'cube' } });
  });

  it('reads statuses with their errors', () => {
    const [failed] = only(parse('status_failed_131049.json'), 'status');
    expect(failed).toMatchObject({
      status: 'failed',
      recipientId: '16505551234',
      errors: [{ code: 131049 }],
    });
    expect(only(parse('status_read_v24.json'), 'status')[0]!.status).toBe('read');
  });

  it('reads the biz_opaque_callback_data a status echoes from our send (null without one)', () => {
    const body = readFixture('inbound/status_read_v24.json') as {
      entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[];
    };
    expect(only(parseWebhook(body), 'status')[0]!.callbackData).toBeNull();
    body.entry[0]!.changes[0]!.value.statuses[0]!.biz_opaque_callback_data = 'our-message-id';
    expect(only(parseWebhook(body), 'status')[0]!.callbackData).toBe('our-message-id');
  });

  it('reads value-level errors and template status updates', () => {
    expect(only(parse('errors_value_level_130429.json'), 'error')[0]!.errors[0]!.code).toBe(130429);
    const [tpl] = only(parse('message_template_status_update_rejected.json'), 'template_status');
    expect(tpl).toMatchObject({ event: 'REJECTED', name: 'abandoned_cart', templateId: '1689556908129835' });
  });

  it('walks every entry and change of a batch', () => {
    const items = parse('batch_multi_entry_multi_change.json');
    expect(only(items, 'message').length).toBeGreaterThanOrEqual(2);
    expect(only(items, 'status').length).toBeGreaterThanOrEqual(2);
    expect(phoneNumberIdsOf(readFixture('inbound/batch_multi_entry_multi_change.json')).length).toBe(2);
  });

  it('ignores garbage without throwing', () => {
    for (const body of [
      null,
      42,
      'x',
      {},
      { entry: 'no' },
      { entry: [{ changes: [null, { field: 'messages' }] }] },
    ]) {
      expect(() => parseWebhook(body)).not.toThrow();
    }
  });
});

describe('webhook signature', () => {
  it.each(wireVectors().map((v) => [v.fixture, v] as const))('verifies the test vector of %s', (_name, v) => {
    expect(verifySignature(Buffer.from(v.raw_body), v.x_hub_signature_256, v.app_secret)).toBe(true);
    expect(verifySignature(Buffer.from(v.raw_body), v.x_hub_signature_256, 'another_secret')).toBe(false);
    if (v.wrong_if_body_is_reserialised_as_utf8) {
      expect(
        verifySignature(Buffer.from(v.raw_body), v.wrong_if_body_is_reserialised_as_utf8, v.app_secret),
      ).toBe(false);
    }
  });

  it('produces Meta wire bodies from fixtures byte for byte', () => {
    for (const v of wireVectors()) expect(toWireBody(readFixture(v.fixture))).toBe(v.raw_body);
  });

  it('verifies the signature over a fixture file exactly as stored', () => {
    const v = securityVectors().find((x) => x.raw_body === undefined)!;
    expect(verifySignature(fileVectorBody(v), v.x_hub_signature_256, v.app_secret)).toBe(true);
  });

  it('rejects missing and malformed headers', () => {
    for (const header of [undefined, '', 'sha1=abc', 'sha256=zz', 'sha256=' + 'a'.repeat(63)]) {
      expect(verifySignature('{}', header, 'secret')).toBe(false);
    }
  });
});
