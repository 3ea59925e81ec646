import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { api, type ConversationFilters } from '../api/endpoints';
import type { User } from '../api/types';
import { openConversation } from '../router';
import { ErrorText } from '../ui/ErrorText';
import { conversationsOf, keys } from './cache';
import { ConversationItem } from './ConversationItem';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/** The list for the current filters: live (see cache.ts), more pages as its end scrolls into view. */
export function ConversationList({
  filters,
  me,
  openId,
}: {
  filters: ConversationFilters;
  me: User;
  openId: string | null;
}) {
  const query = useInfiniteQuery({
    queryKey: keys.conversations(filters),
    queryFn: ({ pageParam }) => api.conversations(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.meta.next_cursor,
  });
  const items = useMemo(() => conversationsOf(query.data), [query.data]);
  const end = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;

  useEffect(() => {
    const target = end.current;
    if (!target || !hasNextPage) return;
    const observer = new IntersectionObserver(([entry]) => {
      if (entry?.isIntersecting && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // j / k from anywhere but a text field; the arrow keys while the list has the focus.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      const inList = e.target instanceof Element && e.target.closest('.conversation-list') !== null;
      const down = e.key === 'j' || (inList && e.key === 'ArrowDown');
      const up = e.key === 'k' || (inList && e.key === 'ArrowUp');
      if ((!down && !up) || !items.length) return;
      e.preventDefault();
      const at = items.findIndex((c) => c.id === openId);
      const next = items[at === -1 ? 0 : Math.min(items.length - 1, Math.max(0, at + (down ? 1 : -1)))];
      if (!next) return;
      openConversation(next.id);
      const button = document.querySelector<HTMLElement>(`[data-conversation-id="${next.id}"]`);
      button?.scrollIntoView({ block: 'nearest' });
      if (inList) button?.focus();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [items, openId]);

  return (
    <nav className="conversation-list" aria-label="Conversations">
      {query.isPending && <p className="muted center">Loading conversations…</p>}
      {query.isError && (
        <div className="center">
          <ErrorText error={query.error} />
          <button type="button" onClick={() => void query.refetch()}>
            Try again
          </button>
        </div>
      )}
      {query.isSuccess && !items.length && <p className="muted center">No conversations here.</p>}
      <ul>
        {items.map((c) => (
          <ConversationItem
            key={c.id}
            conversation={c}
            me={me}
            selected={c.id === openId}
            onOpen={openConversation}
          />
        ))}
      </ul>
      <div ref={end} className="sentinel" />
      {isFetchingNextPage && <p className="muted center small">Loading more…</p>}
    </nav>
  );
}
