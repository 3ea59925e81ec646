import { z } from 'zod';
import { cursorQuery, pageOf, pageQuery } from '../../http/pagination.js';
import { mediaKinds } from '../media/media.table.js';
import { messageSenderTypes, messageTypes, whatsappStatuses } from './messages.table.js';

export const attachmentSchema = z.object({
  id: z.uuid(),
  kind: z.enum(mediaKinds),
  /** Where a browser fetches the file; null until the file is reachable. */
  url: z.string().nullable(),
  mime_type: z.string().nullable(),
  name: z.string().nullable(),
  size: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  thumbnail_url: z.string().nullable(),
  preview_url: z.string().nullable(),
});
export type AttachmentDto = z.infer<typeof attachmentSchema>;

export const reactionSchema = z.object({
  emoji: z.string(),
  sender_type: z.enum(['contact', 'user', 'bot']),
  sender_id: z.uuid(),
});
export type ReactionDto = z.infer<typeof reactionSchema>;

export const messageSchema = z.object({
  id: z.uuid(),
  conversation_id: z.uuid(),
  sender_type: z.enum(messageSenderTypes),
  sender_user_id: z.uuid().nullable(),
  sender_bot_id: z.uuid().nullable(),
  type: z.enum(messageTypes),
  body: z.string().nullable(),
  private: z.boolean(),
  reply_to_id: z.uuid().nullable(),
  content: z.record(z.string(), z.unknown()),
  attachments: z.array(attachmentSchema),
  reactions: z.array(reactionSchema),
  whatsapp_message_id: z.string().nullable(),
  whatsapp_status: z.enum(whatsappStatuses).nullable(),
  error: z.object({ code: z.number(), title: z.string(), message: z.string().optional() }).nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
  read_at: z.string().nullable(),
  edited_at: z.string().nullable(),
  deleted_at: z.string().nullable(),
});
export type MessageDto = z.infer<typeof messageSchema>;

/** The types an agent composes; the others only arrive from WhatsApp or the system. */
export const composableTypes = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'interactive',
  'template',
] as const;
const mediaTypes: readonly string[] = mediaKinds;

const jsonObject = z.record(z.string(), z.unknown());

export const sendMessageBody = z
  .strictObject({
    conversation_id: z.uuid(),
    body: z.string().trim().min(1).max(4096).optional(),
    type: z.enum(composableTypes).optional(),
    attachment_ids: z
      .array(z.uuid())
      .max(10)
      .refine((ids) => new Set(ids).size === ids.length, 'Duplicate attachment id')
      .optional(),
    reply_to_id: z.uuid().optional(),
    private: z.boolean().optional(),
    /** Meta's template object: {name, language: {code}, components?}. */
    template: z
      .looseObject({
        name: z.string().min(1).max(512),
        language: z.looseObject({ code: z.string().min(1).max(15) }),
        components: z.array(jsonObject).optional(),
      })
      .optional(),
    /** Meta's interactive object (buttons, lists, ...). */
    interactive: z.looseObject({ type: z.string().min(1) }).optional(),
  })
  .superRefine((input, issue) => {
    const type = statedTypeOf(input) ?? 'text';
    const need = (field: string, message: string) =>
      issue.addIssue({ code: 'custom', path: [field], message });
    if (type === 'template' && !input.template) need('template', 'Required for a template message');
    if (type === 'interactive' && !input.interactive)
      need('interactive', 'Required for an interactive message');
    if (mediaTypes.includes(type) && !input.attachment_ids?.length)
      need('attachment_ids', `A ${type} message needs an attachment`);
    if (type === 'text' && !input.body && !input.attachment_ids?.length)
      need('body', 'Required for a text message');
    if (input.template && type !== 'template') need('template', 'Only for a template message');
    if (input.interactive && type !== 'interactive') need('interactive', 'Only for an interactive message');
  });
export type SendMessageInput = z.infer<typeof sendMessageBody>;

/**
 * The type the body states: `type`, or a template or interactive object. Undefined when the stored
 * media decide (the first attachment's kind) or, without attachments, for text.
 */
export function statedTypeOf(input: Pick<SendMessageInput, 'type' | 'template' | 'interactive'>) {
  return input.type ?? (input.template ? 'template' : input.interactive ? 'interactive' : undefined);
}

export const editMessageBody = z.strictObject({ body: z.string().trim().min(1).max(4096) });
export type EditMessageInput = z.infer<typeof editMessageBody>;

export const messageListQuery = pageQuery.extend({
  conversation_id: z.uuid().optional(),
  sender_type: z.enum(messageSenderTypes).optional(),
});
export type MessageListQuery = z.infer<typeof messageListQuery>;

export const messageCursorQuery = cursorQuery.extend({
  direction: z.enum(['older', 'newer']).default('older'),
});
export type MessageCursorQuery = z.infer<typeof messageCursorQuery>;

export const messagePage = pageOf(messageSchema);

export const countSchema = z.object({ count: z.number().int() });
export const updatedSchema = z.object({ updated: z.number().int() });
export const unreadCountQuery = z.object({ conversation_id: z.uuid().optional() });
export const markAsReadBody = z.strictObject({
  message_ids: z.array(z.uuid()).min(1).max(500),
});

export const reactionBody = z.strictObject({
  emoji: z.string().min(1).max(32).regex(/^\S+$/, 'One emoji, no spaces'),
});
export const reactionParams = z.object({ id: z.uuid(), emoji: z.string().min(1).max(32) });

export const messageEditSchema = z.object({
  id: z.uuid(),
  body: z.string().nullable(),
  content: z.record(z.string(), z.unknown()).nullable(),
  edited_by_user_id: z.uuid().nullable(),
  created_at: z.string(),
});
