import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('http conventions', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT_MB: '1' });
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /health and /health/ready', async () => {
    expect((await t.request({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.request({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.database).toBe('ok');
    if (process.env.REDIS_URL) expect(ready.json().checks.redis).toBe('ok');
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  it('answers an unknown route with 404 NOT_FOUND whatever its body', async () => {
    const bodies = [
      { type: 'application/json', payload: '{"name":"x"}' },
      { type: 'application/json', payload: '{"name":' },
      { type: 'application/json', payload: JSON.stringify({ big: 'x'.repeat(2 * 1024 * 1024) }) },
      { type: 'text/csv', payload: 'a,b' },
    ];
    for (const url of ['/api/v1/nope', '/nope']) {
      for (const { type, payload } of bodies) {
        const res = await t.request({
          method: 'POST',
          url,
          token: admin,
          headers: { 'content-type': type },
          payload,
        });
        const why = `${url} ${type} ${payload.slice(0, 20)}`;
        expect(res.statusCode, why).toBe(404);
        expect(res.headers['content-type'], why).toMatch(/application\/problem\+json/);
        expect(res.json().code, why).toBe('NOT_FOUND');
      }
    }
  });

  it('echoes a sane x-request-id and generates one otherwise', async () => {
    const given = await t.request({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const generated = await t.request({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'bad id\n' },
    });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400 VALIDATION_ERROR', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      token: admin,
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_ERROR');
  });

  it('answers wrong types with field errors', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 42, permissions: 'x' },
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['name', 'permissions']);
    expect(res.json().detail).toMatch(/^body\//);
  });

  it('answers an oversize body with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'x'.repeat(1024 * 1024 + 10), permissions: [] },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      headers: { 'content-type': 'application/x-unknown' },
      payload: 'hello',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('sets security headers', async () => {
    const res = await t.request({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.request({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/swagger/i);
  });
});

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists every API route with its schemas', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = new Set<string>();
    for (const [p, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const m of Object.keys(ops)) routes.add(`${m.toUpperCase()} ${p}`);
    }
    for (const route of t.routes()) {
      expect(routes, route).toContain(route);
    }
    const createUser = doc.paths['/api/v1/users'].post;
    expect(createUser.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['name', 'username', 'password', 'role']),
    );
    expect(createUser.responses['201']).toBeDefined();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
