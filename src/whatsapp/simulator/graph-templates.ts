import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphEndpoint } from './endpoints.js';
import { parseJsonBody, type GraphKit } from './graph-kit.js';
import { invalidParam, missingParam, unsupportedRequest } from './graph-errors.js';
import type { Simulator } from './simulator.js';
import { toMetaTemplate } from './template-store.js';

type Params = { version: string; wabaId: string };
type ListQuery = {
  limit?: string;
  after?: string;
  name?: string;
  status?: string;
  language?: string;
  category?: string;
};
const PATH = '/:version/:wabaId/message_templates';
const cursorOf = (index: number) => Buffer.from(String(index)).toString('base64url');
const indexOf = (cursor: string | undefined) => {
  const n = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
  return Number.isInteger(n) && n >= 0 ? n : 0;
};

/** GET / POST / DELETE /{version}/{waba_id}/message_templates in Meta's shapes. */
export function templateRoutes(app: FastifyInstance, sim: Simulator, kit: GraphKit) {
  const hidden = { schema: { hide: true } };

  /** Logs under the WABA's first number (faults and counts are per number), then checks the token. */
  async function begin(
    req: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    endpoint: GraphEndpoint,
    body: unknown = null,
    raw: string | null = null,
  ): Promise<boolean> {
    const { version, wabaId } = req.params;
    kit.version(req, version);
    const [owner] = await sim.registry.byWaba(wabaId);
    kit.log(req, endpoint, owner?.phoneNumberId ?? null, body, raw);
    const number = (await kit.scope(req)).find((n) => n.wabaId === wabaId);
    if (!number) throw unsupportedRequest(req.method, wabaId);
    return kit.fault(req, reply, number.phoneNumberId, endpoint);
  }

  app.get<{ Params: Params; Querystring: ListQuery }>(PATH, hidden, async (req, reply) => {
    if (await begin(req, reply, 'templates_list')) return reply;
    const q = req.query;
    const limit = Math.min(Math.max(Number(q.limit) || 25, 1), 1000);
    const matches = sim.templates
      .list(req.params.wabaId)
      .filter(
        (t) =>
          (!q.name || t.name.includes(q.name.toLowerCase())) &&
          (!q.status || t.status === q.status.toUpperCase()) &&
          (!q.language || t.language === q.language) &&
          (!q.category || t.category === q.category.toUpperCase()),
      );
    const start = indexOf(q.after);
    const page = matches.slice(start, start + limit);
    const hasMore = start + limit < matches.length;
    const next = new URL(`${kit.origin(req)}${req.url}`);
    next.searchParams.set('after', cursorOf(start + limit));
    return {
      data: page.map(toMetaTemplate),
      paging: {
        cursors: { before: cursorOf(start), after: cursorOf(start + page.length) },
        ...(hasMore ? { next: next.toString() } : {}),
      },
    };
  });

  app.post<{ Params: Params }>(PATH, hidden, async (req, reply) => {
    const parsed = parseJsonBody(req.body);
    const raw = typeof req.body === 'string' ? req.body : null;
    if (await begin(req, reply, 'templates_create', parsed.ok ? (parsed.value ?? null) : null, raw))
      return reply;
    if (!parsed.ok) throw invalidParam('The request body is not valid JSON.');
    const template = sim.templates.create(req.params.wabaId, parsed.value);
    return { id: template.id, status: template.status, category: template.category };
  });

  app.delete<{ Params: Params; Querystring: { name?: string; hsm_id?: string } }>(
    PATH,
    hidden,
    async (req, reply) => {
      if (await begin(req, reply, 'templates_delete')) return reply;
      if (!req.query.name) throw missingParam('name');
      if (!sim.templates.remove(req.params.wabaId, req.query.name, req.query.hsm_id))
        throw invalidParam(`Message template "${req.query.name}" does not exist.`);
      return { success: true };
    },
  );
}
