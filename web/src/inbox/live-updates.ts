import { useQueryClient } from '@tanstack/react-query';
import type { Conversation, Message, User } from '../api/types';
import { useSocketEvent } from '../realtime/RealtimeProvider';
import type { ConversationGone } from '../realtime/socket';
import { typingStore } from '../realtime/typing';
import { forgetConversation, keys, putConversation, putMessage } from './cache';

export type GoneReason = 'removed' | 'deleted';

export interface LiveUpdateHandlers {
  onSystemError: (message: string) => void;
  /** A conversation left the user's view; it is already out of every list. */
  onGone: (conversationId: string, reason: GoneReason) => void;
}

/** Server events -> the query cache: lists, threads and presence stay live without refetching. */
export function useLiveUpdates(me: User, { onSystemError, onGone }: LiveUpdateHandlers) {
  const qc = useQueryClient();
  const gone = (reason: GoneReason) => (e: ConversationGone) => {
    onGone(e.conversation_id, reason);
    forgetConversation(qc, e.conversation_id);
  };
  const conversation = (c: Conversation) => putConversation(qc, c, me);
  const message = (m: Message) => putMessage(qc, m);

  useSocketEvent('conversation:new', (c) => putConversation(qc, c, me, true));
  useSocketEvent('conversation:updated', conversation);
  useSocketEvent('conversation:assigned', conversation);
  useSocketEvent('conversation:status_changed', conversation);
  useSocketEvent('conversation:unread_reset', conversation);
  useSocketEvent('conversation:read', conversation);
  useSocketEvent('conversation:unread', conversation);
  useSocketEvent('conversation:removed', gone('removed'));
  useSocketEvent('conversation:deleted', gone('deleted'));
  useSocketEvent('message:new', (m) => {
    putMessage(qc, m, true);
    // A message ends its sender's typing indicator.
    if (m.sender_user_id) typingStore.stop(m.conversation_id, m.sender_user_id);
  });
  useSocketEvent('message:status', message);
  useSocketEvent('message:updated', message);
  useSocketEvent('message:reaction', message);
  useSocketEvent(
    'typing:start',
    (e) => e.user_id !== me.id && typingStore.start(e.conversation_id, e.user_id),
  );
  useSocketEvent('typing:stop', (e) => typingStore.stop(e.conversation_id, e.user_id));
  useSocketEvent('presence:update', (e) => {
    qc.setQueryData<{ data: User[] }>(keys.users, (page) =>
      page
        ? {
            ...page,
            data: page.data.map((u) =>
              u.id === e.user_id ? { ...u, presence: e.status, online: e.status !== 'offline' } : u,
            ),
          }
        : page,
    );
  });
  useSocketEvent('system:error', (e) => {
    // A dropped typing event is not worth interrupting anyone for.
    if (e.code !== 'RATE_LIMITED') onSystemError(e.message);
  });
}
