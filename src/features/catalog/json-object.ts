import { z } from 'zod';

/** JSON.stringify recurses: input nested thousands of levels deep overflows the stack (RangeError). */
function fitsAsJson(value: unknown, maxBytes: number): boolean {
  try {
    return Buffer.byteLength(JSON.stringify(value)) <= maxBytes;
  } catch {
    return false;
  }
}

/**
 * A free-form JSON object (contact attributes, bot config) with a size bound, so one row can never
 * carry megabytes of client data.
 */
export const jsonObject = (maxBytes: number) =>
  z.record(z.string().min(1).max(100), z.unknown()).refine((value) => fitsAsJson(value, maxBytes), {
    message: `must be at most ${maxBytes} bytes as JSON`,
  });
