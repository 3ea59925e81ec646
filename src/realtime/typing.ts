/** API.md: typing auto-stops after 3 s without a new typing:start. */
export const TYPING_STOP_AFTER_MS = 3_000;
/**
 * An indicator not refreshed for 10 s is stale: clients drop it, which covers a typing:stop that
 * never came (its instance crashed, the client missed it). So that a live one never looks stale,
 * typing:start is announced again every half of that while a burst goes on.
 */
export const TYPING_STALE_AFTER_MS = 10_000;
const REANNOUNCE_AFTER_MS = TYPING_STALE_AFTER_MS / 2;

export type TypingEvent = 'typing:start' | 'typing:stop';

/** Who is typing: the typist, in their tenant. */
export interface Typist {
  tenantId: string;
  userId: string;
}

/** Sends a typing event about a conversation to its audience, the typist's own sockets excepted. */
export type TypingAnnouncer = (event: TypingEvent, typist: Typist, conversationId: string) => void;

interface Typing {
  typist: Typist;
  conversationId: string;
  socketId: string;
  announcedAt: number;
  timer: NodeJS.Timeout;
}

/**
 * Who is typing where, on this instance. An indicator ends with typing:stop from the client, after
 * 3 s of silence, when the conversation is left, or when the socket that started it goes away.
 */
export function createTypingTracker(announce: TypingAnnouncer, stopAfterMs = TYPING_STOP_AFTER_MS) {
  const typing = new Map<string, Typing>();
  const keyOf = (conversationId: string, userId: string) => `${conversationId}:${userId}`;

  function stop(typist: Typist, conversationId: string): void {
    const key = keyOf(conversationId, typist.userId);
    const entry = typing.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    typing.delete(key);
    announce('typing:stop', entry.typist, conversationId);
  }

  return {
    start(typist: Typist, conversationId: string, socketId: string): void {
      const key = keyOf(conversationId, typist.userId);
      const entry = typing.get(key);
      let announcedAt = entry?.announcedAt ?? 0;
      if (entry) clearTimeout(entry.timer);
      if (Date.now() - announcedAt >= REANNOUNCE_AFTER_MS) {
        announce('typing:start', typist, conversationId);
        announcedAt = Date.now();
      }
      const timer = setTimeout(() => stop(typist, conversationId), stopAfterMs);
      timer.unref();
      typing.set(key, { typist, conversationId, socketId, announcedAt, timer });
    },

    stop,

    /** The socket disconnected: end what it was typing. */
    dropSocket(socketId: string): void {
      for (const entry of [...typing.values()]) {
        if (entry.socketId === socketId) stop(entry.typist, entry.conversationId);
      }
    },

    close(): void {
      for (const entry of typing.values()) clearTimeout(entry.timer);
      typing.clear();
    },
  };
}

export type TypingTracker = ReturnType<typeof createTypingTracker>;
