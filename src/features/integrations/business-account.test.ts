import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { registerTenant } from '../../../test/helpers/listening-app.js';
import { whatsappIntegrations } from './integrations.table.js';

const BASE = '/api/v1/whatsapp-integration-config';

describe('business_account_id belongs to one tenant (API.md Uniqueness)', () => {
  let t: TestApp;
  let admin: string;
  let stranger: string;
  let phones = 0;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    stranger = await registerTenant(t, 'Squatter');
  });
  afterAll(async () => {
    await t.close();
  });

  const phone = () => `5550${process.pid}${++phones}`;
  const create = (token: string, waba?: string) =>
    t.request({
      method: 'POST',
      url: BASE,
      token,
      payload: {
        name: 'Number',
        phone_number_id: phone(),
        access_token: 'EAAG-x',
        ...(waba ? { business_account_id: waba } : {}),
      },
    });
  const patch = (token: string, id: string, payload: Record<string, unknown>) =>
    t.request({ method: 'PATCH', url: `${BASE}/${id}`, token, payload });
  const holders = async (waba: string) =>
    (
      await t.deps.database.db
        .select({ tenantId: whatsappIntegrations.tenantId })
        .from(whatsappIntegrations)
        .where(eq(whatsappIntegrations.businessAccountId, waba))
    ).map((r) => r.tenantId);

  it("answers 409 CONFLICT when another tenant creates a number with the account's id", async () => {
    expect((await create(admin, '7001')).statusCode).toBe(201);
    const res = await create(stranger, '7001');
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toBe('CONFLICT');
    expect(await holders('7001')).toHaveLength(1);
  });

  it('answers 409 when another tenant patches its number onto the account, and changes nothing', async () => {
    expect((await create(admin, '7002')).statusCode).toBe(201);
    const theirs = (await create(stranger, '8002')).json<{ id: string }>();
    const res = await patch(stranger, theirs.id, { business_account_id: '7002', name: 'Renamed' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CONFLICT');
    const row = (await t.request({ method: 'GET', url: `${BASE}/${theirs.id}`, token: stranger })).json();
    expect(row).toMatchObject({ business_account_id: '8002', name: 'Number' });
  });

  it('lets one tenant connect several numbers of its account and patch within it', async () => {
    const first = await create(admin, '7003');
    const second = await create(admin, '7003');
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    const other = (await create(admin)).json<{ id: string }>();
    const res = await patch(admin, other.id, { business_account_id: '7003' });
    expect(res.statusCode).toBe(200);
    expect(res.json().business_account_id).toBe('7003');
    expect(await holders('7003')).toHaveLength(3);
    // Patching other fields of a number on the account is fine too.
    expect((await patch(admin, other.id, { name: 'Sales' })).statusCode).toBe(200);
  });

  it('frees the account once its tenant no longer uses it', async () => {
    const mine = (await create(admin, '7004')).json<{ id: string }>();
    expect((await patch(admin, mine.id, { business_account_id: null })).statusCode).toBe(200);
    expect((await create(stranger, '7004')).statusCode).toBe(201);
  });

  it('lets exactly one of several tenants connecting the same account at once win', async () => {
    const tokens = [
      admin,
      stranger,
      ...(await Promise.all([1, 2, 3].map((i) => registerTenant(t, `Race${i}`)))),
    ];
    for (let round = 0; round < 3; round++) {
      const waba = `790${round}`;
      const answers = await Promise.all(tokens.map((token) => create(token, waba)));
      const codes = answers.map((r) => r.statusCode).sort();
      expect(codes, `round ${round}`).toEqual([201, 409, 409, 409, 409]);
      expect(new Set(await holders(waba)).size).toBe(1);
    }
  });
});
