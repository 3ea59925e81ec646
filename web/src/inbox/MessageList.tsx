import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { api } from '../api/endpoints';
import type { Conversation, Message, User } from '../api/types';
import { useTypists } from '../realtime/typing';
import { ErrorText } from '../ui/ErrorText';
import { keys, messagesOf, putMessage } from './cache';
import { dayLabel, sameDay } from './format';
import { MessageBubble } from './MessageBubble';

const NEAR_BOTTOM_PX = 120;

interface Props {
  conversation: Conversation;
  me: User;
  users: Map<string, User>;
  nameOf: (m: Message) => string;
  onReply: (m: Message) => void;
  onError: (err: unknown) => void;
}

function TypingLine({ conversationId, users }: { conversationId: string; users: Map<string, User> }) {
  const typists = useTypists(conversationId);
  if (!typists.length) return null;
  const names = typists.map((id) => users.get(id)?.name ?? 'Someone');
  return (
    <div className="typing" aria-live="polite">
      <span className="dots" aria-hidden="true">
        <i />
        <i />
        <i />
      </span>
      {names.join(', ')} {names.length > 1 ? 'are' : 'is'} typing…
    </div>
  );
}

/** The thread: newest at the bottom, older pages load as the top comes into view. */
export function MessageList({ conversation, me, users, nameOf, onReply, onError }: Props) {
  const qc = useQueryClient();
  const query = useInfiniteQuery({
    queryKey: keys.messages(conversation.id),
    queryFn: ({ pageParam }) => api.messages(conversation.id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.meta.next_cursor,
  });
  const messages = useMemo(() => messagesOf(query.data), [query.data]);
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);

  const react = useCallback(
    (m: Message, emoji: string, remove: boolean) => {
      (remove ? api.unreact(m.id, emoji) : api.react(m.id, emoji)).then(
        (updated) => putMessage(qc, updated),
        onError,
      );
    },
    [qc, onError],
  );

  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const seen = useRef({ oldest: '', newest: '', height: 0, top: 0 });

  // Keep the reader's place: at the bottom for new messages, still when older ones load above.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !messages.length) return;
    const oldest = messages[0]!.id;
    const newest = messages.at(-1)!;
    const prev = seen.current;
    if (!prev.newest) el.scrollTop = el.scrollHeight;
    else if (oldest !== prev.oldest && newest.id === prev.newest)
      el.scrollTop = prev.top + el.scrollHeight - prev.height;
    else if (newest.id !== prev.newest && (stick.current || newest.sender_user_id === me.id))
      el.scrollTop = el.scrollHeight;
    seen.current = { oldest, newest: newest.id, height: el.scrollHeight, top: el.scrollTop };
  }, [messages, me.id]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    seen.current.top = el.scrollTop;
    seen.current.height = el.scrollHeight;
  };

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    const target = topSentinel.current;
    if (!target || !hasNextPage) return;
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting && !isFetchingNextPage) void fetchNextPage();
      },
      { root: scroller.current, rootMargin: '200px 0px 0px 0px' },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <div
      className="messages"
      ref={scroller}
      onScroll={onScroll}
      // Images and players grow after load: stay at the bottom if we were there.
      onLoadCapture={() => {
        if (stick.current && scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
      }}
      role="log"
      aria-label="Messages"
      tabIndex={0}
    >
      <div ref={topSentinel} className="sentinel" />
      {isFetchingNextPage && <p className="muted center">Loading older messages…</p>}
      {!hasNextPage && messages.length > 0 && <p className="muted center small">Start of the conversation</p>}
      {query.isPending && <p className="muted center">Loading messages…</p>}
      {query.isError && <ErrorText error={query.error} />}
      {query.isSuccess && !messages.length && <p className="muted center">No messages yet. Say hello!</p>}
      {messages.map((m, i) => {
        const prev = messages[i - 1];
        return (
          <Fragment key={m.id}>
            {(!prev || !sameDay(prev.created_at, m.created_at)) && (
              <div className="day-separator" role="separator">
                <span>{dayLabel(m.created_at)}</span>
              </div>
            )}
            <MessageBubble
              message={m}
              quoted={m.reply_to_id ? byId.get(m.reply_to_id) : undefined}
              nameOf={nameOf}
              meId={me.id}
              onReply={onReply}
              onReact={react}
            />
          </Fragment>
        );
      })}
      <TypingLine conversationId={conversation.id} users={users} />
    </div>
  );
}
