import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNumber } from '../../../test/helpers/listening-app.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import type { FaultInput } from '../simulator/control.schema.js';
import { outboundDeps } from './index.js';
import {
  acceptedSends,
  closeWorld,
  answeredWamid,
  bodyOf,
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
import { SEND_RETRY } from './retry-policy.js';
import { createSendJob, UNCONFIRMED } from './send-job.js';
import { createSendState } from './send-state.js';

// Short for the timeout case, yet far above the simulator's answer times on a busy machine: a spurious
// timeout would make Meta's answer ambiguous and change what the tests see.
const HTTP_TIMEOUT_MS = 1_500;
const CONFIRM_GRACE_MS = 500;

describe('outbound failures (simulator)', () => {
  let w: OutboundWorld;
  beforeAll(async () => {
    w = await outboundWorld({
      WHATSAPP_HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
      WHATSAPP_SEND_CONFIRM_GRACE_MS: String(CONFIRM_GRACE_MS),
    });
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  const fault = (f: Omit<FaultInput, 'phone_number_id'>, phone = w.number.phone_number_id) =>
    w.t.simulator.faults.add({ phone_number_id: phone, ...f });
  const sendsTo = (waId: string) => graphSends(w).filter((r) => bodyOf(r).to === waId);

  describe('refused for now: retried with backoff, then sent exactly once', () => {
    it.each<[string, Omit<FaultInput, 'phone_number_id'>]>([
      ['130429 (throughput, HTTP 400)', { error_code: 130429 }],
      ['131056 (pair rate limit)', { error_code: 131056 }],
      ['HTTP 500', { http_status: 500 }],
    ])('after %s', async (_, f) => {
      const { conversation, waId } = await customerConversation(w);
      fault(f);
      const res = await postMessage(w, { conversation_id: conversation.id, body: 'retry me' });
      const row = await messageReaches(w, res.json().id, 'sent', 'delivered', 'read');

      const attempts = sendsTo(waId);
      expect(attempts).toHaveLength(2);
      expect(acceptedSends(w).filter((r) => bodyOf(r).to === waId)).toHaveLength(1);
      expect(answeredWamid(attempts[1]!)).toBe(row.whatsappMessageId);
      expect(row.error).toBeNull();
      // The first retry comes within 2 s (+ the worker's half-second poll).
      const gap = Date.parse(attempts[1]!.received_at) - Date.parse(attempts[0]!.received_at);
      expect(gap).toBeLessThan(2_000 + 600 + HTTP_TIMEOUT_MS);
    });
  });

  describe('no answer we can read, and no status names the message: sent again after the grace period, once', () => {
    it.each<[string, Omit<FaultInput, 'phone_number_id'>]>([
      ['a timeout', { delay_ms: HTTP_TIMEOUT_MS * 2, error_code: 2 }],
      ['malformed JSON', { malformed: true }],
      ['a dropped connection', { disconnect: true }],
    ])('after %s', async (_, f) => {
      const { conversation, waId } = await customerConversation(w);
      fault(f);
      const res = await postMessage(w, { conversation_id: conversation.id, body: 'did it arrive?' });
      const id = res.json().id as string;
      const row = await messageReaches(w, id, 'sent', 'delivered', 'read');

      const attempts = sendsTo(waId);
      expect(attempts).toHaveLength(2);
      expect(attempts.map((r) => bodyOf(r).biz_opaque_callback_data)).toEqual([id, id]);
      expect(acceptedSends(w).filter((r) => bodyOf(r).to === waId)).toHaveLength(1);
      expect(answeredWamid(attempts[1]!)).toBe(row.whatsappMessageId);
      expect(row.error).toBeNull();
      // Not before the grace period: a status webhook naming the message could still have come.
      const gap = Date.parse(attempts[1]!.received_at) - Date.parse(attempts[0]!.received_at);
      expect(gap).toBeGreaterThanOrEqual(CONFIRM_GRACE_MS);
    });
  });

  it.each([
    [131047, { title: 'Re-engagement message', message: expect.stringMatching(/more than 24 hours/) }],
    [100, { title: 'Invalid parameter' }],
  ])('fails at once on %i, with Meta\u2019s error', async (code, error) => {
    const { conversation, waId } = await customerConversation(w);
    fault({ error_code: code });
    const res = await postMessage(w, { conversation_id: conversation.id, body: 'no luck' });
    const row = await messageReaches(w, res.json().id, 'failed');
    expect(row.error).toMatchObject({ code, ...error });
    expect(row.whatsappMessageId).toBeNull();
    expect(sendsTo(waId)).toHaveLength(1);
    const dto = await w.t.request({ method: 'GET', url: `/api/v1/messages/${row.id}`, token: w.admin });
    expect(dto.json()).toMatchObject({ whatsapp_status: 'failed', error: { code, title: error.title } });
  });

  describe('a refused token (190)', () => {
    it('fails the send, marks the number unhealthy, fails later sends without calling Meta until the token changes', async () => {
      const other = await connectNumber(w.t);
      const [integration] = await w.t.deps.database.db
        .select()
        .from(whatsappIntegrations)
        .where(eq(whatsappIntegrations.phoneNumberId, other.phone_number_id));
      const { conversation } = await customerConversation(w, {}, { integrationId: integration!.id });
      const calls = () => w.t.simulator.requests.list(other.phone_number_id, 'messages');
      fault({ error_code: 190 }, other.phone_number_id);

      const first = await postMessage(w, { conversation_id: conversation.id, body: 'one' });
      expect((await messageReaches(w, first.json().id, 'failed')).error).toMatchObject({ code: 190 });
      const config = `/api/v1/whatsapp-integration-config/${integration!.id}`;
      const unhealthy = await w.t.request({ method: 'GET', url: config, token: w.admin });
      expect(unhealthy.json()).toMatchObject({ health: 'unhealthy', last_error: { code: 190 } });

      const second = await postMessage(w, { conversation_id: conversation.id, body: 'two' });
      expect((await messageReaches(w, second.json().id, 'failed')).error).toMatchObject({
        code: 190,
        title: 'WhatsApp number unhealthy',
        message: expect.stringMatching(/update it/),
      });
      expect(calls()).toHaveLength(1);

      const patched = await w.t.request({
        method: 'PATCH',
        url: config,
        token: w.admin,
        payload: { access_token: `${other.access_token}-renewed` },
      });
      expect(patched.json()).toMatchObject({ health: 'ok', last_error: null });
      const third = await postMessage(w, { conversation_id: conversation.id, body: 'three' });
      await messageReaches(w, third.json().id, 'sent', 'delivered', 'read');
      expect(calls()).toHaveLength(2);
    });
  });

  describe('the send job itself', () => {
    const send = () => createSendJob(outboundDeps(w.t.deps));
    const job = (messageId: string, retryCount = 0) => sendJob(w, { messageId }, retryCount);
    const pending = () => handDrivenMessage(w);

    it('is idempotent: a second run for a message already sent does nothing', async () => {
      const { message, waId } = await pending();
      await send()(job(message.id));
      await send()(job(message.id));
      expect((await messageRow(w, message.id)).whatsappStatus).not.toBe('pending');
      expect(sendsTo(waId)).toHaveLength(1);
    });

    it('marks the message failed when the last attempt is refused for now', async () => {
      const { message } = await pending();
      fault({ error_code: 130429 });
      await send()(job(message.id, SEND_RETRY.retryLimit));
      expect((await messageRow(w, message.id)).error).toMatchObject({ code: 130429 });
    });

    it("stores a late answer of a cut-short hand-over, turning 'not confirmed' into sent", async () => {
      const { message } = await pending();
      const state = createSendState(w.t.deps.database.db, w.t.deps.events);
      const claim = await state.claim(message);
      await state.recordFailed(message, UNCONFIRMED, { claim: claim!, keepClaim: true });
      await state.recordSent(message, claim!, 'wamid.late-answer');
      expect(await messageRow(w, message.id)).toMatchObject({
        whatsappStatus: 'sent',
        whatsappMessageId: 'wamid.late-answer',
        error: null,
      });
    });
  });
});
