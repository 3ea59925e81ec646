import { io, type Socket } from 'socket.io-client';

/**
 * A child process holding many Socket.IO clients (the fan-out benchmark spreads agents over
 * several of these). Each event's payload carries the sender's Date.now(); same machine, same
 * clock, so now - sent is the delivery latency.
 */
interface Start {
  type: 'start';
  url: string;
  path?: string;
  /** One socket per entry: an app token (the /crm namespace) or a bare room name. */
  auths: { token?: string; room?: string }[];
  event: string;
}

const sockets: Socket[] = [];
let latencies: number[] = [];

const sentAt = (payload: unknown): number | undefined => {
  const p = payload as { body?: string; t?: number };
  if (typeof p.t === 'number') return p.t;
  const m = /fan (\d+)/.exec(p.body ?? '');
  return m ? Number(m[1]) : undefined;
};

/** Sockets opened at once: a storm of thousands makes the server time them out and retry. */
const CONNECTING_AT_ONCE = 50;
const send = (m: object) => {
  if (process.connected) process.send?.(m);
};

function open(msg: Start, auth: Start['auths'][number]): Promise<void> {
  return new Promise((resolve) => {
    const socket = io(msg.url, {
      transports: ['websocket'],
      reconnection: true,
      auth: auth.token ? { token: auth.token } : {},
      query: auth.room ? { room: auth.room } : {},
    });
    socket.on(msg.event, (payload: unknown) => {
      const t = sentAt(payload);
      if (t !== undefined) latencies.push(Date.now() - t);
    });
    socket.once('connect', () => resolve());
    socket.on('connect_error', (err) => send({ type: 'error', message: err.message }));
    sockets.push(socket);
  });
}

process.on('message', (raw: unknown) => {
  const msg = raw as Start | { type: 'collect' } | { type: 'stop' };
  if (msg.type === 'start') {
    const queue = [...msg.auths];
    const lane = async () => {
      for (let auth = queue.shift(); auth; auth = queue.shift()) await open(msg, auth);
    };
    void Promise.all(Array.from({ length: CONNECTING_AT_ONCE }, lane)).then(() =>
      send({ type: 'ready', connected: msg.auths.length }),
    );
  } else if (msg.type === 'collect') {
    send({ type: 'latencies', latencies });
    latencies = [];
  } else {
    for (const s of sockets) s.disconnect();
    process.exit(0);
  }
});
