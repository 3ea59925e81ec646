import { and, asc, eq, inArray } from 'drizzle-orm';
import type { TestApp } from '../../../test/helpers/app.js';
import { createConversation, createMessage } from '../../../test/helpers/factories.js';
import { connectNumber, type TestNumber } from '../../../test/helpers/listening-app.js';
import { readFixture, signBody, toWireBody } from '../../../test/helpers/whatsapp-fixtures.js';
import { contacts } from '../../features/contacts/contacts.table.js';
import { conversations } from '../../features/conversations/conversations.table.js';
import { mediaObjects } from '../../features/media/media.table.js';
import { messageReactions, messages } from '../../features/messages/messages.table.js';
import { messageTemplates } from '../../features/templates/templates.table.js';
import { pendingStatuses, webhookEvents } from '../../features/webhooks/webhooks.table.js';
import type { DomainEvent } from '../../platform/events.js';

export const WEBHOOK = '/api/v1/meta-whatsapp/webhook';

/** The number Meta's samples are addressed to (fixtures/whatsapp INDEX.md conventions). */
export const FIXTURE_NUMBER: TestNumber = {
  phone_number_id: '106540352242922',
  business_account_id: '102290129340398',
  access_token: 'EAAG-fixture-token',
  app_secret: 'test_app_secret',
};
/** The second WABA of the synthetic batch fixture. */
export const SECOND_NUMBER: TestNumber = {
  phone_number_id: '106540352242923',
  business_account_id: '102290129340399',
  access_token: 'EAAG-fixture-token-2',
  app_secret: 'test_app_secret',
};
/** Business messages the fixtures' reactions and statuses point at. */
export const BUSINESS_WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA';
export const REACTED_WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA';
export const SHEENA = { waId: '16505551234', phone: '+16505551234', name: 'Sheena Nelson' };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns something truthy (then returns it) or the time is up. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

/** A body (object: Meta's wire form; string: as is) POSTed to the webhook, signed like Meta signs. */
export async function postWebhook(t: TestApp, payload: unknown, secret = FIXTURE_NUMBER.app_secret) {
  const body = typeof payload === 'string' ? payload : toWireBody(payload);
  const res = await t.request({
    method: 'POST',
    url: WEBHOOK,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, secret) },
    payload: body,
  });
  if (res.statusCode !== 200) throw new Error(`webhook answered ${res.statusCode} ${res.body}`);
}

export const postFixture = (t: TestApp, name: string) => postWebhook(t, readFixture(`inbound/${name}`));

/** Waits until every stored event has been processed (or parked as failed). */
export async function settled(t: TestApp, timeoutMs?: number) {
  await eventually(async () => {
    const waiting = await t.deps.database.db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(inArray(webhookEvents.status, ['received', 'processing']));
    return waiting.length === 0;
  }, timeoutMs);
}

/** Posts and waits for the processing. */
export async function deliver(t: TestApp, payload: unknown, secret?: string) {
  await postWebhook(t, payload, secret);
  await settled(t);
}

export interface InboundWorld {
  tenantId: string;
  adminId: string;
  integrationId: string;
}

/** The admin's tenant with Meta's sample numbers connected through the API. */
export async function connectFixtureNumbers(t: TestApp): Promise<InboundWorld> {
  const admin = await t.adminToken();
  const me = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json<{
    id: string;
    tenant_id: string;
  }>();
  await connectNumber(t, admin, FIXTURE_NUMBER);
  await connectNumber(t, admin, SECOND_NUMBER);
  const list = await t.request({ method: 'GET', url: '/api/v1/whatsapp-integration-config', token: admin });
  const integration = list
    .json<{ data: { id: string; phone_number_id: string }[] }>()
    .data.find((i) => i.phone_number_id === FIXTURE_NUMBER.phone_number_id);
  return { tenantId: me.tenant_id, adminId: me.id, integrationId: integration!.id };
}

/** Forgets every customer, message, event and template between tests. */
export async function resetInbound(t: TestApp) {
  const db = t.deps.database.db;
  await db.delete(contacts);
  await db.delete(webhookEvents);
  await db.delete(pendingStatuses);
  await db.delete(messageTemplates);
  await db.delete(mediaObjects);
}

