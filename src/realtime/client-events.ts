import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { canSeeConversation } from '../features/conversations/conversation-access.js';
import { settableStatusSchema } from '../features/presence/presence.schema.js';
import { findConversationAccess } from './conversation-reads.js';
import type { PresenceTracker } from './presence-tracker.js';
import { rooms } from './rooms.js';
import { currentAccess, type CrmSocket } from './socket-auth.js';
import type { TypingTracker } from './typing.js';

type Failure = { ok: false; code: 'VALIDATION_ERROR' | 'NOT_FOUND' | 'INTERNAL_ERROR'; message: string };
export type AckResult = ({ ok: true } & Record<string, unknown>) | Failure;

const conversationRef = z.strictObject({ conversation_id: z.uuid() });
const presenceBody = z.strictObject({ status: settableStatusSchema });

const OK = { ok: true } as const;
const NOT_FOUND: Failure = { ok: false, code: 'NOT_FOUND', message: 'Conversation not found' };

export interface ClientEventDeps {
  db: Db;
  typing: TypingTracker;
  presence: PresenceTracker;
  logger: Logger;
}

/** The acknowledgement when the client asked for one; otherwise a failure becomes system:error. */
function respond(socket: CrmSocket, ack: unknown, result: AckResult): void {
  if (typeof ack === 'function') (ack as (r: AckResult) => void)(result);
  else if (!result.ok) socket.emit('system:error', { code: result.code, message: result.message });
}

/** Client -> server events of API.md, each validated, each answered. */
export function handleClientEvents(socket: CrmSocket, { db, typing, presence, logger }: ClientEventDeps) {
  const user = { userId: socket.data.userId, tenantId: socket.data.tenantId };
  const now = () => new Date().toISOString();

  function on<S extends z.ZodType>(
    event: string,
    schema: S,
    handle: (input: z.infer<S>) => Promise<AckResult>,
  ) {
    socket.on(event, (payload: unknown, ack?: unknown) => {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        const detail = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ');
        return respond(socket, ack, {
          ok: false,
          code: 'VALIDATION_ERROR',
          message: `Invalid ${event}: ${detail}`,
        });
      }
      handle(parsed.data).then(
        (result) => respond(socket, ack, result),
        (err: unknown) => {
          logger.error({ err, event }, 'socket event failed');
          respond(socket, ack, { ok: false, code: 'INTERNAL_ERROR', message: 'Something went wrong' });
        },
      );
    });
  }

  /** A conversation the socket has joined: joins are access-checked and revoked when access ends. */
  const joined = (conversationId: string) => socket.rooms.has(rooms.conversation(conversationId));

  on('join:conversation', conversationRef, async ({ conversation_id }) => {
    const access = await currentAccess(db, socket.data);
    if (!access) {
      socket.disconnect(true);
      return NOT_FOUND;
    }
    const row = await findConversationAccess(db, access.tenantId, conversation_id);
    if (!row || !canSeeConversation(access, row)) return NOT_FOUND;
    await socket.join(rooms.conversation(conversation_id));
    socket.emit('joined_conversation', { conversation_id, timestamp: now() });
    return OK;
  });

  on('leave:conversation', conversationRef, async ({ conversation_id }) => {
    typing.stop(user, conversation_id);
    await socket.leave(rooms.conversation(conversation_id));
    socket.emit('left_conversation', { conversation_id, timestamp: now() });
    return OK;
  });

  on('typing:start', conversationRef, async ({ conversation_id }) => {
    if (!joined(conversation_id)) return NOT_FOUND;
    typing.start(user, conversation_id, socket.id);
    return OK;
  });

  on('typing:stop', conversationRef, async ({ conversation_id }) => {
    if (!joined(conversation_id)) return NOT_FOUND;
    typing.stop(user, conversation_id);
    return OK;
  });

  on('presence:update', presenceBody, async ({ status }) => ({
    ok: true,
    status: await presence.choose(user, status),
  }));
}
