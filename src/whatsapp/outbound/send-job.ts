/**
 * The send job: one job per outbound message (its id is the message id), enqueued in the
 * transaction that stored the message as `pending`, so a committed message always has its job.
 *
 * Sent once. Meta's `POST /messages` has no idempotency key: a request Meta accepted cannot be told
 * apart from a new one. What Meta does echo is `biz_opaque_callback_data`, which every send body
 * carries as our message id (bodies.ts): each status webhook of an accepted send names our message,
 * even when Meta's answer with the wamid never reached us. The job keeps what it knows in the row:
 *
 * 1. Nothing to do unless the message is still `pending` without a wamid (a repeated or late job is
 *    a no-op: the row state, not the job, decides).
 * 2. Before the Graph call the job claims the row in its own committed transaction: `sent_at` is set
 *    while the status stays `pending` (conditional update: only one claimer wins).
 * 3. Graph's answer is written conditionally on that claim: accepted -> wamid + `sent` (+ statuses
 *    that arrived first), in one transaction; refused for good -> `failed` with Meta's error;
 *    refused for now (130429, 131056, 5xx, a connection never made, see graph-failures.ts) -> the
 *    claim is released and the job throws, so pg-boss retries it with backoff (retry-policy.ts);
 *    the last attempt marks it `failed`.
 * 4. No answer we can read (timeout, connection dropped, unreadable body), or a claim found without
 *    an outcome (the process died mid-call and pg-boss re-ran the job once its heartbeat went stale):
 *    Meta may or may not have the message. It is not sent again now. The claim stays and a check of
 *    it is scheduled after the grace period (WHATSAPP_SEND_CONFIRM_GRACE_MS); meanwhile a status
 *    webhook naming the message adopts its wamid (wamid-adoption.ts) and the check finds nothing to
 *    do. No wamid by then: Meta most likely never got it, so the check releases the claim and sends
 *    again (a fresh claim) within the same attempt budget and backoff; with no attempt left the
 *    message fails as "Delivery not confirmed", keeping its claim so a late status still adopts it.
 *
 * What remains: Meta accepted a request whose first status webhook reaches us only after the grace
 * period (Meta slow to post, or this app down for longer than Meta's redelivery backoff). Then the
 * customer gets the message twice; the late status notes it on its webhook event.
 */
import type { Job } from 'pg-boss';
import { v5 as uuidv5 } from 'uuid';
import type { WhatsappIntegration } from '../../features/integrations/integrations.table.js';
import type { GraphFailure } from './graph-client.js';
import { appError, classifyFailure, failureError, mayHaveArrived } from './graph-failures.js';
import { markUnhealthy } from './integration-health.js';
import { OutboundQueue } from './outbound-queues.js';
import { RetryLater, type OutboundDeps } from './outbound-deps.js';
import { SEND_RETRY } from './retry-policy.js';
import { loadSendFacts } from './send-facts.js';
import { prepare } from './send-prepare.js';
import { createSendState } from './send-state.js';

export interface SendJobData {
  tenantId: string;
  messageId: string;
  /** A scheduled check: the claim (ISO time) it waits on, and the attempts spent before it. */
  check?: { claim: string; spent: number };
}

export const UNCONFIRMED = appError(
  'Delivery not confirmed',
  'WhatsApp never confirmed this message and no attempt was left; it may or may not have arrived. Check the chat and send it again if needed',
);

