import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createConversation, createMessage } from '../../../test/helpers/factories.js';
import { auditRowsOf, created, fieldsOf } from '../catalog/crud.test-helpers.js';

describe('bots', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  it('defaults to a rules bot with an empty config', async () => {
    const bot = await created(t, '/api/v1/bots', admin, { name: 'Greeter' });
    expect(bot).toEqual({
      id: expect.any(String),
      name: 'Greeter',
      description: null,
      kind: 'rules',
      config: {},
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('stores a webhook bot with its config, keeping the config out of the audit trail', async () => {
    const config = { url: 'https://bots.example.test/hook', secret_header: 'hunter2-marker' };
    const bot = await created(t, '/api/v1/bots', admin, {
      name: 'Hooked',
      description: 'Answers FAQs',
      kind: 'webhook',
      config,
    });
    expect(bot).toMatchObject({ kind: 'webhook', config, description: 'Answers FAQs' });
    const [row] = await auditRowsOf(t, bot.id);
    expect(row!.changes).toMatchObject({ name: 'Hooked', kind: 'webhook', config: '[changed]' });
    expect(JSON.stringify(row)).not.toContain('hunter2-marker');
  });

  it('answers 400 for an unknown kind, a non-object config or one above 64 KiB', async () => {
    const post = (payload: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/v1/bots', token: admin, payload });
    expect(fieldsOf((await post({ name: 'b', kind: 'ai' })).json())).toEqual(['kind']);
    expect((await post({ name: 'b', config: 'yes' })).statusCode).toBe(400);
    const huge = await post({ name: 'b', config: { rules: 'x'.repeat(65 * 1024) } });
    expect(huge.statusCode).toBe(400);
    expect(fieldsOf(huge.json())).toEqual(['config']);
  });

  it('needs bots:manage to write: a supervisor gets 403', async () => {
    const supervisor = await t.createUser('supervisor');
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/bots',
      token: supervisor.token,
      payload: { name: 'x' },
    });
    expect(res.statusCode).toBe(403);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/bots', token: supervisor.token })).statusCode,
    ).toBe(200);
  });

  it('answers 409 when deleting a bot that authored messages', async () => {
    const bot = await created(t, '/api/v1/bots', admin, { name: 'Author' });
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin });
    const db = t.deps.database.db;
    const conversation = await createConversation(db, me.json().tenant_id);
    await createMessage(db, conversation, { senderType: 'bot', senderBotId: bot.id, body: 'hi' });
    const res = await t.request({ method: 'DELETE', url: `/api/v1/bots/${bot.id}`, token: admin });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CONFLICT');
  });
});
