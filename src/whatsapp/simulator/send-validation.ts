/**
 * Checks a POST /{phone_number_id}/messages body the way Meta does for the fields that matter,
 * answering Meta's errors. Stricter than Meta in one respect on purpose: an object of another
 * message type next to the one `type` names is refused, since it always means a sender bug.
 */
import { invalidParam, missingParam, shown } from './graph-errors.js';

export const OUTBOUND_TYPES = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'template',
  'reaction',
] as const;
export type OutboundType = (typeof OUTBOUND_TYPES)[number];

export type SendRequest =
  | { kind: 'read'; messageId: string; typing: boolean }
  | {
      kind: 'message';
      type: OutboundType;
      /** `to` or `recipient` exactly as given; Meta echoes it as contacts[].input. */
      input: string;
      /** Digits of the phone number; empty when addressed by business-scoped user id. */
      waId: string;
      userId: string | null;
      template: { name: string; language: string } | null;
      bizOpaqueCallbackData: string | null;
    };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const BSUID = /^[A-Z]{2}\.\d{5,40}$/;

function text(path: string, v: unknown, { min = 1, max }: { min?: number; max: number }): string {
  if (v === undefined) throw missingParam(path);
  if (typeof v !== 'string') throw invalidParam(`Param ${path} must be a string.`);
  if (v.length < min) throw invalidParam(`Param ${path} must be at least ${min} characters long.`);
  if (v.length > max) throw invalidParam(`Param ${path} must be at most ${max} characters long.`);
  return v;
}

const optionalText = (path: string, v: unknown, max: number) =>
  v === undefined ? undefined : text(path, v, { min: 0, max });

function object(path: string, v: unknown): Obj {
  if (v === undefined) throw missingParam(path);
  if (!isObj(v)) throw invalidParam(`Param ${path} must be a JSON object.`);
  return v;
}

function array(path: string, v: unknown, min: number, max: number): unknown[] {
  if (v === undefined) throw missingParam(path);
  if (!Array.isArray(v)) throw invalidParam(`Param ${path} must be an array.`);
  if (v.length < min || v.length > max)
    throw invalidParam(`Param ${path} must have between ${min} and ${max} elements.`);
  return v;
}

function mediaObject(kind: OutboundType, v: unknown) {
  const m = object(kind, v);
  if (m.id === undefined && m.link === undefined)
    throw invalidParam(`Param ${kind} must have an id or a link.`);
  if (m.id !== undefined && m.link !== undefined)
    throw invalidParam(`Param ${kind} must have either an id or a link, not both.`);
  if (m.id !== undefined && (typeof m.id !== 'string' || !/^\d{1,30}$/.test(m.id)))
    throw invalidParam(`Param ${kind}['id'] must be a valid media id.`);
  if (
    m.link !== undefined &&
    (typeof m.link !== 'string' || !URL.canParse(m.link) || !/^https?:/i.test(m.link))
  )
    throw invalidParam(`Param ${kind}['link'] must be a valid http(s) URL.`);
  if (m.caption !== undefined) {
    if (kind === 'audio' || kind === 'sticker')
      throw invalidParam(`Param ${kind}['caption'] is not allowed.`);
    text(`${kind}['caption']`, m.caption, { min: 0, max: 1024 });
  }
  if (m.filename !== undefined && kind !== 'document')
    throw invalidParam(`Param ${kind}['filename'] is not allowed.`);
  optionalText(`${kind}['filename']`, m.filename, 240);
  if (m.voice !== undefined && (kind !== 'audio' || typeof m.voice !== 'boolean'))
    throw invalidParam(`Param ${kind}['voice'] must be a boolean on audio.`);
}

function coordinate(path: string, v: unknown, limit: number) {
  if (v === undefined) throw missingParam(path);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || Math.abs(n) > limit)
    throw invalidParam(`Param ${path} must be a number between -${limit} and ${limit}.`);
}

function interactiveButtons(i: Obj) {
  const action = object("interactive['action']", i.action);
  const buttons = array("interactive['action']['buttons']", action.buttons, 1, 3);
  const ids = new Set<string>();
  buttons.forEach((b, n) => {
    const reply = object(`interactive['action']['buttons'][${n}]['reply']`, isObj(b) ? b.reply : undefined);
    const id = text(`interactive['action']['buttons'][${n}]['reply']['id']`, reply.id, { max: 256 });
    text(`interactive['action']['buttons'][${n}]['reply']['title']`, reply.title, { max: 20 });
    if (ids.has(id)) throw invalidParam('Buttons must have unique ids.');
    ids.add(id);
  });
}

function interactiveList(i: Obj) {
  const action = object("interactive['action']", i.action);
  text("interactive['action']['button']", action.button, { max: 20 });
  const sections = array("interactive['action']['sections']", action.sections, 1, 10);
  let rows = 0;
  sections.forEach((s, n) => {
    const section = object(`interactive['action']['sections'][${n}]`, s);
    for (const [r, row] of array(
      `interactive['action']['sections'][${n}]['rows']`,
      section.rows,
      1,
      10,
    ).entries()) {
      const path = `interactive['action']['sections'][${n}]['rows'][${r}]`;
      const o = object(path, row);
      text(`${path}['id']`, o.id, { max: 200 });
      text(`${path}['title']`, o.title, { max: 24 });
      optionalText(`${path}['description']`, o.description, 72);
      rows += 1;
    }
  });
  if (rows > 10) throw invalidParam('A list message may hold at most 10 rows in total.');
}

