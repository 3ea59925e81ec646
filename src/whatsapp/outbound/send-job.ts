/**
 * The send job: one job per outbound message (its id is the message id), enqueued in the
 * transaction that stored the message as `pending`, so a committed message always has its job.
 *
 * Never sent twice. Meta's `POST /messages` has no idempotency key: a request Meta accepted cannot
 * be told apart from a new one, so the job must know, before calling Graph, whether an earlier
 * attempt may already have handed the message over. It keeps that knowledge in the row:
 *
 * 1. Nothing to do unless the message is still `pending` without a wamid (a repeated or late job is
 *    a no-op: the row state, not the job, decides).
 * 2. Before the Graph call the job claims the row in its own committed transaction: `sent_at` is set
 *    while the status stays `pending` (conditional update: only one claimer wins).
 * 3. Graph's answer is written conditionally on that claim: accepted -> wamid + `sent` (+ statuses
 *    that arrived first), in one transaction; refused for good -> `failed` with Meta's error;
 *    refused for now (130429, 131056, 5xx, timeout, unreadable answer, see graph-failures.ts) ->
 *    the claim is released and the job throws, so pg-boss retries it with backoff (retry-policy.ts);
 *    the last attempt marks it `failed`.
 * 4. A claimed row without an outcome means the process died (or lost its database) between the
 *    claim and the answer's write: Meta may or may not have the message. Such a row is NOT sent
 *    again. When pg-boss re-runs the job (the dead worker's job expires), a claim younger than the
 *    Graph deadline plus a minute may still be in flight elsewhere, so the job only checks back
 *    later; an older one is marked `failed` with "Delivery not confirmed" (code 0), which surfaces
 *    it to the agent, who can look at the chat and send again. At most once, and never silently
 *    lost. Should the dead attempt's answer still arrive (a stalled worker), step 3's claim-matched
 *    write stores its wamid and turns the message `sent` again.
 *
 * The residual risk is the one API.md chooses: a live timeout (or an unreadable 200) is retried, and
 * if Meta had in fact accepted that request the customer gets the message twice. The Graph deadline
 * (WHATSAPP_HTTP_TIMEOUT_MS) is far above Meta's usual answer times to keep that rare.
 */
import type { Job } from 'pg-boss';
import type { WhatsappIntegration } from '../../features/integrations/integrations.table.js';
import type { GraphFailure } from './graph-client.js';
import { appError, classifyFailure, failureError } from './graph-failures.js';
import { markUnhealthy } from './integration-health.js';
import { RetryLater, type OutboundDeps } from './outbound-deps.js';
import { SEND_RETRY } from './retry-policy.js';
import { loadSendFacts } from './send-facts.js';
import { prepare } from './send-prepare.js';
import { createSendState } from './send-state.js';

export interface SendJobData {
  tenantId: string;
  messageId: string;
}

/** Slack on top of the Graph deadline before a claim counts as abandoned. */
const ABANDONED_AFTER_SLACK_MS = 60_000;

export const UNCONFIRMED = appError(
  'Delivery not confirmed',
  'The app stopped while handing this message to WhatsApp; it may or may not have arrived. Check the chat and send it again if needed',
);

const wamidOf = (answer: Record<string, unknown>): string | undefined => {
  const first: unknown = Array.isArray(answer.messages) ? answer.messages[0] : undefined;
  const id = typeof first === 'object' && first !== null ? (first as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
};

export function createSendJob(d: OutboundDeps) {
  const state = createSendState(d.db, d.events);
  const abandonedAfterMs = d.httpTimeoutMs + ABANDONED_AFTER_SLACK_MS;

  /** A failed Graph call, before (no claim) or after the hand-over started. */
  async function failed(
    job: Job<SendJobData>,
    integration: WhatsappIntegration,
    f: GraphFailure,
    claim?: Date,
  ): Promise<void> {
    const target = { id: job.data.messageId, tenantId: job.data.tenantId };
    const error = failureError(f);
    const action = classifyFailure(f);
    const lastAttempt = job.retryCount >= SEND_RETRY.retryLimit;
    d.logger.warn(
      { messageId: target.id, error, action, attempt: job.retryCount + 1 },
      'WhatsApp send failed',
    );
    if (action === 'retry' && !lastAttempt) {
      if (claim) await state.release(target, claim);
      throw new RetryLater(`${error.title}: ${error.message ?? ''}`);
    }
    if (action === 'token') await markUnhealthy(d.db, integration, error);
    await state.recordFailed(target, error, claim ? { claim } : {});
  }

  /** A claim left by an attempt that never recorded Meta's answer (see the top of this file). */
  async function abandoned(job: Job<SendJobData>, claim: Date): Promise<void> {
    if (Date.now() - claim.getTime() < abandonedAfterMs && job.retryCount < SEND_RETRY.retryLimit) {
      throw new RetryLater('an earlier attempt may still be waiting for Graph');
    }
    d.logger.warn(
      { messageId: job.data.messageId },
      'WhatsApp send abandoned mid-call: marked failed, not resent',
    );
    const target = { id: job.data.messageId, tenantId: job.data.tenantId };
    await state.recordFailed(target, UNCONFIRMED, { claim, keepClaim: true });
  }

  return async function send(job: Job<SendJobData>): Promise<void> {
    const { tenantId, messageId } = job.data;
    const facts = await loadSendFacts(d.db, tenantId, messageId);
    const message = facts?.message;
    if (!facts || !message || message.whatsappStatus !== 'pending' || message.whatsappMessageId) return;
    if (message.sentAt) return abandoned(job, message.sentAt);
    const target = { id: messageId, tenantId };

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
