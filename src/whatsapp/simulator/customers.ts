import { badRequest } from '../../http/errors.js';
import type { CustomerMessageInput } from './control.schema.js';
import type { SimulatedNumber } from './credentials.js';
import { messagesWebhook } from './envelope.js';
import { webhookError } from './graph-errors.js';
import { unixNow, wamid } from './ids.js';
import type { MediaStore, StoredMedia } from './media-store.js';
import { DEFAULT_MIME, sampleMedia, type MediaKind } from './sample-media.js';
import type { WebhookSender } from './webhook-sender.js';
import { toWireBody } from './wire.js';

type Obj = Record<string, unknown>;
const MEDIA_KINDS: readonly string[] = ['image', 'audio', 'video', 'document', 'sticker'];
const isMediaKind = (t: string): t is MediaKind => MEDIA_KINDS.includes(t);

export interface CustomersDeps {
  media: MediaStore;
  sender: WebhookSender;
  /** Origin of the app, for the direct media `url` newer webhooks carry. */
  publicUrl: () => string;
}

/** Customers writing to a number: builds the inbound webhook Meta would send and posts it signed. */
export function createCustomers(d: CustomersDeps) {
  async function storeMedia(
    n: SimulatedNumber,
    kind: MediaKind,
    input: CustomerMessageInput,
  ): Promise<StoredMedia> {
    const given = input[kind];
    if (given?.id) {
      const existing = d.media.get(given.id);
      if (!existing || existing.phoneNumberId !== n.phoneNumberId) {
        throw badRequest('Unknown media id for this number', [
          { field: `${kind}.id`, message: 'Unknown media id' },
        ]);
      }
      return existing;
    }
    const filename = given && 'filename' in given ? (given.filename ?? null) : null;
    if (given?.data_base64) {
      const bytes = Buffer.from(given.data_base64, 'base64');
      return d.media.put(n.phoneNumberId, bytes, given.mime_type ?? DEFAULT_MIME[kind], filename);
    }
    const sample = await sampleMedia(kind);
    return d.media.put(
      n.phoneNumberId,
      sample.bytes,
      given?.mime_type ?? sample.mimeType,
      filename ?? sample.filename,
    );
  }

  function mediaObject(kind: MediaKind, media: StoredMedia, input: CustomerMessageInput): Obj {
    const given: Obj = input[kind] ?? {};
    return {
      ...(given.caption !== undefined ? { caption: given.caption } : {}),
      ...(kind === 'document' ? { filename: media.filename ?? 'document' } : {}),
      mime_type: media.mimeType,
      sha256: media.sha256Base64,
      id: media.id,
      url: d.media.urlFor(d.publicUrl(), media),
      ...(kind === 'audio' ? { voice: given.voice === true } : {}),
      ...(kind === 'sticker' ? { animated: given.animated === true } : {}),
    };
  }

  /** The type-specific part of the message. */
  function typeObject(input: CustomerMessageInput, n: SimulatedNumber, media: StoredMedia | null): Obj {
    const type = input.type;
    if (isMediaKind(type) && media) return { [type]: mediaObject(type, media, input) };
    switch (type) {
      case 'reaction': {
        const r = input.reaction!;
        // Meta omits `emoji` on removal in its reference and sends "" in practice: both are kept as given.
        return {
          reaction: { message_id: r.message_id, ...(r.emoji !== undefined ? { emoji: r.emoji } : {}) },
        };
      }
      case 'system': {
        const s = input.system!;
        const body =
          s.body ??
          (s.type === 'user_changed_number'
            ? `User ${input.name ?? input.from} changed from ${input.from} to ${s.wa_id}`
            : `${input.name ?? input.from}'s security code changed`);
        return { system: { body, ...s } };
      }
      case 'unsupported':
        return {
          errors: [webhookError(131051)],
          unsupported: { type: input.unsupported?.type ?? 'unknown' },
        };
      default:
        return { [type]: input[type] };
    }
  }

  function contextOf(input: CustomerMessageInput, n: SimulatedNumber): Obj | undefined {
    if (!input.context) return undefined;
    const { id, from, ...rest } = input.context;
    return { ...(id ? { from: from ?? n.displayPhoneNumber, id } : {}), ...rest };
  }

  return {
    async send(n: SimulatedNumber, input: CustomerMessageInput) {
      const media = isMediaKind(input.type) ? await storeMedia(n, input.type, input) : null;
      const id = input.id ?? wamid(input.from || '0', 'inbound');
      const context = contextOf(input, n);
      const message = {
        ...(context ? { context } : {}),
        ...(input.referral ? { referral: input.referral } : {}),
        from: input.from,
        ...(input.user_id ? { from_user_id: input.user_id } : {}),
        id,
        timestamp: String(input.timestamp ?? unixNow()),
        type: input.type,
        ...typeObject(input, n, media),
      };
      const profile = {
        name: input.name ?? 'Customer',
        ...(input.username ? { username: input.username } : {}),
      };
      // Number-change notices come from WhatsApp itself, with no profile of the sender.
      const contacts =
        input.type === 'system'
          ? undefined
          : [{ profile, wa_id: input.from, ...(input.user_id ? { user_id: input.user_id } : {}) }];
      const body = toWireBody(messagesWebhook(n, { ...(contacts ? { contacts } : {}), messages: [message] }));
      const delivery = await d.sender.post({
        phoneNumberId: n.phoneNumberId,
        kind: 'message',
        body,
        appSecret: n.appSecret,
      });
      return { message_id: id, media_id: media?.id ?? null, delivery };
    },
  };
}

export type Customers = ReturnType<typeof createCustomers>;
