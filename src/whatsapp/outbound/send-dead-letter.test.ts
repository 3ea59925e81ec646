import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDto } from '../../features/messages/messages.schema.js';
import { DomainEventType } from '../../platform/event-types.js';
import { outboundDeps } from './index.js';
import {
  closeWorld,
  eventually,
  graphSends,
  handDrivenMessage,
  messageRow,
  outboundWorld,
  sendJob,
  type OutboundWorld,
} from './outbound.test-helpers.js';
import { OutboundQueue } from './outbound-queues.js';
import { createSendDeadLetterJob, NOT_SENT } from './send-dead-letter.js';
import { UNCONFIRMED, type SendJobData } from './send-job.js';

describe('send jobs that fail for good without an outcome (dead letter)', () => {
  let w: OutboundWorld;
  const statusEvents: MessageDto[] = [];
  beforeAll(async () => {
    w = await outboundWorld();
    w.t.deps.events.subscribe(DomainEventType.MessageStatus, (e) => {
      statusEvents.push(e.payload as MessageDto);
    });
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  const deadLetter = () => createSendDeadLetterJob(outboundDeps(w.t.deps));

  it('marks an unclaimed pending message failed (it never reached Meta) and announces it', async () => {
    const { message } = await handDrivenMessage(w);
    await deadLetter()(sendJob(w, { messageId: message.id }));
    expect(await messageRow(w, message.id)).toMatchObject({
      whatsappStatus: 'failed',
      error: NOT_SENT,
      sentAt: null,
    });
    expect(statusEvents.filter((m) => m.id === message.id).map((m) => m.whatsapp_status)).toEqual(['failed']);
  });

  it('marks a claimed one failed as not confirmed and keeps the claim for a late status webhook', async () => {
    const claim = new Date(Date.now() - 5_000);
    const { message } = await handDrivenMessage(w, { sentAt: claim });
    await deadLetter()(sendJob(w, { messageId: message.id }));
    expect(await messageRow(w, message.id)).toMatchObject({
      whatsappStatus: 'failed',
      error: UNCONFIRMED,
      sentAt: claim,
    });
  });

  it('leaves a message that has an outcome alone, and never calls Meta', async () => {
    const { message } = await handDrivenMessage(w, {
      whatsappStatus: 'sent',
      whatsappMessageId: 'wamid.dead-letter-sent',
      sentAt: new Date(),
    });
    const before = graphSends(w).length;
    await deadLetter()(sendJob(w, { messageId: message.id }));
    expect(await messageRow(w, message.id)).toMatchObject({ whatsappStatus: 'sent', error: null });
    expect(graphSends(w)).toHaveLength(before);
  });

  it('is wired: a send job failed for good goes to the dead letter queue, whose worker fails its message', async () => {
    const queue = w.t.deps.queue;
    expect((await queue.boss.getQueue(OutboundQueue.Send))?.deadLetter).toBe(OutboundQueue.SendDeadLetter);
    const { message } = await handDrivenMessage(w);
    // A job no worker takes yet, failed the way pg-boss fails a job whose process died.
    const id = await queue.send<SendJobData>(
      OutboundQueue.Send,
      { tenantId: w.tenantId, messageId: message.id },
      { retryLimit: 0, startAfter: new Date(Date.now() + 3_600_000) },
    );
    await queue.boss.fail(OutboundQueue.Send, id!, { message: 'process died' });
    const row = await eventually(async () => {
      const r = await messageRow(w, message.id);
      return r.whatsappStatus === 'failed' ? r : undefined;
    });
    expect(row.error).toEqual(NOT_SENT);
  });
});
