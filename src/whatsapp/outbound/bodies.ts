/**
 * Request bodies of `POST /{phone_number_id}/messages`, exactly as Meta documents them (see
 * test/fixtures/whatsapp/outbound). Pure functions: the send job gathers the facts, these shape them.
 */
import type { MediaKind } from '../../features/media/media-types.js';
import type { Recipient } from './recipient.js';

type Obj = Record<string, unknown>;

/** A stored media file as Meta will know it: uploaded first, then referred to by id. */
export interface OutboundMedia {
  kind: MediaKind;
  /** Meta's media id from `POST /{phone_number_id}/media`. */
  id: string;
  /** Shown for documents. */
  filename: string | null;
  mimeType: string;
}

/** The facts of one outbound message that its body depends on. */
export interface OutboundMessage {
  type: string;
  body: string | null;
  /** Type-specific payload as stored: `{location}`, `{contacts}`, `{interactive}`, `{template}`. */
  content: Obj;
  /** wamid of the quoted message, when it has one. */
  contextWamid: string | null;
  media: OutboundMedia | null;
}

/** Kinds a stored message cannot become on WhatsApp (they only ever arrive from it). */
export class UnsendableMessage extends Error {
  override name = 'UnsendableMessage';
}

const URL_IN_TEXT = /\bhttps?:\/\/\S/i;

/** Opus in OGG is what WhatsApp records as a voice note; it is sent back as one. */
const isVoice = (mimeType: string) => /^audio\/ogg\b/i.test(mimeType);

function envelope(to: Recipient, contextWamid: string | null): Obj {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...to,
    ...(contextWamid ? { context: { message_id: contextWamid } } : {}),
  };
}

function mediaObject(m: OutboundMedia, caption: string | null): Obj {
  switch (m.kind) {
    case 'image':
    case 'video':
      return { id: m.id, ...(caption ? { caption } : {}) };
    case 'document':
      return { id: m.id, ...(m.filename ? { filename: m.filename } : {}), ...(caption ? { caption } : {}) };
    case 'audio':
      if (caption)
        throw new UnsendableMessage('WhatsApp does not caption audio: send the text as its own message');
      return { id: m.id, ...(isVoice(m.mimeType) ? { voice: true } : {}) };
    case 'sticker':
      if (caption)
        throw new UnsendableMessage('WhatsApp does not caption stickers: send the text as its own message');
      return { id: m.id };
  }
}

function stored(content: Obj, key: string): unknown {
  const value = content[key];
  if (value === undefined || value === null)
    throw new UnsendableMessage(`A ${key} message needs content.${key}`);
  return value;
}

/** The type and type object of a message body. */
function payloadOf(m: OutboundMessage): [string, unknown] {
  if (m.media) return [m.media.kind, mediaObject(m.media, m.body)];
  switch (m.type) {
    case 'text':
      if (!m.body) throw new UnsendableMessage('A text message needs a body');
      return ['text', URL_IN_TEXT.test(m.body) ? { preview_url: true, body: m.body } : { body: m.body }];
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      throw new UnsendableMessage(`The file of this ${m.type} message is no longer stored`);
    case 'location':
    case 'contacts':
    case 'interactive':
    case 'template':
      return [m.type, stored(m.content, m.type)];
    default:
      throw new UnsendableMessage(`A ${m.type} message cannot be sent to WhatsApp`);
  }
}

/**
 * A message's body. `callbackData` (our message id) goes out as `biz_opaque_callback_data`, which
 * Meta echoes in every status webhook of the message: it names our message even when Meta's answer
 * with the wamid never reached us (send-job.ts).
 */
export function messageBody(to: Recipient, m: OutboundMessage, callbackData?: string): Obj {
  const [type, payload] = payloadOf(m);
  return {
    ...envelope(to, m.contextWamid),
    type,
    [type]: payload,
    ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}),
  };
}

/** The business's reaction to a message; an empty emoji removes it. */
export const reactionBody = (to: Recipient, wamid: string, emoji: string): Obj => ({
  ...envelope(to, null),
  type: 'reaction',
  reaction: { message_id: wamid, emoji },
});

/** Blue ticks for an inbound message (and every earlier one in the chat). */
export const readReceiptBody = (wamid: string): Obj => ({
  messaging_product: 'whatsapp',
  status: 'read',
  message_id: wamid,
});
