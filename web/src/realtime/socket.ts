import { io, type Socket } from 'socket.io-client';
import { refreshSession } from '../api/http';
import { session } from '../api/session';
import type { Conversation, Message, Presence } from '../api/types';

export interface ConversationGone {
  conversation_id: string;
  timestamp: string;
}

/** Server -> client events of API.md's "Real time" section. */
export interface ServerEvents {
  'message:new': (m: Message) => void;
  'message:status': (m: Message) => void;
  'message:updated': (m: Message) => void;
  'message:reaction': (m: Message) => void;
  'conversation:new': (c: Conversation) => void;
  'conversation:assigned': (c: Conversation) => void;
  'conversation:status_changed': (c: Conversation) => void;
  'conversation:updated': (c: Conversation) => void;
  'conversation:unread_reset': (c: Conversation) => void;
  'conversation:read': (c: Conversation) => void;
  'conversation:unread': (c: Conversation) => void;
  /** The conversation left this user's view (assigned or transferred to someone else). */
  'conversation:removed': (e: ConversationGone) => void;
  'conversation:deleted': (e: ConversationGone) => void;
  'typing:start': (e: { conversation_id: string; user_id: string }) => void;
  'typing:stop': (e: { conversation_id: string; user_id: string }) => void;
  'presence:update': (e: { user_id: string; status: Presence }) => void;
  'system:error': (e: { code: string; message: string }) => void;
}

export type Ack = { ok: true } | { ok: false; code: string; message: string };

export interface ClientEvents {
  'join:conversation': (e: { conversation_id: string }, ack: (r: Ack) => void) => void;
  'leave:conversation': (e: { conversation_id: string }) => void;
  'typing:start': (e: { conversation_id: string }) => void;
  'typing:stop': (e: { conversation_id: string }) => void;
}

export type CrmSocket = Socket<ServerEvents, ClientEvents>;

const RETRY_MS = 5_000;

/**
 * The /crm connection. The token is read at every (re)connection; a refused token is rotated
 * once and the connection tried again, and a refused rotation ends the session. The server drops
 * a socket when its session ends (logout elsewhere, a new password, a removed user) or its token
 * expires: a rotation then tells which, and either reconnects or sends the user to the login page.
 */
export function connectRealtime(): CrmSocket {
  const socket: CrmSocket = io('/crm', {
    auth: (cb) => cb({ token: session.get()?.access_token }),
    transports: ['websocket', 'polling'],
  });
  let rotatedFor: string | undefined;
  socket.on('connect', () => (rotatedFor = undefined));
  socket.on('disconnect', (reason) => {
    // Any other reason: Socket.IO reconnects by itself.
    if (reason !== 'io server disconnect') return;
    const token = session.get()?.access_token;
    if (!token) return;
    void refreshSession(token).then((fresh) => {
      if (fresh) socket.connect();
      // Not refused, only unreachable: try again later with whatever token the session then holds.
      else window.setTimeout(() => session.get() && socket.connect(), RETRY_MS);
    });
  });
  socket.on('connect_error', (err) => {
    // Transport trouble: Socket.IO retries by itself. A refusal by the server's middleware: we must.
    if (socket.active) return;
    const token = session.get()?.access_token;
    if (!token) return;
    if (err.message === 'UNAUTHENTICATED' && rotatedFor !== token) {
      rotatedFor = token;
      void refreshSession(token).then((fresh) => fresh && socket.connect());
      return;
    }
    window.setTimeout(() => session.get() && socket.connect(), RETRY_MS);
  });
  return socket;
}
