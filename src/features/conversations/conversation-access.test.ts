import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, createConversation } from '../../../test/helpers/factories.js';
import {
  createRealtimeTestApp,
  eventually,
  record,
  request,
  sleep,
  type ClientSocket,
  type RealtimeTestApp,
} from '../../../test/helpers/realtime.js';
import { BUILT_IN_ROLES, type Permission } from '../roles/permissions.js';
import { canSeeConversation } from './conversation-access.js';

/**
 * ONE table says who may see which conversation; REST (the SQL filter), socket joins (the row
 * check) and the realtime fan-out (who is sent its events) must each give exactly its answers.
 */
const viewers = ['admin', 'supervisor', 'lead', 'agent', 'otherAgent'] as const;
type Viewer = (typeof viewers)[number];
const states = ['unassigned', 'bot', "agent's", 'foreign'] as const;
type State = (typeof states)[number];

const SEES: Record<State, Viewer[]> = {
  unassigned: ['admin', 'supervisor', 'lead', 'agent', 'otherAgent'],
  bot: ['admin', 'supervisor', 'lead', 'agent', 'otherAgent'],
  "agent's": ['admin', 'supervisor', 'lead', 'agent'],
  foreign: [],
};
const LEAD: Permission[] = ['conversations:read_all'];
const cases = states.flatMap((state) =>
  viewers.map((viewer) => [state, viewer, SEES[state].includes(viewer)] as const),
);

/** Long enough for an emit that would reach a socket to have arrived. */
const SETTLE_MS = 300;

describe('the one conversation visibility rule', () => {
  let t: RealtimeTestApp;
  let admin: string;
  const users = {} as Record<Viewer, { id: string; token: string }>;
  const sockets = {} as Record<Viewer, ClientSocket>;
  const conversationOf = {} as Record<State, { id: string; tenantId: string; assignedUserId: string | null }>;
  const permissionsOf = (viewer: Viewer): Permission[] =>
    viewer === 'lead' ? LEAD : BUILT_IN_ROLES[viewer === 'otherAgent' ? 'agent' : viewer];

  beforeAll(async () => {
    t = await createRealtimeTestApp();
    admin = await t.adminToken();
    const role = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'lead', permissions: LEAD },
    });
    expect(role.statusCode).toBe(201);
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin });
    users.admin = { id: me.json().id, token: admin };
    users.supervisor = await t.createUser('supervisor');
    users.lead = await t.createUser('lead');
    users.agent = await t.createUser('agent');
    users.otherAgent = await t.createUser('agent');
    for (const viewer of viewers) sockets[viewer] = await t.connect(users[viewer].token);
    const db = t.deps.database.db;
    const bot = await createBot(db, t.tenantId);
    conversationOf.unassigned = await createConversation(db, t.tenantId);
    conversationOf.bot = await createConversation(db, t.tenantId, {
      assignedBotId: bot.id,
      status: 'active',
    });
    conversationOf["agent's"] = await createConversation(db, t.tenantId, {
      assignedUserId: users.agent.id,
      status: 'active',
    });
    const foreign = await t.foreignUser('admin');
    conversationOf.foreign = await createConversation(db, foreign.tenantId);
  });
  afterAll(async () => {
    await t.close();
  });

  describe.each(cases)('the %s conversation and %s (sees it: %s)', (state, viewer, sees) => {
    it('canSeeConversation', () => {
      const ctx = {
        tenantId: t.tenantId,
        userId: users[viewer].id,
        permissions: new Set(permissionsOf(viewer)),
      };
      expect(canSeeConversation(ctx, conversationOf[state])).toBe(sees);
    });

    it('GET /conversations/:id (the SQL filter)', async () => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/conversations/${conversationOf[state].id}`,
        token: users[viewer].token,
      });
      expect(res.statusCode).toBe(sees ? 200 : 404);
    });

    it('join:conversation', async () => {
      const conversation_id = conversationOf[state].id;
      const ack = await request<{ ok: boolean }>(sockets[viewer], 'join:conversation', { conversation_id });
      expect(ack.ok).toBe(sees);
      if (ack.ok) await request(sockets[viewer], 'leave:conversation', { conversation_id });
    });
  });

  it.each(states.filter((s) => s !== 'foreign'))(
    "sends the %s conversation's events to exactly the viewers the table names",
    async (state) => {
      const heard = Object.fromEntries(viewers.map((v) => [v, record(sockets[v], 'conversation:updated')]));
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/conversations/${conversationOf[state].id}`,
        token: admin,
        payload: { priority: state === 'bot' ? 'high' : 'urgent' },
      });
      expect(res.statusCode).toBe(200);
      await eventually(() => SEES[state].every((v) => heard[v]!.length > 0));
      await sleep(SETTLE_MS);
      for (const v of viewers) sockets[v].off('conversation:updated');
      expect(viewers.filter((v) => heard[v]!.length > 0)).toEqual(SEES[state]);
    },
  );
});
