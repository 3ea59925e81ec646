import { createHmac } from 'node:crypto';

/**
 * A body as Meta puts it on the wire: compact JSON with non-ASCII escaped as lowercase \uXXXX
 * (the signature is computed over exactly these bytes).
 */
export function toWireBody(payload: unknown): string {
  return JSON.stringify(payload).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Meta's X-Hub-Signature-256 header value for a wire body. */
export const signBody = (body: string | Buffer, appSecret: string) =>
  `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
