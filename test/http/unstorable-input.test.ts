import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { expectProblem } from '../helpers/openapi-routes.js';
import { image } from '../media/fixtures.js';
import { multipartBody } from '../media/upload.js';

/**
 * Input PostgreSQL cannot store (U+0000, lone surrogates) or JSON.stringify cannot follow (absurd
 * nesting) that arrives outside JSON bodies: path and query parameters, file names, CSV cells.
 * JSON bodies of every route are swept in route-sweep-bodies.test.ts.
 */
describe('unstorable input outside JSON bodies', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string) => t.request({ method: 'GET', url, token: admin });

  it.each([
    ['/api/v1/contacts/phone/%2B34%00', 'number'],
    ['/api/v1/contacts/external-id/a%00b', 'external_id'],
    ['/api/v1/search?q=a%00b', 'q'],
    ['/api/v1/contacts?search=a%00b', 'search'],
  ])('answers 400 naming the parameter to a NUL in %s', async (url, field) => {
    const res = await get(url);
    expectProblem(res, 400, url);
    expect(res.json().errors).toEqual([{ field, message: 'must not contain NUL (U+0000) characters' }]);
  });

  it('stores an upload whose file name holds a NUL without it', async () => {
    const file = { name: 'before\u0000after.png', data: await image('png') };
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/upload/image',
      token: admin,
      ...multipartBody([file], 'file'),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe('beforeafter.png');
  });

  it('refuses only the CSV lines that cannot be stored, naming the reason', async () => {
    const csv = [
      'name,phone_number,attributes',
      'Nul\u0000Name,+34612000001,',
      'Nul Attribute,+34612000002,"{""k"":""\\u0000""}"',
      'Lone Surrogate,+34612000003,"{""k"":""\\ud800""}"',
      `Too Deep,+34612000004,"{""k"":${'['.repeat(100_000)}${']'.repeat(100_000)}}"`,
      'Fine,+34612000005,',
    ].join('\n');
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/contacts/import',
      token: admin,
      ...multipartBody([{ name: 'contacts.csv', data: Buffer.from(csv), type: 'text/csv' }], 'file'),
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, updated: 0 });
    expect(res.json().failed).toEqual([
      { line: 2, error: 'name: must not contain NUL (U+0000) characters' },
      { line: 3, error: 'attributes.k: must not contain NUL (U+0000) characters' },
      { line: 4, error: 'attributes.k: must be well-formed Unicode (it holds a lone surrogate)' },
      { line: 5, error: expect.stringMatching(/^attributes: /) },
    ]);
  });
});
