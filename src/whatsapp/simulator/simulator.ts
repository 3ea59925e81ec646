import type { Logger } from 'pino';
import type { SimulatorConfig } from '../../config.js';
import type { Db } from '../../db/client.js';
import { notFound } from '../../http/errors.js';
import type { SecretBox } from '../../platform/crypto.js';
import {
  customerMessageBody,
  rawWebhookBody,
  type RawWebhookInput,
  type TemplateStatusInput,
} from './control.schema.js';
import { createNumberRegistry, type SimulatedNumber } from './credentials.js';
import { createCustomers } from './customers.js';
import { templateStatusWebhook } from './envelope.js';
import { createFaultBook } from './faults.js';
import { createMediaStore } from './media-store.js';
import { createRecipientBook } from './recipients.js';
import { createRequestLog } from './request-log.js';
import { createStatusFlow, type AcceptedSend, type StatusDelays } from './status-flow.js';
import { createTemplateStore, toMetaTemplate } from './template-store.js';
import { createWebhookSender } from './webhook-sender.js';
import { toWireBody } from './wire.js';
import type { z } from 'zod';

export interface SimulatorSettings {
  webhookUrl: string;
  statusDelaysMs: StatusDelays;
  /** Refuse template sends unless the WABA holds the template APPROVED in that language. */
  strictTemplates: boolean;
}

export interface SimulatorOptions {
  db: Db;
  secrets: SecretBox;
  /** WHATSAPP_APP_SECRET: signs for integrations without an app secret of their own. */
  fallbackAppSecret: string | undefined;
  config: SimulatorConfig;
  /** The app's origin, for media URLs inside inbound webhooks. */
  publicUrl: string;
  logger: Pick<Logger, 'error'>;
}

/**
 * A local stand-in for Meta's side of the Cloud API, state in memory and keyed by number / WABA
 * so tenants never see each other's traffic. The Graph routes and the control API are thin
 * layers over this object; tests drive it directly too.
 */
export function createSimulator(o: SimulatorOptions) {
  const settings: SimulatorSettings = {
    webhookUrl: o.config.webhookUrl,
    statusDelaysMs: { ...o.config.statusDelaysMs },
    strictTemplates: false,
  };
  const registry = createNumberRegistry(o.db, o.secrets, o.fallbackAppSecret);
  const sender = createWebhookSender(() => settings.webhookUrl);
  const media = createMediaStore();
  const templates = createTemplateStore();
  const recipients = createRecipientBook();
  const statuses = createStatusFlow({ sender, recipients, registry, delays: () => settings.statusDelaysMs });
  const customers = createCustomers({ media, sender, publicUrl: () => o.publicUrl });

  async function numberOf(phoneNumberId: string): Promise<SimulatedNumber> {
    const number = await registry.byPhone(phoneNumberId);
    if (!number) throw notFound('Integration');
    return number;
  }

  return {
    settings,
    configure(patch: Partial<SimulatorSettings>) {
      Object.assign(settings, patch);
    },
    registry,
    media,
    templates,
    recipients,
    faults: createFaultBook(),
    requests: createRequestLog(),
    deliveries: sender.deliveries,

    /** After Meta's 200 to a send: its status webhooks follow in the background. */
    accept(send: AcceptedSend) {
      sender.spawn(
        () => statuses.run(send),
        (err) => o.logger.error({ err, wamid: send.wamid }, 'simulator status webhooks failed'),
      );
    },

    /** A simulated customer writes to a number: the signed inbound webhook is posted and its answer returned. */
    async customerMessage(input: z.input<typeof customerMessageBody>) {
      const parsed = customerMessageBody.parse(input);
      return customers.send(await numberOf(parsed.phone_number_id), parsed);
    },

    /** Posts any body for a number (duplicates, batches, shuffled orders), signed with its app secret. */
    async rawWebhook(input: RawWebhookInput) {
      const { phone_number_id, body, signature } = rawWebhookBody.parse(input);
      const number = await numberOf(phone_number_id);
      return sender.post({
        phoneNumberId: number.phoneNumberId,
        kind: 'raw',
        body: typeof body === 'string' ? body : toWireBody(body),
        appSecret: number.appSecret,
        signature,
      });
    },

    /** Meta's review result for a template: its status changes and the WABA gets the signed webhook. */
    async templateEvent(id: string, input: TemplateStatusInput) {
      const template = templates.applyEvent(id, input.event);
      if (!template) throw notFound('Template');
      const [number] = await registry.byWaba(template.wabaId);
      const value = {
        event: input.event,
        message_template_id: Number(template.id),
        message_template_name: template.name,
        message_template_language: template.language,
        reason: input.reason ?? 'NONE',
        message_template_category: template.category,
        ...(input.rejection_info ? { rejection_info: input.rejection_info } : {}),
      };
      const delivery = number
        ? await sender.post({
            phoneNumberId: number.phoneNumberId,
            kind: 'template_status',
            body: toWireBody(templateStatusWebhook(template.wabaId, value)),
            appSecret: number.appSecret,
          })
        : null;
      return { template: toMetaTemplate(template), delivery };
    },

    /** Waits ms, less when the simulator stops (then false). */
    sleep: (ms: number) => sender.sleep(ms),
    /** Waits until every scheduled webhook has been posted. */
    settle: () => sender.settle(),
    /** Cancels what is scheduled (app shutdown). */
    stop: () => sender.stop(),
  };
}

export type Simulator = ReturnType<typeof createSimulator>;
