import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTenant } from '../../../test/helpers/listening-app.js';
import {
  outboundWorld,
  type OutboundWorld,
  closeWorld,
} from '../../whatsapp/outbound/outbound.test-helpers.js';

type Named = { name: string };

describe('templates (simulator)', () => {
  let w: OutboundWorld;
  let agent: string;
  beforeAll(async () => {
    w = await outboundWorld();
    agent = (await w.t.createUser('agent')).token;
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  const waba = () => w.number.business_account_id;
  const phone = () => w.number.phone_number_id;
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, token = w.admin) =>
    w.t.request({ method, url: `/api/v1${url}`, token, ...(payload ? { payload } : {}) });
  const metaBody = (name: string) => ({
    name,
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Your order {{1}} has shipped', example: { body_text: [['A-1']] } }],
  });
  const create = (name: string) =>
    api('POST', '/templates', { integration_id: w.integrationId, ...metaBody(name) });
  const onMeta = (name: string) => w.t.simulator.templates.find(waba(), name);
  const graphCalls = (endpoint: 'templates_create' | 'templates_list' | 'templates_delete') =>
    w.t.simulator.requests.list(phone(), endpoint);

  it("creates a template on Meta with Meta's creation body, keeping Meta's id and status", async () => {
    const res = await create('order_shipped');
    expect(res.statusCode).toBe(201);
    const [meta] = onMeta('order_shipped');
    expect(res.json()).toMatchObject({
      integration_id: w.integrationId,
      name: 'order_shipped',
      language: 'en_US',
      category: 'UTILITY',
      status: 'PENDING',
      meta_template_id: meta!.id,
      rejection_reason: null,
    });
    expect(graphCalls('templates_create').at(-1)!.body).toEqual(metaBody('order_shipped'));
  });

  it('lists the local templates as a page, filtered by status', async () => {
    const res = await api('GET', `/templates?integration_id=${w.integrationId}&status=pending&limit=100`);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((t: Named) => t.name)).toContain('order_shipped');
    expect(res.json().meta).toMatchObject({ page: 1, limit: 100 });
  });

  it('refuses a second template of the same name and language (409) without asking Meta', async () => {
    const before = graphCalls('templates_create').length;
    const res = await create('order_shipped');
    expect(res.statusCode).toBe(409);
    expect(graphCalls('templates_create')).toHaveLength(before);
  });

  it("answers 400 with Meta's reason when Meta refuses it", async () => {
    w.t.simulator.templates.create(waba(), metaBody('made_elsewhere'));
    const res = await create('made_elsewhere');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      detail: expect.stringMatching(/already exists/),
    });
  });

  it("syncs every page of Meta's templates: new ones, changed statuses, and ones Meta deleted", async () => {
    for (let i = 0; i < 120; i++) w.t.simulator.templates.create(waba(), metaBody(`bulk_${i}`));
    const [shipped] = onMeta('order_shipped');
    w.t.simulator.templates.applyEvent(shipped!.id, 'APPROVED');
    const listCalls = graphCalls('templates_list').length;

    const res = await api('POST', '/templates/sync', {});
    expect(res.statusCode).toBe(200);
    // hello_world + made_elsewhere + 120 bulk are new; order_shipped is updated.
    expect(res.json()).toEqual({ created: 122, updated: 1, deleted: 0 });
    expect(graphCalls('templates_list').length - listCalls).toBeGreaterThanOrEqual(2);
    const list = await api('GET', `/templates?limit=100&status=APPROVED`);
    expect(
      list
        .json()
        .data.map((t: Named) => t.name)
        .sort(),
    ).toEqual(['hello_world', 'order_shipped']);

    w.t.simulator.templates.remove(waba(), 'bulk_0');
    expect((await api('POST', '/templates/sync', { integration_id: w.integrationId })).json()).toEqual({
      created: 0,
      updated: 122,
      deleted: 1,
    });
  });

  it('deletes on Meta by name (this language only), then locally', async () => {
    const local = (await create('to_delete')).json();
    const res = await api('DELETE', `/templates/${local.id}`);
    expect(res.statusCode).toBe(204);
    expect(onMeta('to_delete')).toEqual([]);
    expect(graphCalls('templates_delete').at(-1)!.path).toContain(
      `name=to_delete&hsm_id=${local.meta_template_id}`,
    );
    expect((await api('DELETE', `/templates/${local.id}`)).statusCode).toBe(404);
  });

  it("is another tenant's business: 404 on their templates, and their list is their own", async () => {
    const stranger = await registerTenant(w.t, 'Templateless');
    const mine = (await api('GET', '/templates?limit=1')).json().data[0];
    expect((await api('DELETE', `/templates/${mine.id}`, undefined, stranger)).statusCode).toBe(404);
    expect((await api('GET', '/templates', undefined, stranger)).json().meta.total).toBe(0);
    const theirs = await api(
      'POST',
      '/templates',
      { integration_id: w.integrationId, ...metaBody('x') },
      stranger,
    );
    expect(theirs.statusCode).toBe(400);
    expect(theirs.json().errors[0].field).toBe('integration_id');
  });

  it('is for templates:manage holders only (agents get 403)', async () => {
    const mine = (await api('GET', '/templates?limit=1')).json().data[0];
    for (const [method, url, payload] of [
      ['GET', '/templates', undefined],
      ['POST', '/templates', { integration_id: w.integrationId, ...metaBody('by_agent') }],
      ['POST', '/templates/sync', {}],
      ['DELETE', `/templates/${mine.id}`, undefined],
    ] as const) {
      expect((await api(method, url, payload, agent)).statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('answers 502 when Meta refuses the token, and marks the number unhealthy', async () => {
    w.t.simulator.faults.add({ phone_number_id: phone(), endpoint: 'templates_create', error_code: 190 });
    const res = await create('token_refused');
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('WHATSAPP_ERROR');
    const integration = await api('GET', `/whatsapp-integration-config/${w.integrationId}`);
    expect(integration.json()).toMatchObject({ health: 'unhealthy', last_error: { code: 190 } });
    expect((await api('POST', '/templates/sync', {})).statusCode).toBe(502);
  });
});
