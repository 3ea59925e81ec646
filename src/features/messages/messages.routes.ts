import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { cursorOf, pageQuery } from '../../http/pagination.js';
import { authErrors, idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import type { MessageReactionsService } from './message-reactions.service.js';
import type { MessageReadsService } from './message-reads.service.js';
import {
  countSchema,
  editMessageBody,
  markAsReadBody,
  messageCursorQuery,
  messageEditSchema,
  messageListQuery,
  messagePage,
  messageSchema,
  reactionBody,
  reactionParams,
  sendMessageBody,
  unreadCountQuery,
  updatedSchema,
} from './messages.schema.js';
import type { MessageService } from './messages.service.js';

const tags = ['messages'];
const canWrite = requirePermission('messages:write');
const PRIVACY =
  'Only messages of conversations the caller may see; any other conversation or message is 404.';
const one = { 200: messageSchema, ...idErrors };

export interface MessageServices {
  messages: MessageService;
  reads: MessageReadsService;
  reactions: MessageReactionsService;
}

export function messagesRoutes({ messages, reads, reactions }: MessageServices) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/messages',
      {
        schema: {
          tags,
          description: `Newest first. ${PRIVACY}`,
          querystring: messageListQuery,
          response: { 200: messagePage, ...idErrors },
        },
      },
      (req) => messages.list(ctxOf(req), req.query),
    );

    r.post(
      '/messages',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description:
            'Sent by the caller (sender_type "user"). A non-private message in a WhatsApp conversation is queued ' +
            '(whatsapp_status "pending"); outside the 24-hour window only templates are accepted (422 ' +
            'WINDOW_CLOSED). attachment_ids are uploaded, not yet attached media of the tenant. reply_to_id ' +
            'must be a message of the same conversation.',
          body: sendMessageBody,
          response: { 201: messageSchema, 422: problemSchema, ...idErrors },
        },
      },
      async (req, reply) => reply.status(201).send(await messages.send(ctxOf(req), req.body)),
    );

    r.get(
      '/messages/unread-count',
      {
        schema: {
          tags,
          description:
            'Unread contact messages in one conversation, or in every conversation the caller can see.',
          querystring: unreadCountQuery,
          response: { 200: countSchema, ...idErrors },
        },
      },
      (req) => reads.unreadCount(ctxOf(req), req.query.conversation_id),
    );

    r.patch(
      '/messages/mark-as-read',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description: 'Marks the listed contact messages read; ids the caller cannot see are skipped.',
          body: markAsReadBody,
          response: { 200: updatedSchema, ...authErrors },
        },
      },
      (req) => reads.markRead(ctxOf(req), req.body.message_ids),
    );

    r.get(
      '/messages/:id',
      { schema: { tags, description: PRIVACY, params: uuidParam, response: one } },
      (req) => messages.get(ctxOf(req), req.params.id),
    );

    r.patch(
      '/messages/:id',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description: 'Only the author edits; the previous version is kept (GET /messages/:id/edits).',
          params: uuidParam,
          body: editMessageBody,
          response: one,
        },
      },
      (req) => messages.edit(ctxOf(req), req.params.id, req.body),
    );

    r.delete(
      '/messages/:id',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description:
            'Soft delete by the author or a holder of conversations:read_all: deleted_at is set and the ' +
            'message shows no body, content, attachments or reactions.',
          params: uuidParam,
          response: { 204: z.null(), ...idErrors },
        },
      },
      async (req, reply) => {
        await messages.remove(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );

    r.get(
      '/messages/:id/edits',
      {
        schema: {
          tags,
          description: 'Previous versions of an edited message, oldest first.',
          params: uuidParam,
          response: { 200: z.object({ data: z.array(messageEditSchema) }), ...idErrors },
        },
      },
      (req) => messages.edits(ctxOf(req), req.params.id),
    );

    r.post(
      '/messages/:id/reactions',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description: "One reaction per sender: a new emoji replaces the caller's previous one.",
          params: uuidParam,
          body: reactionBody,
          response: { 201: messageSchema, ...idErrors },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await reactions.react(ctxOf(req), req.params.id, req.body.emoji)),
    );

    r.delete(
      '/messages/:id/reactions/:emoji',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description: "Removes the caller's reaction with this emoji (404 when it has none).",
          params: reactionParams,
          response: one,
        },
      },
      (req) => reactions.unreact(ctxOf(req), req.params.id, req.params.emoji),
    );

    r.get(
      '/messages/conversation/:id',
      {
        schema: {
          tags,
          description: `Newest first. ${PRIVACY}`,
          params: uuidParam,
          querystring: pageQuery,
          response: { 200: messagePage, ...idErrors },
        },
      },
      (req) => messages.listOfConversation(ctxOf(req), req.params.id, req.query),
    );

    r.get(
      '/messages/conversation/:id/cursor',
      {
        schema: {
          tags,
          description:
            'Keyset walk over (created_at, id). direction=older (default) goes newest first from the newest; ' +
            'newer goes oldest first from the oldest. Messages arriving during a walk never repeat or skip rows.',
          params: uuidParam,
          querystring: messageCursorQuery,
          response: { 200: cursorOf(messageSchema), ...idErrors },
        },
      },
      (req) => messages.walk(ctxOf(req), req.params.id, req.query),
    );

    r.get(
      '/messages/conversation/:id/unread-contact',
      {
        schema: {
          tags,
          description: 'Contact messages not read yet.',
          params: uuidParam,
          response: { 200: countSchema, ...idErrors },
        },
      },
      (req) => reads.unreadFromContact(ctxOf(req), req.params.id),
    );

    r.get(
      '/messages/conversation/:id/unread-agent',
      {
        schema: {
          tags,
          description: 'Agent and bot messages (not private notes) the contact has not read.',
          params: uuidParam,
          response: { 200: countSchema, ...idErrors },
        },
      },
      (req) => reads.unreadByContact(ctxOf(req), req.params.id),
    );

    r.patch(
      '/messages/conversation/:id/mark-as-read',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description: 'Marks every contact message of the conversation read and resets its unread counter.',
          params: uuidParam,
          response: { 200: updatedSchema, ...idErrors },
        },
      },
      (req) => reads.markConversationRead(ctxOf(req), req.params.id),
    );
  };
}
