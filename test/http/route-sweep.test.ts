import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRoute } from '../../src/app.js';
import { BUILT_IN_ROLES } from '../../src/features/roles/permissions.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * A generated sweep over every registered API route: the conventions of API.md hold for all of
 * them, including routes added later, without each feature having to remember to test them.
 */
describe('route sweep', () => {
  let t: TestApp;
  let admin: string;
  let agent: string;
  let routes: ApiRoute[];
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    agent = (await t.createUser('agent')).token;
    routes = t.app.apiRoutes.filter((r) => r.url.startsWith('/api/'));
  });
  afterAll(async () => {
    await t.close();
  });

  const concrete = (url: string) =>
    url.replace(/:(\w+)/g, (_m, name: string) => (/id$/.test(name) ? randomUUID() : 'x'));
  const withBody = (method: string) => ['POST', 'PATCH', 'PUT'].includes(method);
  const label = (r: ApiRoute) => `${r.method} ${r.url}`;

  it('covers a meaningful number of routes', () => {
    expect(routes.length).toBeGreaterThan(60);
  });

  it('answers 401 problem+json on every non-public route without a token', async () => {
    for (const r of routes.filter((x) => !x.public)) {
      const res = await t.request({
        method: r.method,
        url: concrete(r.url),
        ...(withBody(r.method) ? { payload: {} } : {}),
      });
      expect(res.statusCode, label(r)).toBe(401);
      expect(res.headers['content-type'], label(r)).toMatch(/application\/problem\+json/);
    }
  });

  it('answers 403 to an agent on every route that needs a permission agents lack', async () => {
    const agentHas = new Set<string>(BUILT_IN_ROLES.agent);
    const guarded = routes.filter((r) => r.permissions.some((p) => !agentHas.has(p)));
    expect(guarded.length).toBeGreaterThan(20);
    for (const r of guarded) {
      const res = await t.request({
        method: r.method,
        url: concrete(r.url),
        token: agent,
        ...(withBody(r.method) ? { payload: {} } : {}),
      });
      expect(res.statusCode, label(r)).toBe(403);
      expect(res.json().code, label(r)).toBe('FORBIDDEN');
    }
  });

  it('answers a 4xx problem (never a 5xx) to malformed or hostile bodies on every write route', async () => {
    const bodies: [string, string][] = [
      ['malformed JSON', '{"name": '],
      ['an array', '[]'],
      ['a huge unknown field', JSON.stringify({ ['x'.repeat(64)]: 'y'.repeat(200_000) })],
      [
        'unicode edge cases',
        JSON.stringify({ name: '\u0000\uFFFF\uD800 \u202E', body: '😀'.repeat(10_000) }),
      ],
    ];
    for (const r of routes.filter((x) => !x.public && withBody(x.method))) {
      for (const [what, payload] of bodies) {
        const res = await t.request({
          method: r.method,
          url: concrete(r.url),
          token: admin,
          headers: { 'content-type': 'application/json' },
          payload,
        });
        expect(res.statusCode, `${label(r)} with ${what}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(
          400,
        );
        expect(res.statusCode, `${label(r)} with ${what}`).toBeLessThan(500);
        expect(res.headers['content-type'], label(r)).toMatch(/application\/problem\+json/);
      }
    }
  });

  it('answers 404 (or 400 for a body it cannot accept) for unknown ids, never 5xx', async () => {
    for (const r of routes.filter((x) => !x.public && /:\w*id\b/.test(x.url))) {
      const res = await t.request({
        method: r.method,
        url: concrete(r.url),
        token: admin,
        ...(withBody(r.method) ? { payload: {} } : {}),
      });
      expect([400, 404], `${label(r)} -> ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(
        res.statusCode,
      );
    }
  });
});
