import { z } from 'zod';
import { cursorOf, cursorQuery, pageOf, pageQuery } from '../../http/pagination.js';
import { messageSchema } from '../messages/messages.schema.js';
import {
  conversationEventKinds,
  conversationPriorities,
  conversationStatuses,
} from './conversations.table.js';

export const conversationSchema = z.object({
  id: z.uuid(),
  contact: z.object({
    id: z.uuid(),
    name: z.string().nullable(),
    phone_number: z.string().nullable(),
    external_id: z.string().nullable(),
  }),
  integration_id: z.uuid().nullable(),
  status: z.enum(conversationStatuses),
  assigned_user_id: z.uuid().nullable(),
  assigned_bot_id: z.uuid().nullable(),
  unread_count: z.number().int(),
  read: z.boolean(),
  priority: z.enum(conversationPriorities),
  window_expires_at: z.string().nullable(),
  last_message: messageSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConversationDto = z.infer<typeof conversationSchema>;

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const conversationFilters = z.object({
  status: z.enum(conversationStatuses).optional(),
  /** me: assigned to the caller; unassigned: to nobody; bot: to any bot; all: whatever the caller may see. */
  assignee: z.enum(['me', 'unassigned', 'bot', 'all']).default('all'),
  assigned_user_id: z.uuid().optional(),
  tag_id: z.uuid().optional(),
  integration_id: z.uuid().optional(),
  /** true: not read yet (new contact messages or marked unread); false: read. */
  unread: flag.optional(),
  /** Matches the contact's name, phone number or email. */
  search: z.string().trim().min(1).max(100).optional(),
});
export type ConversationFilters = z.infer<typeof conversationFilters>;

export const conversationListQuery = pageQuery.extend(conversationFilters.shape);
export const conversationCursorQuery = cursorQuery.extend(conversationFilters.shape);
export const conversationPage = pageOf(conversationSchema);
export const conversationCursorPage = cursorOf(conversationSchema);

export const createConversationBody = z.strictObject({
  contact_id: z.uuid(),
  /** The WhatsApp number the conversation runs on; null for a conversation outside WhatsApp. */
  integration_id: z.uuid().nullable().optional(),
});
export type CreateConversationInput = z.infer<typeof createConversationBody>;

export const updateConversationBody = z.strictObject({
  status: z.enum(conversationStatuses).optional(),
  priority: z.enum(conversationPriorities).optional(),
});
export type UpdateConversationInput = z.infer<typeof updateConversationBody>;

export const assignBody = z.strictObject({ user_id: z.uuid().optional(), bot_id: z.uuid().optional() });
export type AssignInput = z.infer<typeof assignBody>;

export const transferBody = z.strictObject({
  user_id: z.uuid().optional(),
  bot_id: z.uuid().optional(),
  note: z.string().trim().min(1).max(1000).optional(),
});
export type TransferInput = z.infer<typeof transferBody>;

export const conversationEventSchema = z.object({
  id: z.uuid(),
  conversation_id: z.uuid(),
  kind: z.enum(conversationEventKinds),
  actor_user_id: z.uuid().nullable(),
  from_user_id: z.uuid().nullable(),
  to_user_id: z.uuid().nullable(),
  from_bot_id: z.uuid().nullable(),
  to_bot_id: z.uuid().nullable(),
  from_status: z.enum(conversationStatuses).nullable(),
  to_status: z.enum(conversationStatuses).nullable(),
  note: z.string().nullable(),
  created_at: z.string(),
});
export const conversationEventPage = pageOf(conversationEventSchema);
