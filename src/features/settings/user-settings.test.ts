import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { fieldsOf } from '../catalog/crud.test-helpers.js';

const DEFAULTS = {
  theme: 'system',
  language: 'en',
  notifications: { desktop: true, sound: true, email: true },
};

describe('user settings (/users/me/settings)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const read = (token: string) => t.request({ method: 'GET', url: '/api/v1/users/me/settings', token });
  const patch = (token: string, payload: unknown) =>
    t.request({ method: 'PATCH', url: '/api/v1/users/me/settings', token, payload: payload as object });

  it('answers the defaults to a user who changed nothing', async () => {
    const agent = await t.createUser('agent');
    const res = await read(agent.token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(DEFAULTS);
  });

  it('applies a partial PATCH, keeps omitted keys and answers the whole object', async () => {
    const agent = await t.createUser('agent');
    const first = await patch(agent.token, { theme: 'dark', notifications: { sound: false } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({
      ...DEFAULTS,
      theme: 'dark',
      notifications: { ...DEFAULTS.notifications, sound: false },
    });
    const second = await patch(agent.token, { language: 'pt-br', notifications: { email: false } });
    expect(second.json()).toEqual({
      theme: 'dark',
      language: 'pt-BR',
      notifications: { desktop: true, sound: false, email: false },
    });
    expect((await read(agent.token)).json()).toEqual(second.json());
  });

  it('is per user: one user changing theirs leaves every other user on theirs', async () => {
    const a = await t.createUser('agent');
    const b = await t.createUser('supervisor');
    await patch(a.token, { theme: 'light' });
    expect((await read(b.token)).json()).toEqual(DEFAULTS);
  });

  it('answers 400 naming the field for a bad theme, language or notification flag, and unknown keys', async () => {
    const agent = await t.createUser('agent');
    for (const [body, field] of [
      [{ theme: 'blue' }, 'theme'],
      [{ language: '' }, 'language'],
      [{ language: 'not a language' }, 'language'],
      [{ notifications: { desktop: 'yes' } }, 'notifications.desktop'],
      [{ notifications: { push: true } }, 'notifications.push'],
      [{ font: 'large' }, 'font'],
    ] as const) {
      const res = await patch(agent.token, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res.json())).toEqual([field]);
    }
    expect((await read(agent.token)).json()).toEqual(DEFAULTS);
  });

  it('needs a token', async () => {
    expect((await t.request({ method: 'GET', url: '/api/v1/users/me/settings' })).statusCode).toBe(401);
  });
});
