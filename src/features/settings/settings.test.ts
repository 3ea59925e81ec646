import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createBot } from '../../../test/helpers/factories.js';
import { auditRowsOf, created, fieldsOf, registerOtherTenant } from '../catalog/crud.test-helpers.js';
import { BUILT_IN_ROLES } from '../roles/permissions.js';
import { getTenantSettings } from './tenant-settings.service.js';

const NINE_TO_FIVE = [{ open: '09:00', close: '17:00' }];

describe('tenant settings', () => {
  let t: TestApp;
  let admin: string;
  let tenantId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json().tenant_id;
  });
  afterAll(async () => {
    await t.close();
  });

  const patch = (payload: unknown, token = admin) =>
    t.request({ method: 'PATCH', url: '/api/v1/settings', token, payload: payload as object });
  const read = (token = admin) => t.request({ method: 'GET', url: '/api/v1/settings', token });

  it('answers the documented defaults to every user of a tenant that changed nothing', async () => {
    const agent = await t.createUser('agent');
    const res = await read(agent.token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      tenant: { id: tenantId, name: 'Default' },
      timezone: 'UTC',
      business_hours: {
        enabled: false,
        days: {
          mon: NINE_TO_FIVE,
          tue: NINE_TO_FIVE,
          wed: NINE_TO_FIVE,
          thu: NINE_TO_FIVE,
          fri: NINE_TO_FIVE,
          sat: NINE_TO_FIVE,
          sun: NINE_TO_FIVE,
        },
      },
      auto_assignment: { enabled: false, strategy: 'round_robin', max_open_per_agent: 10, only_online: true },
      away_message: { enabled: false, text: expect.any(String) },
      default_bot_id: null,
    });
    expect(res.json().away_message.text.length).toBeGreaterThan(0);
  });

  it('merges a partial PATCH into nested objects and answers the whole object, which GET then reads', async () => {
    const before = (await read()).json();
    const res = await patch({
      timezone: 'Europe/Madrid',
      business_hours: { enabled: true, days: { sat: [], sun: [{ open: '10:00', close: '14:00' }] } },
      auto_assignment: { strategy: 'least_busy' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const expected = {
      ...before,
      timezone: 'Europe/Madrid',
      business_hours: {
        enabled: true,
        days: { ...before.business_hours.days, sat: [], sun: [{ open: '10:00', close: '14:00' }] },
      },
      auto_assignment: { ...before.auto_assignment, strategy: 'least_busy' },
    };
    expect(res.json()).toEqual(expected);
    // A second partial PATCH keeps what the first one set.
    const second = await patch({
      auto_assignment: { max_open_per_agent: 3 },
      away_message: { enabled: true },
    });
    expect(second.json()).toEqual({
      ...expected,
      auto_assignment: { ...expected.auto_assignment, max_open_per_agent: 3 },
      away_message: { ...expected.away_message, enabled: true },
    });
    expect((await read()).json()).toEqual(second.json());
    expect(await getTenantSettings(t.deps.database.db, tenantId)).toEqual(second.json());
  });

  it('keeps a time zone in its canonical spelling and refuses anything Intl does not know as a zone', async () => {
    expect((await patch({ timezone: 'america/new_york' })).json().timezone).toBe('America/New_York');
    for (const timezone of ['Mars/Olympus', '+02:00', 'UTC+2', '', 'Europe/../etc']) {
      const res = await patch({ timezone });
      expect(res.statusCode, timezone).toBe(400);
      expect(fieldsOf(res.json())).toEqual(['timezone']);
    }
    expect((await read()).json().timezone).toBe('America/New_York');
  });

  it('refuses bad hours, strategies and capacities with 400 naming the field, changing nothing', async () => {
    const before = (await read()).json();
    const cases: [unknown, string][] = [
      [
        { business_hours: { days: { mon: [{ open: '9:00', close: '17:00' }] } } },
        'business_hours.days.mon.0.open',
      ],
      [
        { business_hours: { days: { mon: [{ open: '18:00', close: '17:00' }] } } },
        'business_hours.days.mon.0.close',
      ],
      [
        { business_hours: { days: { tue: [{ open: '10:00', close: '10:00' }] } } },
        'business_hours.days.tue.0.close',
      ],
      [
        { business_hours: { days: { wed: [{ open: '24:00', close: '25:00' }] } } },
        'business_hours.days.wed.0.open',
      ],
      [
        {
          business_hours: {
            days: {
              thu: [
                { open: '09:00', close: '13:00' },
                { open: '12:00', close: '18:00' },
              ],
            },
          },
        },
        'business_hours.days.thu.1.open',
      ],
      [{ auto_assignment: { strategy: 'random' } }, 'auto_assignment.strategy'],
      [{ auto_assignment: { max_open_per_agent: 0 } }, 'auto_assignment.max_open_per_agent'],
      [{ auto_assignment: { max_open_per_agent: 2.5 } }, 'auto_assignment.max_open_per_agent'],
      [{ auto_assignment: { max_open_per_agent: '5' } }, 'auto_assignment.max_open_per_agent'],
      [{ away_message: { text: '   ' } }, 'away_message.text'],
      [{ business_hours: { enabled: 'yes' } }, 'business_hours.enabled'],
    ];
    for (const [body, field] of cases) {
      const res = await patch(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_ERROR');
      expect(fieldsOf(res.json()), JSON.stringify(body)).toContain(field);
    }
    expect((await read()).json()).toEqual(before);
  });

  it('rejects unknown fields at every level, the read-only tenant included', async () => {
    for (const [body, field] of [
      [{ colour: 'blue' }, 'colour'],
      [{ tenant: { name: 'Renamed' } }, 'tenant'],
      [{ business_hours: { days: { holiday: [] } } }, 'business_hours.days.holiday'],
      [{ auto_assignment: { enabled: true, extra: 1 } }, 'auto_assignment.extra'],
    ] as const) {
      const res = await patch(body);
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json())).toEqual([field]);
    }
  });

  it('sets the default bot to a bot of the tenant, clears it with null, and forgets a deleted bot', async () => {
    const bot = await created(t, '/api/v1/bots', admin, { name: 'Welcome' });
    expect((await patch({ default_bot_id: bot.id })).json().default_bot_id).toBe(bot.id);
    expect((await patch({ default_bot_id: null })).json().default_bot_id).toBeNull();
    await patch({ default_bot_id: bot.id });
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/bots/${bot.id}`, token: admin })).statusCode,
    ).toBe(204);
    expect((await read()).json().default_bot_id).toBeNull();
  });

  it("answers 400 naming default_bot_id for an unknown bot or another tenant's bot", async () => {
    const other = await registerOtherTenant(t);
    const otherTenant = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: other })).json()
      .tenant_id;
    const foreign = await createBot(t.deps.database.db, otherTenant);
    for (const id of [foreign.id, '0195f3c2-0000-7000-8000-000000000000']) {
      const res = await patch({ default_bot_id: id });
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json())).toEqual(['default_bot_id']);
    }
    expect((await read()).json().default_bot_id).toBeNull();
  });

  it("keeps tenants apart: one tenant's change is invisible to another", async () => {
    await patch({ timezone: 'Asia/Tokyo' });
    const other = await registerOtherTenant(t);
    const res = await read(other);
    expect(res.json().timezone).toBe('UTC');
    expect(res.json().tenant.name).toMatch(/^Other /);
    expect((await patch({ timezone: 'Europe/Paris' }, other)).statusCode).toBe(200);
    expect((await read()).json().timezone).toBe('Asia/Tokyo');
  });

  it('needs settings:manage to change (admins hold it; supervisors and agents get 403, before validation)', async () => {
    expect(BUILT_IN_ROLES.admin).toContain('settings:manage');
    for (const role of ['supervisor', 'agent']) {
      const user = await t.createUser(role);
      const res = await patch({ timezone: 'Europe/Rome', nonsense: true }, user.token);
      expect(res.statusCode, role).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    expect((await read()).json().timezone).not.toBe('Europe/Rome');
    expect((await t.request({ method: 'GET', url: '/api/v1/settings' })).statusCode).toBe(401);
  });

  it('lists every new route in the OpenAPI document', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, object>;
    }>();
    for (const [path, methods] of [
      ['/api/v1/settings', ['get', 'patch']],
      ['/api/v1/users/me/settings', ['get', 'patch']],
      ['/api/v1/users/me', ['get', 'patch']],
    ] as const) {
      expect(Object.keys(doc.paths[path] ?? {}), path).toEqual(expect.arrayContaining([...methods]));
    }
  });

  it('records each change in the audit log', async () => {
    await patch({ away_message: { text: 'Back on Monday' } });
    const rows = await auditRowsOf(t, tenantId);
    expect(rows.at(-1)).toMatchObject({
      action: 'update',
      entityType: 'settings',
      changes: { away_message: { text: 'Back on Monday' } },
    });
  });

  it('serialises concurrent changes of different sections: neither is lost', async () => {
    const [a, b] = await Promise.all([
      patch({ auto_assignment: { only_online: false } }),
      patch({ away_message: { text: 'Concurrent' } }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const now = (await read()).json();
    expect(now.auto_assignment.only_online).toBe(false);
    expect(now.away_message.text).toBe('Concurrent');
  });
});
