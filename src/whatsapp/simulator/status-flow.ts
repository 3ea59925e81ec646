import type { SimulatedNumber, NumberRegistry } from './credentials.js';
import { messagesWebhook } from './envelope.js';
import { webhookError } from './graph-errors.js';
import { unixNow } from './ids.js';
import type { RecipientBook } from './recipients.js';
import type { WebhookSender } from './webhook-sender.js';
import { toWireBody } from './wire.js';

/** Pricing category of a send: free-form replies are service, templates bill by their category. */
export type PricingCategory = 'service' | 'marketing' | 'utility' | 'authentication';

export interface AcceptedSend {
  number: SimulatedNumber;
  wamid: string;
  waId: string;
  userId: string | null;
  category: PricingCategory;
  bizOpaqueCallbackData: string | null;
  acceptedAt: number;
}

export interface StatusDelays {
  sent: number;
  delivered: number;
  read: number;
}

type Step = { status: 'sent' | 'delivered' | 'read' | 'failed'; at: number };

/** v24-style pricing (no conversation object); it rides on sent and delivered, as Meta's does. */
const pricing = (category: PricingCategory) => ({
  billable: category !== 'service',
  pricing_model: 'PMP',
  type: category === 'service' ? 'free_customer_service' : 'regular',
  category,
});

function statusObject(send: AcceptedSend, step: Step, failCode: number | null) {
  return {
    id: send.wamid,
    status: step.status,
    timestamp: String(unixNow()),
    recipient_id: send.waId,
    ...(send.userId ? { recipient_user_id: send.userId } : {}),
    ...(send.bizOpaqueCallbackData ? { biz_opaque_callback_data: send.bizOpaqueCallbackData } : {}),
    ...(step.status === 'sent' || step.status === 'delivered' ? { pricing: pricing(send.category) } : {}),
    ...(failCode !== null ? { errors: [webhookError(failCode)] } : {}),
  };
}

export interface StatusFlowDeps {
  sender: WebhookSender;
  recipients: RecipientBook;
  registry: NumberRegistry;
  delays: () => StatusDelays;
}

/**
 * What Meta does after answering a send: sent -> delivered -> read webhooks, each signed with the
 * number's app secret; or one `failed` for a customer set up to fail.
 */
export function createStatusFlow(d: StatusFlowDeps) {
  function stepsFor(send: AcceptedSend): { steps: Step[]; failCode: number | null } {
    const delays = d.delays();
    const behaviour = send.waId ? d.recipients.get(send.number.phoneNumberId, send.waId) : undefined;
    if (behaviour?.fail_with_code) {
      return { steps: [{ status: 'failed', at: delays.sent }], failCode: behaviour.fail_with_code };
    }
    const steps: Step[] = [
      { status: 'sent', at: delays.sent },
      { status: 'delivered', at: delays.delivered },
    ];
    if (!behaviour?.never_read) steps.push({ status: 'read', at: delays.read });
    return { steps, failCode: null };
  }

  async function run(send: AcceptedSend) {
    const { steps, failCode } = stepsFor(send);
    for (const step of steps) {
      if (!(await d.sender.sleep(Math.max(0, send.acceptedAt + step.at - Date.now())))) return;
      // Re-read the number so a secret changed meanwhile is used, as Meta would.
      const number = (await d.registry.byPhone(send.number.phoneNumberId)) ?? send.number;
      const status = statusObject(send, step, failCode);
      await d.sender.post({
        phoneNumberId: number.phoneNumberId,
        kind: 'status',
        body: toWireBody(messagesWebhook(number, { statuses: [status] })),
        appSecret: number.appSecret,
      });
    }
  }

  return { run };
}

export type StatusFlow = ReturnType<typeof createStatusFlow>;