/** A message our agent sent earlier (so statuses and reactions have a target). */
export async function businessMessage(t: TestApp, w: InboundWorld, wamid: string) {
  const db = t.deps.database.db;
  const conversation = await createConversation(db, w.tenantId, { integrationId: w.integrationId });
  return createMessage(db, conversation, {
    senderType: 'user',
    senderUserId: w.adminId,
    body: 'Our offer',
    whatsappMessageId: wamid,
    whatsappStatus: 'pending',
  });
}

export function queries(t: TestApp, tenantId: string) {
  const db = t.deps.database.db;
  return {
    contacts: () =>
      db.select().from(contacts).where(eq(contacts.tenantId, tenantId)).orderBy(asc(contacts.createdAt)),
    conversations: () =>
      db
        .select()
        .from(conversations)
        .where(eq(conversations.tenantId, tenantId))
        .orderBy(asc(conversations.createdAt)),
    messages: () =>
      db.select().from(messages).where(eq(messages.tenantId, tenantId)).orderBy(asc(messages.createdAt)),
    message: async (wamid: string) =>
      (
        await db
          .select()
          .from(messages)
          .where(and(eq(messages.tenantId, tenantId), eq(messages.whatsappMessageId, wamid)))
      )[0],
    reactions: (messageId: string) =>
      db.select().from(messageReactions).where(eq(messageReactions.messageId, messageId)),
    events: () => db.select().from(webhookEvents).orderBy(asc(webhookEvents.receivedAt)),
  };
}

/** Records the domain events published while `work` runs (and a little after, for async jobs). */
export async function recordEvents(t: TestApp, work: () => Promise<unknown>): Promise<DomainEvent[]> {
  const seen: DomainEvent[] = [];
  const stop = t.deps.events.subscribe('*', (e) => void seen.push(e));
  try {
    await work();
  } finally {
    stop();
  }
  return seen;
}

/** Meta's envelope for one change of the fixture number. */
export function envelope(value: Record<string, unknown>, number = FIXTURE_NUMBER) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.business_account_id,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: number.phone_number_id },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export interface Sender {
  /** wa_id; empty for a username-only user. */
  from: string;
  userId?: string;
  name?: string;
}

const unix = (at: Date) => String(Math.floor(at.getTime() / 1000));

const contactsOf = (s: Sender) => [
  { profile: { name: s.name ?? 'Customer' }, wa_id: s.from, ...(s.userId ? { user_id: s.userId } : {}) },
];

/** A customer's message in Meta's shape (type-specific object given as `extra`). */
export function inboundMessage(
  s: Sender,
  m: { wamid: string; at?: Date; type?: string } & Record<string, unknown>,
) {
  const { wamid, at = new Date(), type = 'text', ...extra } = m;
  return {
    from: s.from,
    ...(s.userId ? { from_user_id: s.userId } : {}),
    id: wamid,
    timestamp: unix(at),
    type,
    ...extra,
  };
}

export const textWebhook = (s: Sender, wamid: string, body: string, at?: Date) =>
  envelope({
    contacts: contactsOf(s),
    messages: [inboundMessage(s, { wamid, ...(at ? { at } : {}), text: { body } })],
  });

export const reactionWebhook = (s: Sender, wamid: string, target: string, emoji?: string, at?: Date) =>
  envelope({
    contacts: contactsOf(s),
    messages: [
      inboundMessage(s, {
        wamid,
        type: 'reaction',
        ...(at ? { at } : {}),
        reaction: { message_id: target, ...(emoji !== undefined ? { emoji } : {}) },
      }),
    ],
  });

export const statusWebhook = (wamid: string, status: string, at = new Date(), recipient = SHEENA.waId) =>
  envelope({ statuses: [{ id: wamid, status, timestamp: unix(at), recipient_id: recipient }] });

/**
 * A status of one of our sends as Meta's v24 webhooks carry it: our message id echoed as
 * `biz_opaque_callback_data`, pricing on sent and delivered (the simulator's shape).
 */
export const sendStatusWebhook = (
  number: TestNumber,
  s: { wamid: string; status: string; messageId: string; recipient: string; at?: Date },
) =>
  envelope(
    {
      statuses: [
        {
          id: s.wamid,
          status: s.status,
          timestamp: unix(s.at ?? new Date()),
          recipient_id: s.recipient,
          biz_opaque_callback_data: s.messageId,
          ...(s.status === 'sent' || s.status === 'delivered'
            ? {
                pricing: {
                  billable: false,
                  pricing_model: 'PMP',
                  type: 'free_customer_service',
                  category: 'service',
                },
              }
            : {}),
        },
      ],
    },
    number,
  );
