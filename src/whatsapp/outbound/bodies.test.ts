import { describe, expect, it } from 'vitest';
import {
  messageBody,
  reactionBody,
  readReceiptBody,
  UnsendableMessage,
  type OutboundMessage,
} from './bodies.js';
import { mediaPart, outboundFixture as fixture, type SendBody } from './outbound.test-helpers.js';
import { recipientOf } from './recipient.js';

/**
 * Meta's examples spell `to` with a leading + (Meta accepts both); we send the wa_id's digits, as
 * API.md says. Meta's contacts example leaves out `recipient_type`, whose only value is the default.
 */
function asWeSendIt(name: string): SendBody {
  const body = fixture(name);
  if (typeof body.to === 'string') body.to = body.to.replace(/^\+/, '');
  return body.status ? body : { recipient_type: 'individual', ...body };
}

const to = (body: SendBody) => ({ to: String(body.to).replace(/^\+/, '') });
const message = (m: Partial<OutboundMessage>): OutboundMessage => ({
  type: 'text',
  body: null,
  content: {},
  contextWamid: null,
  media: null,
  ...m,
});

describe("Graph request bodies (exactly Meta's)", () => {
  it('text: preview_url when the body holds a link', () => {
    const f = fixture('text_preview_url');
    expect(messageBody(to(f), message({ body: f.text.body }))).toEqual(asWeSendIt('text_preview_url'));
    expect(messageBody({ to: '1' }, message({ body: 'no link here' })).text).toEqual({
      body: 'no link here',
    });
  });

  it("carries our message id as biz_opaque_callback_data, which Meta echoes in the message's statuses", () => {
    const f = fixture('text_preview_url');
    const id = '0195f0a8-7c4e-7a31-9d2b-5f3c1e2d4a6b';
    expect(messageBody(to(f), message({ body: f.text.body }), id)).toEqual({
      ...asWeSendIt('text_preview_url'),
      biz_opaque_callback_data: id,
    });
  });

  it('reply context: the quoted message wamid', () => {
    const f = fixture('reply_with_context');
    const body = messageBody(to(f), message({ body: f.text.body, contextWamid: f.context.message_id }));
    expect(body).toEqual(asWeSendIt('reply_with_context'));
  });

  it.each([
    ['image_by_id', 'image', 'image/jpeg', null],
    ['video_by_id', 'video', 'video/mp4', null],
    ['audio_voice_by_id', 'audio', 'audio/ogg; codecs=opus', null],
    ['document_by_id', 'document', 'application/pdf', 'order_abc123.pdf'],
    ['sticker_by_id', 'sticker', 'image/webp', null],
  ] as const)('%s: the uploaded media id, caption and filename', (name, kind, mimeType, filename) => {
    const f = fixture(name);
    const part = mediaPart(f, kind);
    const media = { kind, id: part.id, filename, mimeType };
    const body = messageBody(to(f), message({ type: kind, body: part.caption ?? null, media }));
    expect(body).toEqual(asWeSendIt(name));
  });

  it('audio that is not a voice note has no voice flag', () => {
    const media = { kind: 'audio' as const, id: '1', filename: null, mimeType: 'audio/mpeg' };
    expect(messageBody({ to: '1' }, message({ type: 'audio', media })).audio).toEqual({ id: '1' });
  });

  it.each(['location', 'contacts', 'interactive_reply_buttons', 'interactive_list'])(
    '%s: the stored object as Meta takes it',
    (name) => {
      const f = fixture(name);
      const body = messageBody(to(f), message({ type: f.type, content: { [f.type]: f[f.type] } }));
      expect(body).toEqual(asWeSendIt(name));
    },
  );

  it.each([
    'template_header_body_quick_reply_buttons',
    'template_named_params_utility',
    'template_auth_copy_code',
    'template_lto_copy_code_url_buttons',
  ])('%s: {name, language: {code}, components} with parameters', (name) => {
    const f = fixture(name);
    const body = messageBody(to(f), message({ type: 'template', content: { template: f.template } }));
    expect(body).toEqual(asWeSendIt(name));
  });

  it('reaction, and its removal with an empty emoji', () => {
    const f = fixture('reaction');
    expect(reactionBody(to(f), f.reaction.message_id, f.reaction.emoji)).toEqual(asWeSendIt('reaction'));
    expect(reactionBody(to(f), f.reaction.message_id, '').reaction).toEqual({
      message_id: f.reaction.message_id,
      emoji: '',
    });
  });

  it('mark as read', () => {
    const f = fixture('mark_as_read');
    expect(readReceiptBody(f.message_id)).toEqual(asWeSendIt('mark_as_read'));
  });

  it('refuses what WhatsApp cannot carry', () => {
    const audio = { kind: 'audio' as const, id: '1', filename: null, mimeType: 'audio/ogg' };
    for (const m of [
      message({ type: 'audio', body: 'a caption', media: audio }),
      message({ type: 'image' }),
      message({ type: 'location' }),
      message({ type: 'system', body: 'x' }),
    ]) {
      expect(() => messageBody({ to: '1' }, m)).toThrow(UnsendableMessage);
    }
  });
});

describe('recipient', () => {
  it('is the wa_id, else the phone digits, else the business-scoped user id', () => {
    expect(
      recipientOf({ externalId: '5511987654321', phoneNumber: '+551187654321', whatsappUserId: null }),
    ).toEqual({
      to: '5511987654321',
    });
    expect(recipientOf({ externalId: null, phoneNumber: '+34612345678', whatsappUserId: null })).toEqual({
      to: '34612345678',
    });
    expect(
      recipientOf({
        externalId: 'US.13491208655302741918',
        phoneNumber: null,
        whatsappUserId: 'US.13491208655302741918',
      }),
    ).toEqual({ recipient: 'US.13491208655302741918' });
    expect(recipientOf({ externalId: null, phoneNumber: null, whatsappUserId: null })).toBeUndefined();
  });
});
