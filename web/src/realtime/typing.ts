import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { CrmSocket } from './socket';

/**
 * The server repeats typing:start every 5 s during a burst and ends it with typing:stop; an
 * indicator not refreshed for 10 s is stale (its typing:stop got lost) and disappears by itself.
 */
const STALE_AFTER_MS = 10_000;
/** The server stops an indicator after 3 s without typing:start, so we repeat it a bit sooner. */
const REPEAT_START_MS = 2_500;

const typists = new Map<string, Map<string, number>>();
const snapshots = new Map<string, string[]>();
const listeners = new Set<() => void>();
const NOBODY: string[] = [];

function changed(conversationId: string) {
  const users = typists.get(conversationId);
  if (users?.size) snapshots.set(conversationId, [...users.keys()]);
  else snapshots.delete(conversationId);
  for (const listener of listeners) listener();
}

/** Who is typing in which conversation, as the server tells us. */
export const typingStore = {
  start: (conversationId: string, userId: string) => {
    const users = typists.get(conversationId) ?? new Map<string, number>();
    window.clearTimeout(users.get(userId));
    users.set(
      userId,
      window.setTimeout(() => typingStore.stop(conversationId, userId), STALE_AFTER_MS),
    );
    typists.set(conversationId, users);
    changed(conversationId);
  },
  stop: (conversationId: string, userId: string) => {
    const users = typists.get(conversationId);
    if (!users?.has(userId)) return;
    window.clearTimeout(users.get(userId));
    users.delete(userId);
    changed(conversationId);
  },
  subscribe: (listener: () => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
  typistsOf: (conversationId: string) => snapshots.get(conversationId) ?? NOBODY,
};

/** The user ids typing in a conversation right now. */
export function useTypists(conversationId: string): string[] {
  return useSyncExternalStore(typingStore.subscribe, () => typingStore.typistsOf(conversationId));
}

/**
 * Announces our own typing. The conversation is joined (typing needs it) only once the agent
 * types: every client event counts against the 30-a-minute socket limit.
 */
export function useTypingAnnouncer(socket: CrmSocket | null, conversationId: string) {
  const joinedOn = useRef<string | undefined>(undefined);
  const lastStart = useRef(0);

  const stop = useCallback(() => {
    if (!socket || Date.now() - lastStart.current > REPEAT_START_MS + 500) return;
    lastStart.current = 0;
    socket.emit('typing:stop', { conversation_id: conversationId });
  }, [socket, conversationId]);

  const typing = useCallback(() => {
    if (!socket?.connected || Date.now() - lastStart.current < REPEAT_START_MS) return;
    lastStart.current = Date.now();
    const start = () => socket.emit('typing:start', { conversation_id: conversationId });
    if (joinedOn.current === socket.id) return start();
    socket.emit('join:conversation', { conversation_id: conversationId }, (ack) => {
      if (!ack.ok) return;
      joinedOn.current = socket.id;
      start();
    });
  }, [socket, conversationId]);

  useEffect(
    () => () => {
      stop();
      if (socket?.connected && joinedOn.current === socket.id)
        socket.emit('leave:conversation', { conversation_id: conversationId });
      joinedOn.current = undefined;
    },
    [socket, conversationId, stop],
  );

  return { typing, stop };
}
