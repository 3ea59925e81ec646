import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { sampleOf, type OpenApiDocument } from './postman.js';

interface Request {
  method: string;
  auth?: { type: string };
  url: { raw: string; path: string[]; variable?: { key: string }[] };
  body?: { mode: string; raw?: string };
}
interface Collection {
  info: { schema: string };
  auth: { type: string };
  variable: { key: string; value: string }[];
  item: { name: string; item: { name: string; request: Request }[] }[];
}

describe('the Postman collection', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let collection: Collection;
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    const res = await t.request({ method: 'GET', url: '/postman.json' });
    expect(res.statusCode).toBe(200);
    collection = res.json();
  });
  afterAll(async () => {
    await t.close();
  });

  const requests = () => collection.item.flatMap((folder) => folder.item.map((i) => i.request));

  it('is a v2.1 collection with bearer auth from a variable, public like /openapi.json', () => {
    expect(collection.info.schema).toBe(
      'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    );
    expect(collection.auth.type).toBe('bearer');
    expect(collection.variable.map((v) => v.key)).toEqual(['baseUrl', 'access_token']);
  });

  it('has exactly one request per documented operation, path parameters as :name', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path.replace(/\{(.+?)\}/g, ':$1')}`),
    );
    const exported = requests().map((r) => `${r.method} /${r.url.path.join('/')}`);
    expect(documented.length).toBeGreaterThan(50);
    expect(exported.sort()).toEqual(documented.sort());
    const byId = requests().find((r) => r.method === 'PATCH' && r.url.raw.endsWith('/api/v1/contacts/:id'));
    expect(byId?.url.variable).toEqual([{ key: 'id', value: '' }]);
  });

  it('gives JSON bodies an editable example of the request schema, and public routes no auth', () => {
    const login = requests().find((r) => r.method === 'POST' && r.url.raw.endsWith('/api/v1/auth/login'));
    expect(login?.body?.mode).toBe('raw');
    expect(JSON.parse(login!.body!.raw!)).toMatchObject({ password: 'string' });
    const webhook = requests().find(
      (r) => r.method === 'POST' && r.url.raw.endsWith('/api/v1/meta-whatsapp/webhook'),
    );
    expect(webhook?.auth).toEqual({ type: 'noauth' });
  });

  it('samples enums, formats, nullable unions and arrays', () => {
    expect(
      sampleOf({
        type: 'object',
        properties: {
          status: { type: 'string', enum: ['queue', 'active'] },
          id: { type: 'string', format: 'uuid' },
          note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
          tag_ids: { type: 'array', items: { type: 'integer' } },
        },
      }),
    ).toEqual({
      status: 'queue',
      id: '00000000-0000-7000-8000-000000000000',
      note: 'string',
      tag_ids: [1],
    });
  });
});
