/**
 * Turns a WhatsApp Cloud API webhook body into flat, typed items. Meta sends more shapes than it
 * documents, so nothing here throws on an unexpected field: unknown message types become
 * `unsupported` with Meta's object kept, unknown fields become `unknown` items.
 */
import type { MessageType } from '../features/messages/messages.table.js';

export interface MetaError {
  code: number;
  title: string;
  message?: string;
  details?: string;
}

export interface InboundContact {
  /** Phone-number id of the customer; empty for username-only users. */
  waId: string | null;
  /** Business-scoped user id (BSUID), present on webhooks since 2026. */
  userId: string | null;
  name: string | null;
  username: string | null;
}

export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

export interface InboundMedia {
  kind: MediaKind;
  mediaId: string;
  mimeType: string | null;
  sha256: string | null;
  /** Direct download URL (newer webhooks); otherwise GET /{media_id} gives one. */
  url: string | null;
  caption: string | null;
  filename: string | null;
}

export interface ParsedMessage {
  wamid: string;
  from: string | null;
  fromUserId: string | null;
  timestamp: Date;
  type: MessageType;
  body: string | null;
  content: Record<string, unknown>;
  /** wamid of the message this one quotes. */
  replyToWamid: string | null;
  media: InboundMedia | null;
  /** Reactions land on their target; emoji null = removed. */
  reaction: { targetWamid: string; emoji: string | null } | null;
  /** user_changed_number: the new wa_id (and BSUID when given). */
  numberChange: { newWaId: string | null; newUserId: string | null } | null;
  errors: MetaError[];
}

interface Envelope {
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  wabaId: string | null;
}

export type WebhookItem =
  | ({ kind: 'message'; contact: InboundContact; message: ParsedMessage } & Envelope)
  | ({
      kind: 'status';
      wamid: string;
      status: string;
      timestamp: Date;
      recipientId: string | null;
      /** `biz_opaque_callback_data` echoed from our send: the id of our message. */
      callbackData: string | null;
      errors: MetaError[];
      raw: Record<string, unknown>;
    } & Envelope)
  | ({ kind: 'error'; errors: MetaError[] } & Envelope)
  | ({
      kind: 'template_status';
      templateId: string;
      name: string | null;
      language: string | null;
      event: string;
      reason: string | null;
      raw: Record<string, unknown>;
    } & Envelope)
  | ({ kind: 'unknown'; field: string; value: unknown } & Envelope);

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

/** Meta's timestamps are unix seconds as strings; a missing/odd one falls back to now. */
function toDate(v: unknown): Date {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : new Date();
}

export function parseErrors(v: unknown): MetaError[] {
  return arr(v)
    .filter(isObj)
    .map((e) => {
      const details = str(obj(e.error_data).details);
      const message = str(e.message);
      return {
        code: Number(e.code) || 0,
        title: str(e.title) ?? message ?? 'Unknown error',
        ...(message ? { message } : {}),
        ...(details ? { details } : {}),
      };
    });
}

const MEDIA_KINDS: readonly MediaKind[] = ['image', 'audio', 'video', 'document', 'sticker'];

function parseMedia(kind: MediaKind, m: Obj): InboundMedia | null {
  const mediaId = str(m.id);
  if (!mediaId) return null;
  return {
    kind,
    mediaId,
    mimeType: str(m.mime_type),
    sha256: str(m.sha256),
    url: str(m.url),
    caption: str(m.caption),
    filename: str(m.filename),
  };
}

function describeLocation(l: Obj): string {
  const named = [str(l.name), str(l.address)].filter(Boolean).join(', ');
  return named || `${str(l.latitude) ?? ''},${str(l.longitude) ?? ''}`;
}

function describeContacts(list: unknown[]): string {
  return list
    .map((c) => str(obj(obj(c).name).formatted_name) ?? str(obj(obj(c).name).first_name) ?? 'Contact')
    .join(', ');
}

function interactiveTitle(i: Obj): string | null {
  const reply = obj(i.button_reply ?? i.list_reply);
  if (Object.keys(reply).length) return str(reply.title);
  const flow = obj(i.nfm_reply);
  return str(flow.body) ?? str(flow.name);
}

/** Type-specific body and content; anything unrecognised is `unsupported` with Meta's object kept. */
function typeBody(m: Obj): {
  type: MessageType;
  body: string | null;
  content: Obj;
  media: InboundMedia | null;
} {
  const t = str(m.type) ?? 'unknown';
  const payload = obj(m[t]);
  if ((MEDIA_KINDS as readonly string[]).includes(t)) {
    const media = parseMedia(t as MediaKind, payload);
    return { type: t as MediaKind, body: str(payload.caption), content: { [t]: payload }, media };
  }
  switch (t) {
    case 'text':
      return { type: 'text', body: str(payload.body) ?? '', content: {}, media: null };
    case 'location':
      return {
        type: 'location',
        body: describeLocation(payload),
        content: { location: payload },
        media: null,
      };
    case 'contacts': {
      const list = arr(m.contacts);
      return { type: 'contacts', body: describeContacts(list), content: { contacts: list }, media: null };
    }
    case 'interactive':
      return {
        type: 'interactive',
        body: interactiveTitle(payload),
        content: { interactive: payload },
        media: null,
      };
    case 'button':
      return { type: 'button', body: str(payload.text), content: { button: payload }, media: null };
    case 'order': {
      const items = arr(payload.product_items).length;
      const body = str(payload.text) ?? `Order of ${items} item${items === 1 ? '' : 's'}`;
      return { type: 'order', body, content: { order: payload }, media: null };
    }
    case 'system':
      return { type: 'system', body: str(payload.body), content: { system: payload }, media: null };
    case 'reaction':
      return { type: 'reaction', body: null, content: { reaction: payload }, media: null };
    default:
      return { type: 'unsupported', body: null, content: { unsupported: m }, media: null };
  }
}

