import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * The fan-out baseline: a bare Socket.IO server (no auth, no database, no adapter) that emits
 * `{t: Date.now()}` when told to, to everyone or to one room. Rooms come from the handshake query.
 */
const http = createServer();
const ioServer = new Server(http, { transports: ['websocket'] });
ioServer.on('connection', (socket) => {
  const room = socket.handshake.query.room;
  if (typeof room === 'string') void socket.join(room);
});

process.on('message', (raw: unknown) => {
  const msg = raw as { type: 'emit'; room?: string } | { type: 'stop' };
  if (msg.type === 'emit') {
    const target = msg.room ? ioServer.to(msg.room) : ioServer;
    target.emit('bare', { t: Date.now() });
  } else {
    void ioServer.close();
    process.exit(0);
  }
});

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as { port: number };
  process.send?.({ type: 'listening', port });
});
