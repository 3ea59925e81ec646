import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import type { RequestContext } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { idErrors } from '../../http/schemas.js';
import { controlAuth } from './control-auth.js';
import {
  customerMessageBody,
  customerMessageResult,
  deliverySchema,
  faultBody,
  faultSchema,
  phoneQuery,
  rawWebhookBody,
  recipientBody,
  recipientQuery,
  requestsPage,
  requestsQuery,
  templateIdParam,
  templateStatusBody,
  templateStatusResult,
} from './control.schema.js';
import type { Simulator } from './simulator.js';

const tags = ['simulator'];
/** Simulated customers may send media as base64. */
const CUSTOMER_BODY_LIMIT = 32 * 1024 * 1024;
const noContent = { 204: z.null(), ...idErrors };

/**
 * Drives the simulator: customers writing in, raw webhooks, scripted faults, recipient behaviour,
 * template reviews, and what Meta received. Only for admins, only on their tenant's numbers.
 */
export function controlRoutes(sim: Simulator, deps: Pick<AppDeps, 'tokens' | 'database'>) {
  async function ownNumber(ctx: RequestContext, phoneNumberId: string) {
    const number = await sim.registry.byPhone(phoneNumberId);
    if (!number || number.tenantId !== ctx.tenantId) throw notFound('Integration');
    return number;
  }

  async function ownTemplate(ctx: RequestContext, id: string) {
    const template = sim.templates.get(id);
    const numbers = template ? await sim.registry.byWaba(template.wabaId) : [];
    if (!numbers.some((n) => n.tenantId === ctx.tenantId)) throw notFound('Template');
  }

  // On each route rather than the plugin, so the route table (and its sweep) sees what they require.
  const guarded = { onRequest: controlAuth(deps) };

  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/customers/messages',
      {
        ...guarded,
        bodyLimit: CUSTOMER_BODY_LIMIT,
        schema: {
          tags,
          summary: 'A simulated customer sends a message of any type (signed inbound webhook to the app)',
          body: customerMessageBody,
          response: { 201: customerMessageResult, ...idErrors },
        },
      },
      async (req, reply) => {
        await ownNumber(ctxOf(req), req.body.phone_number_id);
        return reply.status(201).send(await sim.customerMessage(req.body));
      },
    );

    r.post(
      '/webhooks/raw',
      {
        ...guarded,
        bodyLimit: CUSTOMER_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Post any webhook body for a number, signed with its app secret (or deliberately not)',
          body: rawWebhookBody,
          response: { 200: deliverySchema, ...idErrors },
        },
      },
      async (req) => {
        await ownNumber(ctxOf(req), req.body.phone_number_id);
        return sim.rawWebhook(req.body);
      },
    );

    r.get(
      '/webhooks',
      {
        ...guarded,
        schema: {
          tags,
          summary: 'Webhooks the simulator posted for a number, with the app answers',
          querystring: phoneQuery,
          response: { 200: z.object({ data: z.array(deliverySchema) }), ...idErrors },
        },
      },
      async (req) => {
        await ownNumber(ctxOf(req), req.query.phone_number_id);
        return { data: sim.deliveries(req.query.phone_number_id) };
      },
    );

    r.post(
      '/faults',
      {
        ...guarded,
        schema: {
          tags,
          summary: 'Script the next matching Graph requests of a number to fail, stall or answer garbage',
          body: faultBody,
          response: { 201: faultSchema, ...idErrors },
        },
      },
      async (req, reply) => {
        await ownNumber(ctxOf(req), req.body.phone_number_id);
        return reply.status(201).send(sim.faults.add(req.body));
      },
    );

    r.get(
      '/faults',
      {
        ...guarded,
        schema: {
          tags,
          summary: 'Faults still waiting for a request',
          querystring: phoneQuery,
          response: { 200: z.object({ data: z.array(faultSchema) }), ...idErrors },
        },
      },
      async (req) => {
        await ownNumber(ctxOf(req), req.query.phone_number_id);
        return { data: sim.faults.list(req.query.phone_number_id) };
      },
    );

    r.delete(
      '/faults',
      {
        ...guarded,
        schema: { tags, summary: 'Drop pending faults', querystring: phoneQuery, response: noContent },
      },
      async (req, reply) => {
        await ownNumber(ctxOf(req), req.query.phone_number_id);
        sim.faults.clear(req.query.phone_number_id);
        return reply.status(204).send(null);
      },
    );

    r.get(
      '/requests',
      {
        ...guarded,
        schema: {
          tags,
          summary: 'Graph requests received for a number, with exact bodies and answers',
          querystring: requestsQuery,
          response: { 200: requestsPage, ...idErrors },
        },
      },
      async (req) => {
        const { phone_number_id, endpoint } = req.query;
        await ownNumber(ctxOf(req), phone_number_id);
        return {
          data: sim.requests.list(phone_number_id, endpoint),
          counts: sim.requests.counts(phone_number_id),
        };
      },
    );

    r.delete(
      '/requests',
      {
        ...guarded,
        schema: { tags, summary: 'Forget the request log', querystring: phoneQuery, response: noContent },
      },
      async (req, reply) => {
        await ownNumber(ctxOf(req), req.query.phone_number_id);
        sim.requests.clear(req.query.phone_number_id);
        return reply.status(204).send(null);
      },
    );

    r.put(
      '/recipients',
      {
        ...guarded,
        schema: {
          tags,
          summary: 'Make a customer never read, or fail every send with an error code',
          body: recipientBody,
          response: { 200: recipientBody, ...idErrors },
        },
      },
      async (req) => {
        await ownNumber(ctxOf(req), req.body.phone_number_id);
        return sim.recipients.set(req.body);
      },
    );

    r.delete(
      '/recipients',
      {
        ...guarded,
        schema: {
          tags,
          summary: 'Back to reading everything',
          querystring: recipientQuery,
          response: noContent,
        },
      },
      async (req, reply) => {
        await ownNumber(ctxOf(req), req.query.phone_number_id);
        sim.recipients.remove(req.query.phone_number_id, req.query.wa_id);
        return reply.status(204).send(null);
      },
    );

    r.post(
      '/templates/:id/status',
      {
        ...guarded,
        schema: {
          tags,
          summary: "Meta's review of a template: its status changes and a signed status webhook is sent",
          params: templateIdParam,
          body: templateStatusBody,
          response: { 200: templateStatusResult, ...idErrors },
        },
      },
      async (req) => {
        await ownTemplate(ctxOf(req), req.params.id);
        return sim.templateEvent(req.params.id, req.body);
      },
    );
  };
}
