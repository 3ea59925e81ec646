import { eq } from 'drizzle-orm';
import type { Job } from 'pg-boss';
import { createContact, createConversation, createMessage } from '../../../test/helpers/factories.js';
import {
  connectNumber,
  createListeningApp,
  type ListeningApp,
  type TestNumber,
} from '../../../test/helpers/listening-app.js';
import type { NewContact } from '../../features/contacts/contacts.table.js';
import type { NewConversation } from '../../features/conversations/conversations.table.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import type { MediaKind } from '../../features/media/media-types.js';
import { mediaObjects } from '../../features/media/media.table.js';
import { messages, type Message } from '../../features/messages/messages.table.js';
import { uuidv7 } from '../../db/columns.js';
import { sampleMedia } from '../simulator/sample-media.js';
import { readFixture } from '../../../test/helpers/whatsapp-fixtures.js';
import type { GraphRequest } from '../simulator/request-log.js';
import type { SendJobData } from './send-job.js';

/** A listening app with the simulator, one connected number and the admin's token. */
export interface OutboundWorld {
  t: ListeningApp;
  number: TestNumber;
  integrationId: string;
  tenantId: string;
  admin: string;
}

export async function outboundWorld(env: Record<string, string> = {}): Promise<OutboundWorld> {
  const t = await createListeningApp(env);
  const number = await connectNumber(t);
  const [integration] = await t.deps.database.db
    .select()
    .from(whatsappIntegrations)
    .where(eq(whatsappIntegrations.phoneNumberId, number.phone_number_id));
  return {
    t,
    number,
    integrationId: integration!.id,
    tenantId: integration!.tenantId,
    admin: await t.adminToken(),
  };
}

/** The listening app's close waits for the simulator's webhooks in flight. */
export async function closeWorld(w: OutboundWorld | undefined): Promise<void> {
  await w?.t.close();
}

let customers = 0;

/** A customer who wrote within the last 24 hours, in an open conversation on the world's number. */
export async function customerConversation(
  w: OutboundWorld,
  contact: Partial<NewContact> = {},
  conversation: Partial<NewConversation> = {},
) {
  customers += 1;
  // A possible Spanish mobile number (+34 6xx xxx xxx), unique per test process.
  const waId = `34612${String(process.pid % 1000).padStart(3, '0')}${String(customers).padStart(3, '0')}`;
  const db = w.t.deps.database.db;
  const c = await createContact(db, w.tenantId, { externalId: waId, phoneNumber: `+${waId}`, ...contact });
  const conv = await createConversation(db, w.tenantId, {
    contactId: c.id,
    integrationId: w.integrationId,
    windowExpiresAt: new Date(Date.now() + 3_600_000),
    ...conversation,
  });
  return { contact: c, conversation: conv, waId };
}

export const postMessage = (w: OutboundWorld, payload: object, token = w.admin) =>
  w.t.request({ method: 'POST', url: '/api/v1/messages', token, payload });

/** Polls until `probe` returns something truthy (default 15 s). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function messageRow(w: OutboundWorld, id: string): Promise<Message> {
  const [row] = await w.t.deps.database.db.select().from(messages).where(eq(messages.id, id));
  return row!;
}

/** Waits until the message's whatsapp_status is one of `statuses`. */
export const messageReaches = (w: OutboundWorld, id: string, ...statuses: Message['whatsappStatus'][]) =>
  eventually(async () => {
    const row = await messageRow(w, id);
    return statuses.includes(row.whatsappStatus) ? row : undefined;
  });

/** Graph `/messages` requests the simulator received for the world's number. */
export const graphSends = (w: OutboundWorld): GraphRequest[] =>
  w.t.simulator.requests.list(w.number.phone_number_id, 'messages');

/** The sends Meta accepted: answered with a wamid (a truncated 200 accepted nothing). */
export const acceptedSends = (w: OutboundWorld) =>
  graphSends(w).filter((r) => {
    const answer = r.response as { messages?: { id?: string }[] } | null;
    return r.status_code === 200 && typeof answer === 'object' && !!answer?.messages?.[0]?.id;
  });

/** What tests read of a Graph request body (or of Meta's examples of one). */
export interface SendBody {
  to?: string;
  recipient?: string;
  type?: string;
  status?: string;
  message_id?: string;
  text?: { body: string };
  context?: { message_id: string };
  reaction?: { message_id: string; emoji: string };
  [field: string]: unknown;
}

export const bodyOf = (r: GraphRequest) => r.body as SendBody;
/** The wamid Meta answered a send with. */
export const answeredWamid = (r: GraphRequest) =>
  (r.response as { messages: { id: string }[] }).messages[0]!.id;

/** One of Meta's outbound examples (test/fixtures/whatsapp/outbound), a fresh copy each time. */
export interface OutboundFixture extends SendBody {
  type: string;
  text: { body: string };
  context: { message_id: string };
  reaction: { message_id: string; emoji: string };
  template: Record<string, unknown>;
  interactive: Record<string, unknown>;
  message_id: string;
}
export const outboundFixture = (name: string) =>
  structuredClone(readFixture(`outbound/${name}.json`)) as OutboundFixture;

/** The media object of a media example or body (`image`, `document`, ...). */
export const mediaPart = (body: SendBody, kind: string) =>
  body[kind] as { id: string; caption?: string; filename?: string };

/** The last accepted send's body addressed to this wa_id. */
export const lastSendTo = (w: OutboundWorld, waId: string): SendBody | undefined =>
  acceptedSends(w)
    .map(bodyOf)
    .filter((b) => b.to === waId)
    .at(-1);

/** A file as an agent's upload leaves it: bytes in storage, an unattached media object. */
export async function storedMedia(w: OutboundWorld, kind: MediaKind, name: string | null = null) {
  const sample = await sampleMedia(kind);
  const id = uuidv7();
  const storageKey = `media/${w.tenantId}/${id}/original`;
  await w.t.deps.storage.put(storageKey, {
    body: sample.bytes,
    size: sample.bytes.length,
    contentType: sample.mimeType,
  });
  const [row] = await w.t.deps.database.db
    .insert(mediaObjects)
    .values({
      id,
      tenantId: w.tenantId,
      storageKey,
      kind,
      mimeType: sample.mimeType,
      name,
      size: sample.bytes.length,
    })
    .returning();
  return { media: row!, sample };
}

/** A send job as pg-boss hands it to a worker, to drive the job by hand. */
export const sendJob = (
  w: OutboundWorld,
  data: Omit<SendJobData, 'tenantId'>,
  retryCount = 0,
): Job<SendJobData> => ({
  id: data.messageId,
  name: 'whatsapp-send',
  data: { tenantId: w.tenantId, ...data },
  retryCount,
  expireInSeconds: 300,
  heartbeatSeconds: null,
  signal: new AbortController().signal,
});

/** A pending agent message whose job is driven by hand (none is enqueued for it). */
export async function handDrivenMessage(
  w: OutboundWorld,
  overrides: Parameters<typeof createMessage>[2] = {},
  conversation: Partial<NewConversation> = {},
) {
  const { conversation: conv, waId } = await customerConversation(w, {}, conversation);
  const me = await w.t.request({ method: 'GET', url: '/api/v1/auth/me', token: w.admin });
  const message = await createMessage(w.t.deps.database.db, conv, {
    senderType: 'user',
    senderUserId: me.json<{ id: string }>().id,
    body: 'by hand',
    whatsappStatus: 'pending',
    ...overrides,
  });
  return { message, waId };
}