function interactive(v: unknown) {
  const i = object('interactive', v);
  const kind = text("interactive['type']", i.type, { max: 50 });
  if (kind === 'button' || kind === 'list' || kind === 'cta_url') {
    text("interactive['body']['text']", object("interactive['body']", i.body).text, {
      max: kind === 'list' ? 4096 : 1024,
    });
  }
  if (kind === 'button') interactiveButtons(i);
  if (kind === 'list') interactiveList(i);
}

function template(v: unknown) {
  const t = object('template', v);
  const name = text("template['name']", t.name, { max: 512 });
  const language = text("template['language']['code']", object("template['language']", t.language).code, {
    max: 20,
  });
  if (t.components !== undefined) {
    array("template['components']", t.components, 0, 20).forEach((c, n) => {
      text(`template['components'][${n}]['type']`, isObj(c) ? c.type : undefined, { max: 50 });
    });
  }
  return { name, language };
}

const CHECKS: Record<OutboundType, (payload: unknown) => void> = {
  text: (v) => {
    const t = object('text', v);
    text("text['body']", t.body, { max: 4096 });
    if (t.preview_url !== undefined && typeof t.preview_url !== 'boolean')
      throw invalidParam("Param text['preview_url'] must be a boolean.");
  },
  image: (v) => mediaObject('image', v),
  audio: (v) => mediaObject('audio', v),
  video: (v) => mediaObject('video', v),
  document: (v) => mediaObject('document', v),
  sticker: (v) => mediaObject('sticker', v),
  location: (v) => {
    const l = object('location', v);
    coordinate("location['latitude']", l.latitude, 90);
    coordinate("location['longitude']", l.longitude, 180);
    optionalText("location['name']", l.name, 1000);
    optionalText("location['address']", l.address, 1000);
  },
  contacts: (v) => {
    array('contacts', v, 1, 257).forEach((c, n) => {
      const name = object(`contacts[${n}]['name']`, isObj(c) ? c.name : undefined);
      text(`contacts[${n}]['name']['formatted_name']`, name.formatted_name, { max: 1000 });
    });
  },
  interactive,
  template,
  reaction: (v) => {
    const r = object('reaction', v);
    text("reaction['message_id']", r.message_id, { max: 200 });
    // An empty emoji removes the reaction.
    text("reaction['emoji']", r.emoji, { min: 0, max: 16 });
  },
};

function recipientOf(body: Obj) {
  if (body.to !== undefined) {
    if (typeof body.to !== 'string' || !/^\+?\d{5,20}$/.test(body.to))
      throw invalidParam(
        `Param to must be a phone number with digits only (and an optional +), got "${shown(body.to)}".`,
      );
    return { input: body.to, waId: body.to.replace(/^\+/, ''), userId: null };
  }
  if (body.recipient !== undefined) {
    if (typeof body.recipient !== 'string' || !BSUID.test(body.recipient))
      throw invalidParam(
        'Param recipient must be a business-scoped user id such as US.13491208655302741918.',
      );
    return { input: body.recipient, waId: '', userId: body.recipient };
  }
  throw missingParam('to');
}

function markRead(body: Obj): SendRequest {
  if (body.status !== 'read')
    throw invalidParam(`Param status must be one of {read} - got "${shown(body.status)}".`);
  const messageId = text('message_id', body.message_id, { max: 200 });
  if (
    body.typing_indicator !== undefined &&
    object('typing_indicator', body.typing_indicator).type !== 'text'
  )
    throw invalidParam("Param typing_indicator['type'] must be one of {text}.");
  return { kind: 'read', messageId, typing: body.typing_indicator !== undefined };
}

export function validateSend(body: unknown): SendRequest {
  if (!isObj(body)) throw invalidParam('The request body must be a JSON object.');
  if (body.messaging_product === undefined) throw missingParam('messaging_product');
  if (body.messaging_product !== 'whatsapp')
    throw invalidParam(
      `Param messaging_product must be one of {WHATSAPP} - got "${shown(body.messaging_product)}".`,
    );
  if (body.status !== undefined) return markRead(body);

  const recipient = recipientOf(body);
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual')
    throw invalidParam(
      `Param recipient_type must be one of {INDIVIDUAL} - got "${shown(body.recipient_type)}".`,
    );
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !(OUTBOUND_TYPES as readonly string[]).includes(type))
    throw invalidParam(`Param type must be one of {${OUTBOUND_TYPES.join(', ')}} - got "${shown(type)}".`);
  const kind = type as OutboundType;
  if (body[kind] === undefined) throw missingParam(kind);
  const stray = OUTBOUND_TYPES.find((t) => t !== kind && body[t] !== undefined);
  if (stray) throw invalidParam(`Param ${stray} is not allowed when type is ${kind}.`);
  CHECKS[kind](body[kind]);
  const tpl = kind === 'template' ? template(body.template) : null;

  if (body.context !== undefined)
    text("context['message_id']", object('context', body.context).message_id, { max: 200 });
  const bizOpaqueCallbackData =
    optionalText('biz_opaque_callback_data', body.biz_opaque_callback_data, 512) ?? null;
  return { kind: 'message', type: kind, ...recipient, template: tpl, bizOpaqueCallbackData };
}
