import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultInput } from '../simulator/control.schema.js';
import { outboundDeps } from './index.js';
import {
  acceptedSends,
  bodyOf,
  closeWorld,
  customerConversation,
  graphSends,
  handDrivenMessage,
  messageReaches,
  outboundWorld,
  postMessage,
  sendJob,
  type OutboundWorld,
} from './outbound.test-helpers.js';
import { SEND_RETRY } from './retry-policy.js';
import { createSendJob, UNCONFIRMED } from './send-job.js';

const HTTP_TIMEOUT_MS = 400;
const CONFIRM_GRACE_MS = 300;

type Fault = Omit<FaultInput, 'phone_number_id'>;

/**
 * Every way Graph fails a send (API.md: 500, 429, timeouts, malformed JSON, dropped connections),
 * through the real pipeline against the simulator: once the fault clears the message ends `sent`
 * with exactly one request accepted; when it outlasts the attempt budget it ends `failed` with the
 * error, and no request was ever accepted. The first-retry cases of 130429, 131056, HTTP 500,
 * timeouts, malformed answers and dropped connections are in send-failures.test.ts.
 */
describe('Graph faults: retried until they clear, failed past the budget, never sent twice', () => {
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

  const fault = (f: Fault) => w.t.simulator.faults.add({ phone_number_id: w.number.phone_number_id, ...f });
  const requestsFor = (messageId: string) =>
    graphSends(w).filter((r) => bodyOf(r).biz_opaque_callback_data === messageId);
  const acceptedFor = (messageId: string) =>
    acceptedSends(w).filter((r) => bodyOf(r).biz_opaque_callback_data === messageId);

  describe('the fault clears: sent exactly once', () => {
    it.each<[string, Fault[]]>([
      ['HTTP 503 (code 2, service unavailable)', [{ http_status: 503 }]],
      ['HTTP 429 (code 4, app rate limit)', [{ http_status: 429, error_code: 4 }]],
      ['HTTP 429 (code 80007, WABA rate limit)', [{ http_status: 429, error_code: 80007 }]],
      ['two HTTP 500s in a row', [{ http_status: 500, count: 2 }]],
      ['two timeouts in a row', [{ delay_ms: HTTP_TIMEOUT_MS * 4, error_code: 2, count: 2 }]],
      ['a malformed answer, then a dropped connection', [{ malformed: true }, { disconnect: true }]],
      [
        'a 429, then a timeout',
        [
          { http_status: 429, error_code: 4 },
          { delay_ms: HTTP_TIMEOUT_MS * 4, error_code: 2 },
        ],
      ],
    ])('after %s', async (_, faults) => {
      for (const f of faults) fault(f);
      const failures = faults.reduce((n, f) => n + (f.count ?? 1), 0);
      const { conversation } = await customerConversation(w);
      const res = await postMessage(w, { conversation_id: conversation.id, body: 'retry me' });
      const id = res.json<{ id: string }>().id;
      const row = await messageReaches(w, id, 'sent', 'delivered', 'read');

      const requests = requestsFor(id);
      expect(requests).toHaveLength(failures + 1);
      expect(new Set(requests.map((r) => r.raw_body)).size).toBe(1);
      const accepted = acceptedFor(id);
      expect(accepted).toHaveLength(1);
      expect(accepted[0]).toBe(requests.at(-1));
      expect(row.error).toBeNull();
    });
  });

  describe('the fault outlasts the attempt budget: failed with the error, nothing accepted', () => {
    const send = () => createSendJob(outboundDeps(w.t.deps));

    it.each<[string, Fault, object]>([
      ['HTTP 500', { http_status: 500 }, { code: 131000 }],
      ['HTTP 503', { http_status: 503 }, { code: 2 }],
      ['HTTP 429 (code 4)', { http_status: 429, error_code: 4 }, { code: 4 }],
      ['HTTP 429 (code 80007)', { http_status: 429, error_code: 80007 }, { code: 80007 }],
      ['130429 (throughput)', { error_code: 130429 }, { code: 130429 }],
      ['131056 (pair rate limit)', { error_code: 131056 }, { code: 131056 }],
      // Meta may have taken these: the last attempt waits for a status naming the message, then gives up.
      ['a timeout', { delay_ms: HTTP_TIMEOUT_MS * 4, error_code: 2 }, UNCONFIRMED],
      ['a malformed answer', { malformed: true }, UNCONFIRMED],
      ['a dropped connection', { disconnect: true }, UNCONFIRMED],
    ])('on %s', async (_, f, error) => {
      const { message } = await handDrivenMessage(w);
      fault(f);
      // The last attempt pg-boss would make (retryCount = retryLimit), driven by hand.
      await send()(sendJob(w, { messageId: message.id }, SEND_RETRY.retryLimit));
      const row = await messageReaches(w, message.id, 'failed');

      expect(row.error).toMatchObject(error);
      expect(row.whatsappMessageId).toBeNull();
      expect(requestsFor(message.id)).toHaveLength(1);
      expect(acceptedFor(message.id)).toHaveLength(0);
    });
  });
});
