import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { readFixture } from '../../test/helpers/whatsapp-fixtures.js';
import {
  connectFixtureNumbers,
  deliver,
  queries,
  type InboundWorld,
} from './inbound/inbound.test-helpers.js';

interface TextFixture {
  entry: { changes: { value: { messages: { text: { body: string } }[] } }[] }[];
}

describe('WhatsApp webhook: text the database cannot store', () => {
  let t: TestApp;
  let w: InboundWorld;
  beforeAll(async () => {
    t = await createTestApp();
    w = await connectFixtureNumbers(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps and processes a signed event whose text escapes U+0000 or a lone surrogate, as U+FFFD', async () => {
    const event = readFixture('inbound/text.json') as TextFixture;
    event.entry[0]!.changes[0]!.value.messages[0]!.text.body = 'before\u0000after \uD800 end';
    await deliver(t, event);
    const [message] = await queries(t, w.tenantId).messages();
    expect(message?.body).toBe('before\uFFFDafter \uFFFD end');
  });
});
