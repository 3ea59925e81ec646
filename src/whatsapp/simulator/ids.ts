import { randomBytes, randomInt } from 'node:crypto';

/**
 * Message ids shaped like Meta's: base64 of a small binary record holding the customer's number
 * and a random hex key. Business-sent and customer-sent wamids differ in their marker bytes, as
 * in Meta's own samples (`...AgARGBI...` vs `...AgASGBQ...`).
 */
export function wamid(waId: string, direction: 'outbound' | 'inbound'): string {
  const keyLength = direction === 'outbound' ? 18 : 20;
  const key = randomBytes(keyLength).toString('hex').slice(0, keyLength).toUpperCase();
  const marker = direction === 'outbound' ? [0x11, 0x18, 0x12] : [0x12, 0x18, 0x14];
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, waId.length]),
    Buffer.from(waId, 'latin1'),
    Buffer.from([0x15, 0x02, 0x00, ...marker]),
    Buffer.from(key, 'latin1'),
    Buffer.from([0x00]),
  ]);
  return `wamid.${bytes.toString('base64')}`;
}

/** Graph object ids (media, templates) are 15-16 digit numbers, kept below 2^53 so JSON numbers stay exact. */
export const graphId = () =>
  `${randomInt(1, 9)}${String(randomInt(0, 1e7)).padStart(7, '0')}${String(randomInt(0, 1e8)).padStart(8, '0')}`;

/** Meta's fbtrace_id: 23 characters of base64url-ish noise. */
export const fbtraceId = () => `A${randomBytes(17).toString('base64url').slice(0, 22)}`;

export const unixNow = () => Math.floor(Date.now() / 1000);
