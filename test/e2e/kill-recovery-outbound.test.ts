import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  adminWithNumber,
  apiOf,
  CRASH_TEST_TIMEOUT_MS,
  crashWorld,
  customer,
  customerTexts,
  deliver,
  RECOVERED_WITHIN_MS,
  type CrashWorld,
  type Page,
} from '../helpers/crash-world.js';

interface MessageDto {
  id: string;
  whatsapp_message_id: string | null;
  whatsapp_status: string | null;
}

describe('kill -9 of the server process during outbound sends', () => {
  let w: CrashWorld;
  beforeEach(async () => {
    w = await crashWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  it(
    'after a restart every message ends sent, and Meta accepted exactly one request per message',
    async () => {
      const first = await w.start();
      const token = await adminWithNumber(w, first);
      // A customer writes in: the contact and the conversation exist, its 24-hour window is open.
      expect(await deliver(w, first, customerTexts(w, customer(1), ['wamid.hello']))).toBe(200);
      const api = apiOf(first, token);
      const conversationId = await vi.waitFor(
        async () => {
          const list = await api<Page<{ id: string }>>('GET', '/conversations');
          expect(list.data).toHaveLength(1);
          return list.data[0]!.id;
        },
        { timeout: 10_000, interval: 100 },
      );

      const { graph } = w;
      graph.hold = true;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const message = await api<{ id: string }>('POST', '/messages', {
          conversation_id: conversationId,
          body: `reply ${i}`,
        });
        ids.push(message.id);
      }
      await vi.waitFor(() => expect(graph.sends.filter((s) => s.held)).toHaveLength(ids.length), {
        timeout: 10_000,
        interval: 50,
      });
      const requestsOf = (id: string) => graph.sends.filter((s) => s.body.biz_opaque_callback_data === id);
      // Meta took two but its answers never leave; it never got two whose connections it drops while
      // the server runs; the last two are cut by the kill.
      const [taken, dropped, cut] = [ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)];
      for (const id of taken) graph.accept(requestsOf(id)[0]!);
      for (const id of dropped) graph.drop(requestsOf(id)[0]!);
      await vi.waitFor(
        () => expect(first.output().match(/"msg":"WhatsApp send failed"/g)).toHaveLength(dropped.length),
        { timeout: 10_000, interval: 50 },
      );
      await first.killHard();
      graph.hold = false;

      // Meta posts the statuses of what it took once the app answers again.
      const second = await w.start();
      graph.webhookUrl = `${second.base}/api/v1/meta-whatsapp/webhook`;
      const after = apiOf(second, token);
      const messages = await vi.waitFor(
        async () => {
          expect(await graph.deliverStatuses()).toBe(0);
          const rows = await Promise.all(ids.map((id) => after<MessageDto>('GET', `/messages/${id}`)));
          for (const m of rows) expect(m.whatsapp_status).toMatch(/^(sent|delivered|read)$/);
          return rows;
        },
        { timeout: RECOVERED_WITHIN_MS, interval: 250 },
      );

      for (const m of messages) {
        const accepted = requestsOf(m.id).filter((s) => s.wamid);
        expect(accepted).toHaveLength(1);
        expect(m.whatsapp_message_id).toBe(accepted[0]!.wamid);
      }
      expect(ids.map((id) => requestsOf(id).length)).toEqual([
        ...taken.map(() => 1),
        ...dropped.map(() => 2),
        ...cut.map(() => 2),
      ]);
    },
    CRASH_TEST_TIMEOUT_MS,
  );
});
