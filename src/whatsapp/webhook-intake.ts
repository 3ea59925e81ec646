import { inArray, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { decryptIntegration } from '../features/integrations/integrations.service.js';
import {
  whatsappIntegrations,
  type WhatsappIntegration,
} from '../features/integrations/integrations.table.js';
import { webhookEvents, type NewWebhookEvent } from '../features/webhooks/webhooks.table.js';
import { AppError, badRequest } from '../http/errors.js';
import { MAX_INPUT_DEPTH, unstorable } from '../http/input-guard.js';
import type { SecretBox } from '../platform/crypto.js';
import type { Queue } from '../platform/queue.js';
import { WhatsappQueue } from './queues.js';
import { verifySignature } from './signature.js';
import { countUpdates } from './webhook-parser.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const idOf = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/**
 * JSON may escape characters PostgreSQL cannot store (U+0000 in text, a lone surrogate in jsonb).
 * Meta's events are kept, not refused (Meta would redeliver them for days): such a character
 * becomes U+FFFD in the stored and processed payload; raw_body keeps the exact bytes.
 */
const storableStrings = (_key: string, value: unknown) =>
  typeof value === 'string' ? value.replaceAll('\u0000', '\uFFFD').replace(/\p{Cs}/gu, '\uFFFD') : value;
/** Such characters only arrive escaped (a raw NUL is not JSON, bad UTF-8 decodes to U+FFFD). */
const ESCAPED_UNSTORABLE = /\\u(0000|[dD][89a-fA-F])/;
const parseWebhook = (text: string): unknown =>
  ESCAPED_UNSTORABLE.test(text) ? JSON.parse(text, storableStrings) : JSON.parse(text);

interface RoutedChange {
  entryId: string | undefined;
  change: unknown;
  /** phone_number_id, or the WABA id for account-level fields (template status updates). */
  phoneNumberId: string | undefined;
  wabaId: string | undefined;
}

function routeChanges(payload: unknown): RoutedChange[] {
  return arr(obj(payload).entry).flatMap((entry) =>
    arr(obj(entry).changes).map((change) => ({
      entryId: idOf(obj(entry).id),
      change,
      phoneNumberId: idOf(obj(obj(obj(change).value).metadata).phone_number_id),
      wabaId: idOf(obj(entry).id),
    })),
  );
}

/** Rebuilds Meta's envelope around one integration's share of a (possibly multi-tenant) batch. */
function envelope(object: unknown, changes: RoutedChange[]) {
  const entries = new Map<string | undefined, unknown[]>();
  for (const c of changes) entries.set(c.entryId, [...(entries.get(c.entryId) ?? []), c.change]);
  return { object, entry: [...entries].map(([id, list]) => ({ id, changes: list })) };
}

const invalidSignature = () =>
  new AppError(403, 'INVALID_SIGNATURE', 'X-Hub-Signature-256 does not match the body');

export interface WebhookIntakeOptions {
  db: Db;
  queue: Queue;
  secrets: SecretBox;
  /** WHATSAPP_APP_SECRET: used for integrations without their own, and for unmatched events. */
  fallbackAppSecret: string | undefined;
  /** WEBHOOK_MAX_UPDATES: messages + statuses one POST may carry. */
  maxUpdates: number;
  warn: (obj: object, msg: string) => void;
}

/**
 * The webhook POST: verify, store durably, enqueue, in one transaction — so an event that was
 * answered 200 always has its row and its job, and a refused one leaves nothing behind.
 */
export function createWebhookIntake(o: WebhookIntakeOptions) {
  async function integrationsFor(changes: RoutedChange[]) {
    const phoneIds = [...new Set(changes.flatMap((c) => (c.phoneNumberId ? [c.phoneNumberId] : [])))];
    const wabaIds = [...new Set(changes.flatMap((c) => (!c.phoneNumberId && c.wabaId ? [c.wabaId] : [])))];
    if (!phoneIds.length && !wabaIds.length) return [];
    return o.db
      .select()
      .from(whatsappIntegrations)
      .where(
        or(
          phoneIds.length ? inArray(whatsappIntegrations.phoneNumberId, phoneIds) : undefined,
          wabaIds.length ? inArray(whatsappIntegrations.businessAccountId, wabaIds) : undefined,
        ),
      );
  }

  return {
    async receive(rawBody: Buffer, signature: string | undefined): Promise<{ stored: number }> {
      let payload: unknown;
      try {
        payload = parseWebhook(rawBody.toString('utf8'));
      } catch {
        throw badRequest('The webhook body is not valid JSON');
      }
      // Deeper than any Meta event; storing it would overflow the serialiser (a 500).
      const tooDeep = unstorable(payload, { text: false });
      if (tooDeep) {
        throw badRequest(`The webhook body must not be nested deeper than ${MAX_INPUT_DEPTH} levels`, [
          { field: tooDeep.field || '(root)', message: tooDeep.message },
        ]);
      }
      // Meta batches far fewer; a larger body would only tie up a worker for minutes.
      const updates = countUpdates(payload);
      if (updates > o.maxUpdates) {
        throw new AppError(
          413,
          'PAYLOAD_TOO_LARGE',
          `The webhook carries ${updates} updates; at most ${o.maxUpdates} are accepted in one POST`,
        );
      }
      const changes = routeChanges(payload);
      const integrations = await integrationsFor(changes);
      const owner = (c: RoutedChange): WhatsappIntegration | undefined =>
        integrations.find((i) =>
          c.phoneNumberId ? i.phoneNumberId === c.phoneNumberId : i.businessAccountId === c.wabaId,
        );

      // Every integration named in the body must accept the signature: one tenant's secret must
      // never be enough to write into another tenant's inbox. Changes of unknown numbers, or a body
      // that names none, must verify with the deployment's WHATSAPP_APP_SECRET.
      const groups = new Map<WhatsappIntegration | undefined, RoutedChange[]>();
      for (const c of changes) groups.set(owner(c), [...(groups.get(owner(c)) ?? []), c]);
      if (!groups.size) groups.set(undefined, []);
      for (const integration of groups.keys()) {
        const secret = integration
          ? (decryptIntegration(o.secrets, integration).appSecret ?? o.fallbackAppSecret)
          : o.fallbackAppSecret;
        // Nothing to verify with: refused, never stored (anyone could fill the disk otherwise).
        if (!secret) {
          o.warn(
            integration ? { integrationId: integration.id } : {},
            integration
              ? 'webhook refused: integration has no app secret'
              : 'webhook refused: no integration for its number and no WHATSAPP_APP_SECRET',
          );
          throw invalidSignature();
        }
        if (!verifySignature(rawBody, signature, secret)) throw invalidSignature();
      }

      const object = obj(payload).object;
      const raw = rawBody.toString('utf8');
      const rows: NewWebhookEvent[] = [...groups].map(([integration, list]) => ({
        tenantId: integration?.tenantId ?? null,
        integrationId: integration?.id ?? null,
        phoneNumberId: integration?.phoneNumberId ?? list[0]?.phoneNumberId ?? null,
        // A body that names no number at all is kept as it came.
        payload: list.length ? envelope(object, list) : payload,
        rawBody: raw,
        signature: signature?.slice(0, 100) ?? null,
        status: integration ? 'received' : 'unmatched',
      }));
      for (const row of rows.filter((r) => r.status === 'unmatched')) {
        o.warn(
          { phoneNumberId: row.phoneNumberId },
          'webhook for an unknown phone_number_id kept as unmatched',
        );
      }

      const queued = await o.db.transaction(async (tx) => {
        const stored = await tx
          .insert(webhookEvents)
          .values(rows)
          .returning({ id: webhookEvents.id, status: webhookEvents.status });
        const received = stored.filter((e) => e.status === 'received');
        for (const event of received) {
          await o.queue.send(WhatsappQueue.Webhook, { eventId: event.id }, { tx, singletonKey: event.id });
        }
        return received.length;
      });
      // Committed: a worker of this instance picks it up now rather than at its next poll.
      for (let i = 0; i < queued; i++) o.queue.wake(WhatsappQueue.Webhook);
      return { stored: rows.length };
    },
  };
}

export type WebhookIntake = ReturnType<typeof createWebhookIntake>;