function parseMessage(m: Obj): ParsedMessage | null {
  const wamid = str(m.id);
  if (!wamid) return null;
  const { type, body, content, media } = typeBody(m);
  const context = obj(m.context);
  const extras: Obj = {};
  if (Object.keys(context).length) extras.context = context;
  if (isObj(m.referral)) extras.referral = m.referral;
  const errors = parseErrors(m.errors);
  if (errors.length) extras.errors = errors;

  const reactionPayload = obj(m.reaction);
  const reaction =
    type === 'reaction' && str(reactionPayload.message_id)
      ? { targetWamid: str(reactionPayload.message_id)!, emoji: str(reactionPayload.emoji) }
      : null;
  const system = obj(m.system);
  const numberChange =
    type === 'system' && (system.type === 'user_changed_number' || system.type === 'customer_changed_number')
      ? { newWaId: str(system.wa_id) ?? str(system.new_wa_id), newUserId: str(system.user_id) }
      : null;

  return {
    wamid,
    from: str(m.from),
    fromUserId: str(m.from_user_id),
    timestamp: toDate(m.timestamp),
    type,
    body,
    content: { ...content, ...extras },
    replyToWamid: str(context.id),
    media,
    reaction,
    numberChange,
    errors,
  };
}

/** Finds the sender in `contacts[]` by wa_id or BSUID; username-only users have an empty wa_id. */
function contactFor(contacts: Obj[], message: ParsedMessage): InboundContact {
  const match =
    contacts.find(
      (c) =>
        (message.from && str(c.wa_id) === message.from) ||
        (message.fromUserId && str(c.user_id) === message.fromUserId),
    ) ??
    (contacts.length === 1 ? contacts[0] : undefined) ??
    {};
  const profile = obj(match.profile);
  return {
    waId: str(match.wa_id) ?? message.from,
    userId: str(match.user_id) ?? message.fromUserId,
    name: str(profile.name),
    username: str(profile.username),
  };
}

function parseChange(change: Obj, wabaId: string | null): WebhookItem[] {
  const field = str(change.field) ?? '';
  const value = obj(change.value);
  const metadata = obj(value.metadata);
  const env: Envelope = {
    phoneNumberId: str(metadata.phone_number_id),
    displayPhoneNumber: str(metadata.display_phone_number),
    wabaId,
  };

  if (field === 'message_template_status_update') {
    return [
      {
        kind: 'template_status',
        ...env,
        templateId: str(value.message_template_id) ?? '',
        name: str(value.message_template_name),
        language: str(value.message_template_language),
        event: str(value.event) ?? 'UNKNOWN',
        reason: str(value.reason),
        raw: value,
      },
    ];
  }
  if (field !== 'messages') return [{ kind: 'unknown', ...env, field, value }];

  const items: WebhookItem[] = [];
  const contacts = arr(value.contacts).filter(isObj);
  for (const raw of arr(value.messages).filter(isObj)) {
    const message = parseMessage(raw);
    if (message) items.push({ kind: 'message', ...env, contact: contactFor(contacts, message), message });
  }
  for (const s of arr(value.statuses).filter(isObj)) {
    const wamid = str(s.id);
    if (!wamid) continue;
    items.push({
      kind: 'status',
      ...env,
      wamid,
      status: str(s.status) ?? 'unknown',
      timestamp: toDate(s.timestamp),
      recipientId: str(s.recipient_id),
      callbackData: str(s.biz_opaque_callback_data),
      errors: parseErrors(s.errors),
      raw: s,
    });
  }
  const errors = parseErrors(value.errors);
  if (errors.length) items.push({ kind: 'error', ...env, errors });
  return items;
}

/** Every update of a webhook body, across entries and changes (Meta batches up to 1,000). */
export function parseWebhook(body: unknown): WebhookItem[] {
  const root = obj(body);
  return arr(root.entry)
    .filter(isObj)
    .flatMap((entry) =>
      arr(entry.changes)
        .filter(isObj)
        .flatMap((change) => parseChange(change, str(entry.id))),
    );
}

/**
 * How many updates a body carries without parsing them: its messages and statuses, and one for
 * each change of another kind. The intake refuses a body above its cap before storing anything.
 */
export function countUpdates(body: unknown): number {
  let count = 0;
  for (const entry of arr(obj(body).entry)) {
    for (const change of arr(obj(entry).changes)) {
      const value = obj(obj(change).value);
      count += Math.max(1, arr(value.messages).length + arr(value.statuses).length);
    }
  }
  return count;
}

/** phone_number_ids a body is about, to route it to integrations before parsing it in full. */
export function phoneNumberIdsOf(body: unknown): string[] {
  const ids = new Set<string>();
  for (const entry of arr(obj(body).entry).filter(isObj)) {
    for (const change of arr(entry.changes).filter(isObj)) {
      const id = str(obj(obj(change.value).metadata).phone_number_id);
      if (id) ids.add(id);
    }
  }
  return [...ids];
}
