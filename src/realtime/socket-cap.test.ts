import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRealtimeTestApp,
  type ClientSocket,
  type RealtimeTestApp,
} from '../../test/helpers/realtime.js';

const MAX = 3;

type Refusal = Error & { data?: { code: string; message: string } };

const refusalOf = (attempt: Promise<ClientSocket>) =>
  attempt.then(
    () => {
      throw new Error('the connection was accepted');
    },
    (err: Refusal) => err,
  );

describe('sockets per user (WS_MAX_SOCKETS_PER_USER)', () => {
  let t: RealtimeTestApp;
  beforeAll(async () => {
    t = await createRealtimeTestApp({ WS_MAX_SOCKETS_PER_USER: String(MAX) });
  });
  afterAll(async () => {
    await t.close();
  });

  const open = async (token: string, n: number) => {
    const sockets: ClientSocket[] = [];
    for (let i = 0; i < n; i++) sockets.push(await t.connect(token));
    return sockets;
  };

  it('refuses one socket over the cap with RATE_LIMITED and keeps the others connected', async () => {
    const agent = await t.createUser('agent');
    const held = await open(agent.token, MAX);
    const err = await refusalOf(t.connect(agent.token));
    expect(err.message).toBe('RATE_LIMITED');
    expect(err.data).toEqual({ code: 'RATE_LIMITED', message: expect.stringContaining(`${MAX}`) });
    expect(held.every((s) => s.connected)).toBe(true);
    // The held sockets still talk to the server.
    const ack = await held[0]!.timeout(2000).emitWithAck('join:conversation', { conversation_id: 'x' });
    expect(ack).toMatchObject({ ok: false });
    // The cap is the user's: another user of the tenant still connects.
    const other = await t.createUser('agent');
    expect((await t.connect(other.token)).connected).toBe(true);
  });

  it('lets a new socket in once one of the user’s sockets has closed', async () => {
    const agent = await t.createUser('agent');
    const [first] = await open(agent.token, MAX);
    await refusalOf(t.connect(agent.token));
    first!.close();
    await expect
      .poll(() =>
        t.connect(agent.token).then(
          (s) => s.connected,
          () => false,
        ),
      )
      .toBe(true);
  });

  it('admits exactly the cap when one user opens many sockets at once', async () => {
    const agent = await t.createUser('agent');
    const outcomes = await Promise.allSettled(Array.from({ length: MAX + 3 }, () => t.connect(agent.token)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(MAX);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused.map((o) => (o.reason as Error).message)).toEqual(Array(3).fill('RATE_LIMITED'));
  });
});
