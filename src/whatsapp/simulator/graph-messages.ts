import type { FastifyInstance } from 'fastify';
import type { SimulatedNumber } from './credentials.js';
import { parseJsonBody, type GraphKit } from './graph-kit.js';
import { graphError, invalidParam, unsupportedRequest } from './graph-errors.js';
import { wamid } from './ids.js';
import { validateSend } from './send-validation.js';
import type { Simulator } from './simulator.js';
import type { PricingCategory } from './status-flow.js';

type Params = { version: string; phoneNumberId: string };

/** Templates the WABA knows must be APPROVED in that language; unknown ones pass unless strict. */
function templateCategory(
  sim: Simulator,
  number: SimulatedNumber,
  t: { name: string; language: string },
): PricingCategory {
  const named = number.wabaId ? sim.templates.find(number.wabaId, t.name) : [];
  const match = named.find((x) => x.language === t.language);
  if ((named.length || sim.settings.strictTemplates) && match?.status !== 'APPROVED') {
    throw graphError(132001, { details: `template name (${t.name}) does not exist in ${t.language}` });
  }
  return match ? (match.category.toLowerCase() as PricingCategory) : 'utility';
}

/** POST /{version}/{phone_number_id}/messages: every send kind, mark-as-read and typing indicators. */
export function messagesRoute(app: FastifyInstance, sim: Simulator, kit: GraphKit) {
  app.post<{ Params: Params }>(
    '/:version/:phoneNumberId/messages',
    { schema: { hide: true } },
    async (req, reply) => {
      const { version, phoneNumberId } = req.params;
      kit.version(req, version);
      const raw = typeof req.body === 'string' ? req.body : null;
      const parsed = parseJsonBody(req.body);
      kit.log(req, 'messages', phoneNumberId, parsed.ok ? (parsed.value ?? null) : null, raw);

      const number = (await kit.scope(req)).find((n) => n.phoneNumberId === phoneNumberId);
      if (!number) throw unsupportedRequest('POST', phoneNumberId);
      if (await kit.fault(req, reply, phoneNumberId, 'messages')) return reply;
      if (!parsed.ok) throw invalidParam('The request body is not valid JSON.');

      const send = validateSend(parsed.value);
      if (send.kind === 'read') return { success: true };
      const category = send.template ? templateCategory(sim, number, send.template) : 'service';
      const id = wamid(send.waId || '0', 'outbound');
      sim.accept({
        number,
        wamid: id,
        waId: send.waId,
        userId: send.userId,
        category,
        bizOpaqueCallbackData: send.bizOpaqueCallbackData,
        acceptedAt: Date.now(),
      });
      return {
        messaging_product: 'whatsapp',
        contacts: [
          send.userId ? { input: send.input, user_id: send.userId } : { input: send.input, wa_id: send.waId },
        ],
        // Template sends are answered with their pacing state, as Meta does.
        messages: [{ id, ...(send.template ? { message_status: 'accepted' } : {}) }],
      };
    },
  );
}
