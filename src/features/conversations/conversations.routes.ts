import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { pageQuery } from '../../http/pagination.js';
import { authErrors, idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import type { AssignmentService } from './conversation-assignment.service.js';
import {
  assignBody,
  conversationCursorPage,
  conversationCursorQuery,
  conversationEventPage,
  conversationListQuery,
  conversationPage,
  conversationSchema,
  createConversationBody,
  transferBody,
  updateConversationBody,
} from './conversations.schema.js';
import type { ConversationsService } from './conversations.service.js';

const tags = ['conversations'];
const canWrite = requirePermission('conversations:write');
const canAssign = requirePermission('conversations:assign');
const canDelete = requirePermission('conversations:read_all', 'conversations:write');
const PRIVACY =
  'Agents see their own, unassigned and bot-assigned conversations; holders of conversations:read_all see all. ' +
  'A conversation the caller may not see is 404.';
const one = { 200: conversationSchema, ...idErrors };

export function conversationsRoutes(conversations: ConversationsService, assignment: AssignmentService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/conversations',
      {
        schema: {
          tags,
          description: `Newest activity first, every status unless \`status\` is given. ${PRIVACY}`,
          querystring: conversationListQuery,
          response: { 200: conversationPage, ...authErrors },
        },
      },
      (req) => conversations.list(ctxOf(req), req.query),
    );

    r.get(
      '/conversations/cursor',
      {
        schema: {
          tags,
          description:
            'Keyset list by last_message_at desc, id desc: conversations created during a walk never ' +
            'repeat or shift later pages; one that gets a new message moves to the top (real-time events ' +
            `announce it). Same filters as GET /conversations. ${PRIVACY}`,
          querystring: conversationCursorQuery,
          response: { 200: conversationCursorPage, ...authErrors },
        },
      },
      (req) => conversations.listByCursor(ctxOf(req), req.query),
    );

    r.post(
      '/conversations',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description:
            'Opens a conversation in the queue. One open conversation per contact and number (409). A ' +
            'contact the caller may not read (GET /contacts/:id answers 404) is 404 here too, and nothing is created.',
          body: createConversationBody,
          response: { 201: conversationSchema, 409: problemSchema, ...idErrors },
        },
      },
      async (req, reply) => reply.status(201).send(await conversations.create(ctxOf(req), req.body)),
    );

    r.get(
      '/conversations/:id',
      { schema: { tags, description: PRIVACY, params: uuidParam, response: one } },
      (req) => conversations.get(ctxOf(req), req.params.id),
    );

    r.patch(
      '/conversations/:id',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description:
            'status: `closed` from any status; `queue` reopens a closed conversation (unassigned); `active` ' +
            'needs an assignee; `transferred` only through POST .../transfer.',
          params: uuidParam,
          body: updateConversationBody,
          response: { ...one, 409: problemSchema },
        },
      },
      (req) => conversations.update(ctxOf(req), req.params.id, req.body),
    );

    r.delete(
      '/conversations/:id',
      {
        preValidation: canDelete,
        schema: {
          tags,
          description:
            'Deletes the conversation and its messages (conversations:read_all + conversations:write).',
          params: uuidParam,
          response: { 204: z.null(), ...idErrors },
        },
      },
      async (req, reply) => {
        await conversations.remove(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );

    r.patch(
      '/conversations/:id/assign',
      {
        preValidation: canAssign,
        schema: {
          tags,
          description:
            '`{user_id}`, `{bot_id}`, or `{}` for the caller; both -> 400 ASSIGNMENT_CONFLICT. Resets ' +
            'unread_count; queue/transferred -> active. Without conversations:read_all (agents) a caller may ' +
            'only assign to itself (403 otherwise); agents hand their own conversations over with transfer.',
          params: uuidParam,
          body: assignBody.nullish(),
          response: one,
        },
      },
      (req) => assignment.assign(ctxOf(req), req.params.id, req.body ?? {}),
    );

    r.patch(
      '/conversations/:id/unassign',
      {
        preValidation: canAssign,
        schema: {
          tags,
          description:
            'Back to the queue (a closed conversation stays closed). Agents may only unassign their own.',
          params: uuidParam,
          response: one,
        },
      },
      (req) => assignment.unassign(ctxOf(req), req.params.id),
    );

    r.post(
      '/conversations/:id/transfer',
      {
        preValidation: canAssign,
        schema: {
          tags,
          description:
            'Hands the conversation to a user or a bot with an optional note (kept in its events). It stays ' +
            '`transferred` until the new assignee sends a message or assigns it to itself. Agents may ' +
            'only transfer their own conversations; closed ones cannot be transferred.',
          params: uuidParam,
          body: transferBody,
          response: one,
        },
      },
      (req) => assignment.transfer(ctxOf(req), req.params.id, req.body),
    );

    r.patch(
      '/conversations/:id/read',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description: "Marks the contact's messages read and resets unread_count.",
          params: uuidParam,
          response: one,
        },
      },
      (req) => conversations.markRead(ctxOf(req), req.params.id),
    );

    r.patch(
      '/conversations/:id/unread',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description: 'Flags the conversation unread (read: false).',
          params: uuidParam,
          response: one,
        },
      },
      (req) => conversations.markUnread(ctxOf(req), req.params.id),
    );

    r.get(
      '/conversations/:id/events',
      {
        schema: {
          tags,
          description: 'The assignment, status and transfer trail, oldest first.',
          params: uuidParam,
          querystring: pageQuery,
          response: { 200: conversationEventPage, ...idErrors },
        },
      },
      (req) => conversations.events(ctxOf(req), req.params.id, req.query),
    );
  };
}
