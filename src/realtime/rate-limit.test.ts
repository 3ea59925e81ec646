import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRealtimeTestApp,
  nextEvent,
  record,
  request,
  sleep,
  type ClientSocket,
  type RealtimeTestApp,
} from '../../test/helpers/realtime.js';
import { SOCKET_EVENT_LIMIT } from './rate-limit.js';

describe('the per-user socket event limit', () => {
  let t: RealtimeTestApp;
  beforeAll(async () => {
    t = await createRealtimeTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Any harmless client event counts. */
  const leave = (socket: ClientSocket) =>
    request(socket, 'leave:conversation', { conversation_id: randomUUID() });

  it('drops the 31st event of a minute with system:error RATE_LIMITED, counting all sockets of the user', async () => {
    const user = await t.createUser('agent');
    const [first, second] = await Promise.all([t.connect(user.token), t.connect(user.token)]);
    const left = [record(first, 'left_conversation'), record(second, 'left_conversation')];
    for (let i = 0; i < SOCKET_EVENT_LIMIT; i++) {
      expect(await leave(i % 2 ? first : second)).toEqual({ ok: true });
    }
    const error = nextEvent(first, 'system:error');
    expect(await leave(first)).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(await error).toEqual({
      code: 'RATE_LIMITED',
      message: expect.stringContaining('leave:conversation'),
    });
    // Emits may trail their acks (with recovery on they go through the adapter): let them land.
    await sleep(200);
    expect(left[0]!.length + left[1]!.length).toBe(SOCKET_EVENT_LIMIT);
  });

  it('does not limit another user', async () => {
    const busy = await t.createUser('agent');
    const calm = await t.createUser('agent');
    const [busySocket, calmSocket] = await Promise.all([t.connect(busy.token), t.connect(calm.token)]);
    for (let i = 0; i <= SOCKET_EVENT_LIMIT; i++) await leave(busySocket);
    expect(await leave(calmSocket)).toEqual({ ok: true });
  });
});
