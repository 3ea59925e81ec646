import { useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import { ApiError } from '../api/http';
import { can } from '../api/session';
import type { Conversation, CursorPage, Message, User } from '../api/types';
import { openConversation } from '../router';
import { ErrorText } from '../ui/ErrorText';
import { useDocumentVisible } from '../ui/useDocumentVisible';
import { dropConversation, keys, putConversation } from './cache';
import { Composer } from './Composer';
import { ContactPanel } from './ContactPanel';
import { ConversationHeader } from './ConversationHeader';
import { contactName } from './format';
import { MessageList } from './MessageList';
import { useUsers } from './queries';

/** The conversation as a list already has it, so the header shows at once. */
function fromLists(qc: ReturnType<typeof useQueryClient>, id: string): Conversation | undefined {
  for (const [, data] of qc.getQueriesData<InfiniteData<CursorPage<Conversation>>>({
    queryKey: keys.conversationLists,
  })) {
    const found = data?.pages.flatMap((p) => p.data).find((c) => c.id === id);
    if (found) return found;
  }
  return undefined;
}

interface Props {
  id: string;
  me: User;
  contactOpen: boolean;
  onToggleContact: () => void;
  onError: (err: unknown) => void;
}

export function ConversationView({ id, me, contactOpen, onToggleContact, onError }: Props) {
  const qc = useQueryClient();
  const users = useUsers();
  const visible = useDocumentVisible();
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const query = useQuery({
    queryKey: keys.conversation(id),
    queryFn: () => api.conversation(id),
    placeholderData: () => fromLists(qc, id),
  });
  const conversation = query.data;
  const gone = query.error instanceof ApiError && query.error.status === 404;

  useEffect(() => {
    if (gone) dropConversation(qc, id);
  }, [gone, qc, id]);

  // Open and on screen means read: the badge clears and WhatsApp gets a read receipt.
  const unread = conversation ? conversation.unread_count > 0 || !conversation.read : false;
  const marking = useRef(false);
  useEffect(() => {
    if (!unread || !visible || marking.current || query.isPlaceholderData) return;
    marking.current = true;
    api
      .markRead(id)
      .then((c) => putConversation(qc, c, me), onError)
      .finally(() => (marking.current = false));
  }, [unread, visible, id, qc, me, onError, query.isPlaceholderData]);

  const act = useMutation({
    mutationFn: (action: () => Promise<Conversation>) => action(),
    onSuccess: (c) => putConversation(qc, c, me),
    onError,
  });
  const run = act.mutate;

  // Stable while the names stay the same, so unchanged messages are not drawn again.
  const customer = conversation ? contactName(conversation.contact) : 'Customer';
  const nameOf = useCallback(
    (m: Message) => {
      if (m.sender_type === 'contact') return customer;
      if (m.sender_type === 'bot') return 'Bot';
      if (m.sender_user_id === me.id) return 'You';
      return users.get(m.sender_user_id ?? '')?.name ?? 'Agent';
    },
    [customer, me.id, users],
  );

  if (gone) {
    return (
      <section className="thread empty-state">
        <p>This conversation is not available to you any more (it may have been assigned to someone else).</p>
        <button type="button" onClick={() => openConversation(null)}>
          Back to the list
        </button>
      </section>
    );
  }
  if (!conversation) {
    return (
      <section className="thread empty-state">
        {query.isError ? <ErrorText error={query.error} /> : <p className="muted">Loading conversation…</p>}
      </section>
    );
  }
  return (
    <>
      <section className="thread" aria-label={`Conversation with ${contactName(conversation.contact)}`}>
        <ConversationHeader
          conversation={conversation}
          me={me}
          users={users}
          busy={act.isPending}
          canAssign={can(me, 'conversations:assign')}
          contactOpen={contactOpen}
          onToggleContact={onToggleContact}
          run={run}
        />
        <MessageList
          conversation={conversation}
          me={me}
          users={users}
          nameOf={nameOf}
          onReply={setReplyTo}
          onError={onError}
        />
        <Composer
          key={conversation.id}
          conversation={conversation}
          me={me}
          replyTo={replyTo}
          onClearReply={() => setReplyTo(null)}
          nameOf={nameOf}
        />
      </section>
      {contactOpen && <ContactPanel conversation={conversation} me={me} users={users} />}
    </>
  );
}
