import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { auditLogs } from '../audit/audit.table.js';

/** Registers a second tenant through the public endpoint and returns its admin's token. */
export async function registerOtherTenant(t: TestApp): Promise<string> {
  const suffix = randomBytes(4).toString('hex');
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: {
      tenant_name: `Other ${suffix}`,
      name: 'Other',
      email: `o${suffix}@other.test`,
      password: 'correct horse',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ access_token: string }>().access_token;
}

/** Creates through the API and returns the body, failing loudly on anything but 201. */
export async function created<T = Record<string, unknown> & { id: string }>(
  t: TestApp,
  url: string,
  token: string,
  payload: Record<string, unknown>,
): Promise<T> {
  const res = await t.request({ method: 'POST', url, token, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<T>();
}

/** The audit rows of one entity, read straight from the database. */
export const auditRowsOf = (t: TestApp, entityId: string) =>
  t.deps.database.db.select().from(auditLogs).where(eq(auditLogs.entityId, entityId));

export const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
