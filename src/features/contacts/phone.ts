import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';

const FORMATTING = /[\s().\-/]/g;

/**
 * A phone number in E.164 (+34612345678), or undefined when it is not one. Numbers are read as
 * international: "+34 612 34 56 78", "0034612345678", "+34-612-345-678" and the digits-only
 * "34612345678" (WhatsApp's wa_id form) are all +34612345678. A number must be possible for its
 * country (right length); stricter validity would reject new number ranges Meta already delivers.
 */
export function toE164(raw: string): string | undefined {
  const compact = raw.trim().replace(FORMATTING, '');
  let candidate = raw;
  if (/^00\d+$/.test(compact)) candidate = `+${compact.slice(2)}`;
  else if (/^\+?\d+$/.test(compact)) candidate = `+${compact.replace(/^\+/, '')}`;
  const parsed = parsePhoneNumberFromString(candidate);
  return parsed?.isPossible() ? parsed.number : undefined;
}

export const PHONE_HINT = 'an international phone number, e.g. +34 612 34 56 78 (stored as E.164)';

/** Accepts any common spelling and yields E.164; anything else is a 400 on this field. */
export const phoneNumberSchema = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: `Not ${PHONE_HINT}` });
      return z.NEVER;
    }
    return e164;
  })
  .describe(PHONE_HINT);