const wamidOf = (answer: Record<string, unknown>): string | undefined => {
  const first: unknown = Array.isArray(answer.messages) ? answer.messages[0] : undefined;
  const id = typeof first === 'object' && first !== null ? (first as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
};

/** This attempt's number across the message's jobs, from 0: a check job goes on counting. */
const attemptOf = (job: Job<SendJobData>) => (job.data.check?.spent ?? 0) + job.retryCount;

/**
 * The wait pg-boss's backoff would give after `spent` attempts (without its jitter): a number that
 * keeps timing out is looked at less and less often, not once per grace period.
 */
const backoffMs = (spent: number) =>
  Math.min(SEND_RETRY.retryDelayMax, SEND_RETRY.retryDelay * 2 ** Math.max(0, spent - 1)) * 1000;

/** One check per claim: scheduling it twice (a re-run) is a no-op. */
const checkJobId = (messageId: string, claim: Date) => uuidv5(claim.toISOString(), messageId);

export function createSendJob(d: OutboundDeps) {
  const state = createSendState(d.db, d.events);
  const targetOf = (job: Job<SendJobData>) => ({ id: job.data.messageId, tenantId: job.data.tenantId });

  /**
   * Leaves the claim in place and looks again after the grace period (or the backoff, when longer),
   * in a job that carries on the attempt count and the backoff where this one stands.
   */
  async function checkLater(job: Job<SendJobData>, claim: Date, spent: number): Promise<void> {
    const { tenantId, messageId } = job.data;
    const data: SendJobData = { tenantId, messageId, check: { claim: claim.toISOString(), spent } };
    await d.queue.send(OutboundQueue.Send, data, {
      id: checkJobId(messageId, claim),
      singletonKey: messageId,
      // With no attempt left the check can only give up: the grace period is all it waits for.
      startAfter: new Date(
        Date.now() +
          (spent > SEND_RETRY.retryLimit ? d.confirmGraceMs : Math.max(d.confirmGraceMs, backoffMs(spent))),
      ),
      retryLimit: Math.max(0, SEND_RETRY.retryLimit - spent),
      retryDelay: Math.min(SEND_RETRY.retryDelayMax, SEND_RETRY.retryDelay * 2 ** spent),
    });
  }

  /** A failed Graph call, before (no claim) or after the hand-over started. */
  async function failed(
    job: Job<SendJobData>,
    integration: WhatsappIntegration,
    f: GraphFailure,
    claim?: Date,
  ): Promise<void> {
    const target = targetOf(job);
    const error = failureError(f);
    const action = classifyFailure(f);
    const attempt = attemptOf(job);
    d.logger.warn({ messageId: target.id, error, action, attempt: attempt + 1 }, 'WhatsApp send failed');
    if (claim && action === 'retry' && mayHaveArrived(f)) return checkLater(job, claim, attempt + 1);
    if (action === 'retry' && attempt < SEND_RETRY.retryLimit) {
      if (claim) await state.release(target, claim);
      throw new RetryLater(`${error.title}: ${error.message ?? ''}`);
    }
    if (action === 'token') await markUnhealthy(d.db, integration, error);
    await state.recordFailed(target, error, claim ? { claim } : {});
  }

  /**
   * A claim without an outcome. Returns true when the message is to be sent again now: the grace
   * period of this very claim is over and no status webhook named the message.
   */
  async function resendable(job: Job<SendJobData>, claim: Date): Promise<boolean> {
    const target = targetOf(job);
    const attempt = attemptOf(job);
    if (job.data.check?.claim !== claim.toISOString()) {
      d.logger.warn(
        { messageId: target.id },
        'WhatsApp send interrupted mid-call: waiting for a status webhook before sending again',
      );
      await checkLater(job, claim, attempt);
      return false;
    }
    if (attempt > SEND_RETRY.retryLimit) {
      await state.recordFailed(target, UNCONFIRMED, { claim, keepClaim: true });
      return false;
    }
    d.logger.warn({ messageId: target.id }, 'WhatsApp send not confirmed in time: sending it again');
    await state.release(target, claim);
    return true;
  }

  return async function send(job: Job<SendJobData>): Promise<void> {
    const { tenantId, messageId } = job.data;
    const facts = await loadSendFacts(d.db, tenantId, messageId);
    const message = facts?.message;
    if (!facts || !message || message.whatsappStatus !== 'pending' || message.whatsappMessageId) return;
    if (message.sentAt && !(await resendable(job, message.sentAt))) return;
    const target = targetOf(job);

    const prepared = await prepare(d, facts);
    if (prepared.kind === 'refused') return state.recordFailed(target, prepared.error);
    if (prepared.kind === 'upload-failed') return failed(job, prepared.integration, prepared.failure);
    const { integration, creds, body } = prepared;

    await d.pacer.acquire(integration.phoneNumberId);
    const claim = await state.claim(target);
    if (!claim) return;
    const answer = await d.graph.call(creds, {
      method: 'POST',
      path: `${integration.phoneNumberId}/messages`,
      json: body,
    });
    const wamid = answer.ok ? wamidOf(answer.value) : undefined;
    if (wamid) return state.recordSent(target, claim, wamid);
    return failed(
      job,
      integration,
      answer.ok ? { kind: 'malformed', httpStatus: 200 } : answer.failure,
      claim,
    );
  };
}
