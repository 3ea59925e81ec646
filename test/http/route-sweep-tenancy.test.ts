import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, tenantWithEveryRow, type BodyRefs, type TenantRows } from '../helpers/tenant-rows.js';
import { createListeningApp, registerTenant, type ListeningApp } from '../helpers/listening-app.js';
import {
  concreteUrl,
  expectProblem,
  label,
  paramContext,
  sweptApi,
  type Operation,
} from '../helpers/openapi-routes.js';
import { EXAMPLE_BODIES, exampleQuery } from '../helpers/route-examples.js';

/**
 * Every documented operation with a path parameter, called by another tenant's admin with real
 * ids of this tenant: 404 problem+json, never the row (200), never a hint that it exists (403),
 * never a 5xx. Bodies are valid and name only the caller's own rows, so nothing but the foreign id
 * can be the reason for the answer.
 */
/** Refs that fail loudly when an example asks for one the stranger was not given. */
const onlyRefs = (given: Partial<BodyRefs>): BodyRefs =>
  new Proxy(given as BodyRefs, {
    get(target, key: string) {
      if (!(key in target)) throw new Error(`give the stranger a ${key} of its own for the examples`);
      return target[key as keyof BodyRefs];
    },
  });

describe("route sweep: another tenant's ids", () => {
  let t: ListeningApp;
  let rows: TenantRows;
  let refs: BodyRefs;
  let stranger: string;
  let strangerRefs: BodyRefs;
  let parameterised: Operation[];
  beforeAll(async () => {
    t = await createListeningApp();
    ({ rows, refs } = await tenantWithEveryRow(t, await t.adminToken()));
    stranger = await registerTenant(t, 'Stranger');
    // The stranger's own rows, for bodies that must name one (a tag to attach, a user to transfer to).
    const theirs = adminApi(t, stranger);
    const me = await theirs<{ id: string }>('GET', '/auth/me');
    const tag = await theirs<{ id: string }>('POST', '/tags', { name: 'their tag' });
    strangerRefs = onlyRefs({ user: me.id, tag: tag.id });
    parameterised = (await sweptApi(t)).operations.filter((o) => o.params.length > 0);
  });
  afterAll(async () => {
    await t.close();
  });

  it('has a real row of this tenant for every kind of path parameter', () => {
    const missing = parameterised.flatMap((op) =>
      op.params.filter((p) => rows[paramContext(op.url, p)] === undefined).map((p) => `${op.key}: ${p}`),
    );
    expect(missing, 'add a row of this kind to tenantWithEveryRow').toEqual([]);
    expect(parameterised.length).toBeGreaterThan(50);
  });

  it("answers 404 problem+json to another tenant's admin on every parameterised operation", async () => {
    for (const op of parameterised.filter((o) => !o.public)) {
      const example = EXAMPLE_BODIES[op.key];
      const res = await t.request({
        method: op.method,
        url:
          concreteUrl(op, (p) => rows[paramContext(op.url, p)] ?? '') + exampleQuery(op.query, strangerRefs),
        token: stranger,
        ...(example ? { payload: example(strangerRefs) as object } : {}),
      });
      expectProblem(res, 404, label(op));
      expect.soft(res.json<{ code: string }>().code, label(op)).toBe('NOT_FOUND');
    }
  });

  it('still serves those rows to their own tenant (the ids are real)', async () => {
    const own = await t.adminToken();
    const reads = parameterised.filter((o) => o.method === 'GET' && !o.public);
    for (const op of reads) {
      const res = await t.request({
        method: 'GET',
        url: concreteUrl(op, (p) => rows[paramContext(op.url, p)] ?? '') + exampleQuery(op.query, refs),
        token: own,
      });
      expect.soft(res.statusCode, `${label(op)} -> ${res.body.slice(0, 200)}`).toBe(200);
    }
  });
});
