import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/deps.js';
import { openSession } from '../../src/features/auth/sessions.js';
import { fingerprinter, type Fingerprint } from '../helpers/db-fingerprint.js';
import { hostileBodies, type HostileBody } from '../helpers/hostile-bodies.js';
import { createListeningApp, type ListeningApp } from '../helpers/listening-app.js';
import {
  concreteUrl,
  expectProblem,
  label,
  paramContext,
  sweptApi,
  takesBody,
  type Operation,
} from '../helpers/openapi-routes.js';
import { EXAMPLE_BODIES, SPENDS_TOKEN } from '../helpers/route-examples.js';
import { tenantWithEveryRow, type BodyRefs, type TenantRows } from '../helpers/tenant-rows.js';

/**
 * Every documented write operation, fed broken versions of a valid body: always a 4xx problem (413
 * above the body limit), never a 5xx, and a refused request leaves every table as it was.
 */
describe('route sweep: hostile bodies', () => {
  let t: ListeningApp;
  let admin: string;
  let rows: TenantRows;
  let refs: BodyRefs;
  let writes: Operation[];
  let freshToken: () => Promise<string>;
  let fingerprint: () => Promise<Fingerprint>;
  beforeAll(async () => {
    t = await createListeningApp({ BODY_LIMIT_MB: '1' });
    admin = await t.adminToken();
    ({ rows, refs } = await tenantWithEveryRow(t, admin));
    // Background jobs (sends, webhook processing) would change rows between two fingerprints.
    for (const q of QUEUES) await t.deps.queue.offWork(q.name);
    writes = (await sweptApi(t)).operations.filter((op) => takesBody(op) || op.body);
    const me = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json();
    freshToken = async () => {
      const sessionId = await openSession(t.deps.database.db, me.tenant_id, me.id);
      return (await t.deps.tokens.issue(me.id, me.tenant_id, sessionId)).token;
    };
    fingerprint = await fingerprinter(t.deps.database.db);
  });
  afterAll(async () => {
    await t.close();
  });

  const urlOf = (op: Operation) => concreteUrl(op, (p) => rows[paramContext(op.url, p)]!);
  const tokenFor = (op: Operation) => (SPENDS_TOKEN.has(op.key) ? freshToken() : Promise.resolve(admin));
  const send = async (op: Operation, payload: string, token?: string) =>
    t.request({
      method: op.method,
      url: urlOf(op),
      token: token ?? (await tokenFor(op)),
      headers: { 'content-type': 'application/json' },
      payload,
    });

  it('has a valid example body for every operation that takes a JSON body', () => {
    const needed = writes.filter((op) => op.body).map((op) => op.key);
    expect(needed.length).toBeGreaterThan(40);
    expect(
      needed.filter((k) => !EXAMPLE_BODIES[k]),
      'operations without an example',
    ).toEqual([]);
    expect(
      Object.keys(EXAMPLE_BODIES).filter((k) => !needed.includes(k)),
      'stale examples',
    ).toEqual([]);
  });

  it('accepts the example bodies, so each broken one differs from a valid request in one field', async () => {
    // Refused on their merits (wrong credentials, a file already sent) rather than for their shape.
    const refusedByDesign = new Set([
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/refresh',
      'POST /api/v1/auth/mfa/enable',
      'POST /api/v1/auth/mfa/disable',
      'POST /api/v1/auth/reset-password',
      'POST /api/v1/auth/verify-email',
      'POST /api/v1/users/me/password',
      'PATCH /api/v1/messages/{id}',
    ]);
    for (const op of writes.filter((o) => EXAMPLE_BODIES[o.key])) {
      const res = await send(op, JSON.stringify(EXAMPLE_BODIES[op.key]!(refs)));
      const why = `${label(op)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
      if (refusedByDesign.has(op.key)) expectProblem(res, 'client', why);
      else expect(res.statusCode, why).toBeLessThan(300);
    }
  });

  it('answers every broken body with a 4xx problem and changes nothing (never a 5xx)', async () => {
    let checked = 0;
    let before = await fingerprint();
    for (const op of writes) {
      const valid = EXAMPLE_BODIES[op.key]?.(refs) ?? {};
      for (const body of hostileBodies(op, valid)) {
        before = await sweep(op, body, before);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(800);
    // About 900 requests, each followed by a fingerprint: seconds on an idle machine, more on CI.
  }, 240_000);

  /** Sends one broken body; returns the fingerprint after it (the next request's "before"). */
  async function sweep(op: Operation, body: HostileBody, before: Fingerprint): Promise<Fingerprint> {
    const why = label(op, body.what);
    const token = await tokenFor(op);
    // A fresh token is a new session row: the request is judged by what it changes after that.
    if (token !== admin) before = await fingerprint();
    const res = await send(op, body.payload, token);
    const after = await fingerprint();
    if (body.outcome === 'not-5xx' && res.statusCode < 400) return after;
    expectProblem(res, body.outcome === 413 ? 413 : 'client', why);
    expect.soft(after, `${why}: changed rows`).toEqual(before);
    return after;
  }
});
