import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact, createConversation, createMessage } from '../../../test/helpers/factories.js';
import { connectNumber, registerTenant, type TestNumber } from '../../../test/helpers/listening-app.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import type { MessageDto } from '../../features/messages/messages.schema.js';
import { webhookEvents } from '../../features/webhooks/webhooks.table.js';
import { DomainEventType } from '../../platform/event-types.js';
import { postWebhook, sendStatusWebhook, settled } from '../inbound/inbound.test-helpers.js';
import { outboundDeps } from './index.js';
import {
  answeredWamid,
  bodyOf,
  closeWorld,
  customerConversation,
  graphSends,
  handDrivenMessage,
  messageReaches,
  messageRow,
  outboundWorld,
  postMessage,
  sendJob,
  type OutboundWorld,
} from './outbound.test-helpers.js';
import { OutboundQueue } from './outbound-queues.js';
import { SEND_RETRY } from './retry-policy.js';
import { createSendJob, UNCONFIRMED, type SendJobData } from './send-job.js';

/** Far above the simulator's answer times on a busy machine: only the scripted delay times out. */
const HTTP_TIMEOUT_MS = 1_500;

describe('a hand-over Meta may have taken without our hearing back (simulator)', () => {
  let w: OutboundWorld;
  const statusEvents: MessageDto[] = [];
  beforeAll(async () => {
    // The default grace period (60 s) outlasts every test here: scheduled checks are run by hand.
    w = await outboundWorld({ WHATSAPP_HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS) });
    w.t.deps.events.subscribe(DomainEventType.MessageStatus, (e) => {
      statusEvents.push(e.payload as MessageDto);
    });
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  const send = () => createSendJob(outboundDeps(w.t.deps));
  const sendsTo = (waId: string) => graphSends(w).filter((r) => bodyOf(r).to === waId);
  /** The checks scheduled for a message, as pg-boss keeps them. */
  const checksOf = async (messageId: string) =>
    (await w.t.deps.queue.boss.findJobs<SendJobData>(OutboundQueue.Send, { key: messageId })).filter(
      (j) => j.data.check,
    );
  /** Meta posts one status of a send naming our message (biz_opaque_callback_data), and it is processed. */
  async function statusNaming(
    messageId: string,
    s: { wamid: string; status: string; waId: string },
    number: TestNumber = w.number,
  ) {
    const body = sendStatusWebhook(number, { ...s, messageId, recipient: s.waId });
    await postWebhook(w.t, body, number.app_secret);
    await settled(w.t);
  }

  it('a send Meta took but answered too late: its status webhooks name the message, which takes the wamid; the check sends nothing', async () => {
    const { conversation, waId } = await customerConversation(w);
    // A slow Meta that still sends it: our deadline passes first.
    w.t.simulator.faults.add({ phone_number_id: w.number.phone_number_id, delay_ms: HTTP_TIMEOUT_MS * 2 });
    const res = await postMessage(w, { conversation_id: conversation.id, body: 'slow Meta' });
    const id = res.json<{ id: string }>().id;

    const row = await messageReaches(w, id, 'read');
    const requests = sendsTo(waId);
    expect(requests).toHaveLength(1);
    expect(bodyOf(requests[0]!).biz_opaque_callback_data).toBe(id);
    expect(row.whatsappMessageId).toBe(answeredWamid(requests[0]!));
    expect(row.error).toBeNull();

    const checks = await checksOf(id);
    expect(checks).toHaveLength(1);
    await send()(sendJob(w, checks[0]!.data));
    expect(sendsTo(waId)).toHaveLength(1);
  });

  it('a claim left by a process that died mid-call is not sent again at once: one check is scheduled after the grace period', async () => {
    const claim = new Date(Date.now() - 1_000);
    const { message, waId } = await handDrivenMessage(w, { sentAt: claim });
    const before = Date.now();
    // pg-boss re-runs the job once the dead worker's heartbeat is stale; twice changes nothing more.
    await send()(sendJob(w, { messageId: message.id }, 1));
    await send()(sendJob(w, { messageId: message.id }, 2));

    expect(sendsTo(waId)).toHaveLength(0);
    expect(await messageRow(w, message.id)).toMatchObject({
      whatsappStatus: 'pending',
      whatsappMessageId: null,
      sentAt: claim,
    });
    const checks = await checksOf(message.id);
    expect(checks).toHaveLength(1);
    expect(checks[0]!).toMatchObject({
      data: { check: { claim: claim.toISOString(), spent: 1 } },
      // The attempt budget and the backoff go on where the dead attempt left them.
      retryLimit: SEND_RETRY.retryLimit - 1,
      retryDelay: SEND_RETRY.retryDelay * 2,
    });
    expect(checks[0]!.startAfter.getTime()).toBeGreaterThanOrEqual(
      before + w.t.config.whatsapp.sendConfirmGraceMs,
    );
  });

  it('late in the attempt budget the check waits out the backoff, when longer than the grace period', async () => {
    const claim = new Date(Date.now() - 1_000);
    const { message } = await handDrivenMessage(w, { sentAt: claim });
    const before = Date.now();
    // A re-run of an earlier check (its claim is not this one) with 8 attempts spent before it.
    const earlier = new Date(claim.getTime() - 120_000).toISOString();
    await send()(sendJob(w, { messageId: message.id, check: { claim: earlier, spent: 8 } }, 1));

    const checks = await checksOf(message.id);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.data.check).toEqual({ claim: claim.toISOString(), spent: 9 });
    const backoffMs = Math.min(SEND_RETRY.retryDelayMax, SEND_RETRY.retryDelay * 2 ** 8) * 1000;
    expect(backoffMs).toBeGreaterThan(w.t.config.whatsapp.sendConfirmGraceMs);
    expect(checks[0]!.startAfter.getTime()).toBeGreaterThanOrEqual(before + backoffMs);
  });

  it('the check sends the message again, once, when no status named it in the grace period', async () => {
    const claim = new Date(Date.now() - 1_000);
    const { message, waId } = await handDrivenMessage(w, { sentAt: claim });
    const check = sendJob(w, { messageId: message.id, check: { claim: claim.toISOString(), spent: 1 } });
    await send()(check);
    await send()(check);

    const requests = sendsTo(waId);
    expect(requests).toHaveLength(1);
    expect(bodyOf(requests[0]!).biz_opaque_callback_data).toBe(message.id);
    const row = await messageRow(w, message.id);
    expect(row).toMatchObject({ whatsappStatus: 'sent', whatsappMessageId: answeredWamid(requests[0]!) });
    expect(row.sentAt!.getTime()).toBeGreaterThan(claim.getTime());
  });

  it('a status webhook naming a claimed message adopts its wamid and moves it on, with one message.status; the check then sends nothing', async () => {
    const claim = new Date();
    const { message, waId } = await handDrivenMessage(w, { sentAt: claim });
    const wamid = `wamid.adopted-${message.id}`;
    await statusNaming(message.id, { wamid, status: 'delivered', waId });

    const row = await messageRow(w, message.id);
    expect(row).toMatchObject({
      whatsappStatus: 'delivered',
      whatsappMessageId: wamid,
      sentAt: claim,
      error: null,
    });
    expect(row.deliveredAt).not.toBeNull();
    expect(statusEvents.filter((m) => m.id === message.id)).toEqual([
      expect.objectContaining({ whatsapp_status: 'delivered', whatsapp_message_id: wamid }),
    ]);
    await send()(sendJob(w, { messageId: message.id, check: { claim: claim.toISOString(), spent: 1 } }));
    expect(sendsTo(waId)).toHaveLength(0);
  });

  it("never adopts for another number's or another tenant's message, nor over the wamid a message has", async () => {
    const other = await connectNumber(w.t);
    const [otherIntegration] = await w.t.deps.database.db
      .select()
      .from(whatsappIntegrations)
      .where(eq(whatsappIntegrations.phoneNumberId, other.phone_number_id));
    const onOtherNumber = await handDrivenMessage(
      w,
      { sentAt: new Date() },
      { integrationId: otherIntegration!.id },
    );
    const db = w.t.deps.database.db;
    const foreignToken = await registerTenant(w.t, 'Elsewhere');
    const foreignMe = await w.t.request({ method: 'GET', url: '/api/v1/auth/me', token: foreignToken });
    const { id: foreignUser, tenant_id: foreignTenant } = foreignMe.json<{ id: string; tenant_id: string }>();
    const foreignContact = await createContact(db, foreignTenant, { externalId: '34699000001' });
    const foreignConversation = await createConversation(db, foreignTenant, { contactId: foreignContact.id });
    const foreign = await createMessage(db, foreignConversation, {
      senderType: 'user',
      senderUserId: foreignUser,
      whatsappStatus: 'pending',
      sentAt: new Date(),
    });
    const first = `wamid.first-${foreign.id}`;
    const alreadySent = await handDrivenMessage(w, {
      whatsappStatus: 'sent',
      whatsappMessageId: first,
      sentAt: new Date(),
    });

    for (const [id, waId] of [
      [onOtherNumber.message.id, onOtherNumber.waId],
      [foreign.id, '34699000001'],
      [alreadySent.message.id, alreadySent.waId],
    ] as const) {
      await statusNaming(id, { wamid: `wamid.stranger-${id}`, status: 'sent', waId });
    }

    expect(await messageRow(w, onOtherNumber.message.id)).toMatchObject({
      whatsappStatus: 'pending',
      whatsappMessageId: null,
    });
    expect(await messageRow(w, foreign.id)).toMatchObject({
      whatsappStatus: 'pending',
      whatsappMessageId: null,
    });
    expect(await messageRow(w, alreadySent.message.id)).toMatchObject({
      whatsappStatus: 'sent',
      whatsappMessageId: first,
    });
    const noted = await db
      .select({ lastError: webhookEvents.lastError })
      .from(webhookEvents)
      .where(like(webhookEvents.lastError, `%${alreadySent.message.id}%`));
    expect(noted.map((e) => e.lastError)).toEqual([expect.stringContaining('WhatsApp got it twice')]);
  });

  it('with no attempt left, an unconfirmed hand-over fails as not confirmed and keeps its claim; a late status still adopts it', async () => {
    const claim = new Date();
    const { message, waId } = await handDrivenMessage(w, { sentAt: claim });
    const spent = SEND_RETRY.retryLimit + 1;
    await send()(sendJob(w, { messageId: message.id, check: { claim: claim.toISOString(), spent } }));
    expect(await messageRow(w, message.id)).toMatchObject({
      whatsappStatus: 'failed',
      error: UNCONFIRMED,
      whatsappMessageId: null,
      sentAt: claim,
    });
    expect(sendsTo(waId)).toHaveLength(0);

    const wamid = `wamid.late-${message.id}`;
    await statusNaming(message.id, { wamid, status: 'sent', waId });
    expect(await messageRow(w, message.id)).toMatchObject({
      whatsappStatus: 'sent',
      whatsappMessageId: wamid,
      error: null,
    });
  });
});
