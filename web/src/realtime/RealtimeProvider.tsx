import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Socket } from 'socket.io-client';
import { connectRealtime, type CrmSocket, type ServerEvents } from './socket';

export type Connection = 'connecting' | 'online' | 'offline';

const SocketContext = createContext<{ socket: CrmSocket | null; connection: Connection }>({
  socket: null,
  connection: 'connecting',
});

/**
 * One socket for the logged-in user. Whenever it connects without recovering a session, everything
 * is refetched: after a reconnect that lost events, and on the first connect too, since what was
 * fetched before the socket was in its rooms may already have missed an event.
 */
export function RealtimeProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [socket, setSocket] = useState<CrmSocket | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');

  useEffect(() => {
    const s = connectRealtime();
    s.on('connect', () => {
      setConnection('online');
      if (!s.recovered) void queryClient.invalidateQueries();
    });
    s.on('disconnect', () => setConnection('offline'));
    s.on('connect_error', () => setConnection('offline'));
    setSocket(s);
    return () => {
      s.disconnect();
      setSocket(null);
    };
  }, [userId, queryClient]);

  return <SocketContext.Provider value={{ socket, connection }}>{children}</SocketContext.Provider>;
}

export const useSocket = () => useContext(SocketContext).socket;
export const useConnection = () => useContext(SocketContext).connection;

/** Subscribes to a server event for as long as the component lives; the latest handler is used. */
export function useSocketEvent<E extends keyof ServerEvents>(event: E, handler: ServerEvents[E]) {
  const socket = useSocket();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!socket) return;
    const listener = (payload: unknown) => (latest.current as (p: unknown) => void)(payload);
    // Every event of ServerEvents has one payload argument, so this listener fits each of them.
    const untyped = socket as unknown as Socket;
    const name: string = event;
    untyped.on(name, listener);
    return () => void untyped.off(name, listener);
  }, [socket, event]);
}
