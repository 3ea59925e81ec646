import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES } from '../../src/features/roles/permissions.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  concreteUrl,
  expectProblem,
  label,
  sweptApi,
  takesBody,
  type Operation,
  type SweptApi,
} from '../helpers/openapi-routes.js';

/**
 * A sweep generated from the served OpenAPI document: API.md's access conventions hold for every
 * documented operation, including ones added later, without each feature having to remember them.
 * Cross-tenant ids: route-sweep-tenancy.test.ts; hostile bodies: route-sweep-bodies.test.ts.
 */
describe('route sweep', () => {
  let t: TestApp;
  let admin: string;
  let agent: string;
  let api: SweptApi;
  let operations: Operation[];
  beforeAll(async () => {
    t = await createTestApp({ WHATSAPP_SIMULATOR: 'true' });
    admin = await t.adminToken();
    agent = (await t.createUser('agent')).token;
    api = await sweptApi(t);
    operations = api.operations;
  });
  afterAll(async () => {
    await t.close();
  });

  const unknownIds = (op: Operation) => concreteUrl(op, (name) => (/id$/.test(name) ? randomUUID() : 'x'));
  const call = (op: Operation, token?: string) =>
    t.request({
      method: op.method,
      url: unknownIds(op),
      ...(token ? { token } : {}),
      ...(takesBody(op) ? { payload: {} } : {}),
    });

  it('sweeps exactly the operations the app registered: the document and the route table agree', () => {
    expect(api.unregistered, 'documented but not in the route table').toEqual([]);
    expect(api.undocumented, 'registered but not documented').toEqual([]);
    expect(operations.length).toBeGreaterThan(100);
    expect(operations.map((o) => o.key)).toEqual(
      expect.arrayContaining(['GET /health', 'GET /api/v1/users/{id}', 'POST /simulator/faults']),
    );
  });

  it('answers 401 problem+json on every non-public operation without a token', async () => {
    for (const op of operations.filter((o) => !o.public)) {
      const res = await call(op);
      expectProblem(res, 401, label(op));
      expect.soft(res.json<{ code: string }>().code, label(op)).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 401 to a token that is not one of ours', async () => {
    const forged = `${admin.slice(0, -4)}AAAA`;
    for (const op of operations.filter((o) => !o.public))
      expectProblem(await call(op, forged), 401, label(op));
  });

  it('answers 403 to an agent on every operation that needs a permission agents lack', async () => {
    const agentHas = new Set<string>(BUILT_IN_ROLES.agent);
    const guarded = operations.filter((o) => o.permissions.some((p) => !agentHas.has(p)));
    expect(guarded.length).toBeGreaterThan(40);
    for (const op of guarded) {
      const res = await call(op, agent);
      expectProblem(res, 403, label(op));
      expect.soft(res.json<{ code: string }>().code, label(op)).toBe('FORBIDDEN');
    }
  });

  it('answers 404 (or 400 for a body it cannot accept) for unknown ids, never 5xx', async () => {
    for (const op of operations.filter((o) => !o.public && o.params.length)) {
      const res = await call(op, admin);
      expect
        .soft([400, 404], `${label(op)} -> ${res.statusCode} ${res.body.slice(0, 200)}`)
        .toContain(res.statusCode);
    }
  });
});
