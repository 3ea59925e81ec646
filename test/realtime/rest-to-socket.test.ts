import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact, createConversation } from '../helpers/factories.js';
import {
  createRealtimeTestApp,
  nextEvent,
  record,
  sleep,
  type ClientSocket,
  type RealtimeTestApp,
} from '../helpers/realtime.js';

/** The whole path: an API call commits, its service publishes, the listener emits to the right sockets. */
describe('API actions reach the inbox in real time', () => {
  let t: RealtimeTestApp;
  let admin: string;
  let agent: { id: string; token: string };
  let agentSocket: ClientSocket;
  let otherAgentSocket: ClientSocket;
  beforeAll(async () => {
    t = await createRealtimeTestApp();
    admin = await t.adminToken();
    agent = await t.createUser('agent');
    agentSocket = await t.connect(agent.token);
    otherAgentSocket = await t.connect((await t.createUser('agent')).token);
  });
  afterAll(async () => {
    await t.close();
  });

  it('POST /messages -> message:new with the message the API returned', async () => {
    const c = await createConversation(t.deps.database.db, t.tenantId, { assignedUserId: agent.id });
    const heard = nextEvent(agentSocket, 'message:new');
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/messages',
      token: agent.token,
      payload: { conversation_id: c.id, body: 'On my way' },
    });
    expect(res.statusCode).toBe(201);
    expect(await heard).toEqual(res.json());
  });

  it('POST /conversations -> conversation:new for every agent while it is unassigned', async () => {
    const contact = await createContact(t.deps.database.db, t.tenantId);
    const heard = [
      nextEvent(agentSocket, 'conversation:new'),
      nextEvent(otherAgentSocket, 'conversation:new'),
    ];
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/conversations',
      token: admin,
      payload: { contact_id: contact.id },
    });
    expect(res.statusCode).toBe(201);
    expect(await Promise.all(heard)).toEqual([res.json(), res.json()]);
  });

  it('PATCH /conversations/:id/assign -> conversation:assigned for the new assignee, not for other agents', async () => {
    const c = await createConversation(t.deps.database.db, t.tenantId);
    const outsider = record(otherAgentSocket, 'conversation:assigned');
    const heard = nextEvent(agentSocket, 'conversation:assigned');
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/conversations/${c.id}/assign`,
      token: admin,
      payload: { user_id: agent.id },
    });
    expect(res.statusCode).toBe(200);
    expect(await heard).toEqual(res.json());
    await sleep(200);
    expect(outsider).toEqual([]);
  });
});
