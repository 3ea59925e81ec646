import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta's X-Hub-Signature-256: `sha256=` + hex HMAC-SHA256 of the RAW body bytes keyed with the
 * app secret. The raw bytes matter: Meta escapes non-ASCII as \uXXXX, so re-serialising the parsed
 * JSON gives a different signature.
 */
export function verifySignature(
  rawBody: Buffer | string,
  header: string | undefined,
  appSecret: string,
): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
