import { z } from 'zod';

/** Business-hours days, in the order the API and the UI show them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const assignmentStrategies = ['round_robin', 'least_busy'] as const;
export const themes = ['light', 'dark', 'system'] as const;

/**
 * An IANA zone name as Intl knows it ("Europe/Madrid", "UTC"), kept in its canonical spelling.
 * The shape check first: Intl also takes offsets like "+02:00", which are not zones (no DST).
 */
export const timezoneSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/, 'must be an IANA time zone such as Europe/Madrid')
  .transform((value, ctx) => {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Madrid' });
      return z.NEVER;
    }
  });

const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (00:00-23:59)');

export const openingSchema = z
  .strictObject({ open: clockTime, close: clockTime })
  .refine((o) => o.open < o.close, { message: 'close must be after open', path: ['close'] });

/** One day's openings; several are allowed (a lunch break), in order and not overlapping. */
const daySchema = z
  .array(openingSchema)
  .max(8)
  .superRefine((openings, ctx) => {
    openings.forEach((o, i) => {
      const previous = openings[i - 1];
      if (previous && o.open < previous.close) {
        ctx.addIssue({
          code: 'custom',
          message: 'must start after the previous opening closes',
          path: [i, 'open'],
        });
      }
    });
  });

const awayText = z.string().trim().min(1).max(1000);

export const tenantSettingsSchema = z.object({
  tenant: z.object({ id: z.uuid(), name: z.string() }),
  timezone: z.string(),
  business_hours: z.object({
    enabled: z.boolean(),
    days: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(openingSchema)])) as DaysShape),
  }),
  auto_assignment: z.object({
    enabled: z.boolean(),
    strategy: z.enum(assignmentStrategies),
    max_open_per_agent: z.number().int(),
    only_online: z.boolean(),
  }),
  away_message: z.object({ enabled: z.boolean(), text: z.string() }),
  default_bot_id: z.uuid().nullable(),
});
export type TenantSettingsDto = z.infer<typeof tenantSettingsSchema>;
type DaysShape = Record<(typeof WEEKDAYS)[number], z.ZodArray<typeof openingSchema>>;

/** PATCH /settings: every key optional at every level; nested objects merge, arrays (a day's openings) replace. */
export const patchTenantSettingsBody = z.strictObject({
  timezone: timezoneSchema.optional(),
  business_hours: z
    .strictObject({
      enabled: z.boolean().optional(),
      days: z
        .strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, daySchema.optional()])) as OptionalDays)
        .optional(),
    })
    .optional(),
  auto_assignment: z
    .strictObject({
      enabled: z.boolean().optional(),
      strategy: z.enum(assignmentStrategies).optional(),
      max_open_per_agent: z.number().int().min(1).max(1000).optional(),
      only_online: z.boolean().optional(),
    })
    .optional(),
  away_message: z.strictObject({ enabled: z.boolean().optional(), text: awayText.optional() }).optional(),
  default_bot_id: z.uuid().nullable().optional(),
});
type OptionalDays = Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof daySchema>>;
export type PatchTenantSettingsInput = z.infer<typeof patchTenantSettingsBody>;

/** What tenant_settings.settings holds: the admin's changes, default bot excluded (its own column). */
export type StoredTenantSettings = Omit<PatchTenantSettingsInput, 'default_bot_id'>;

/** A BCP 47 language tag ("en", "pt-BR"), kept in its canonical spelling. */
const languageSchema = z
  .string()
  .max(35)
  .transform((value, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(value);
      if (canonical) return canonical;
    } catch {
      // Reported below.
    }
    ctx.addIssue({ code: 'custom', message: 'must be a language tag such as en or pt-BR' });
    return z.NEVER;
  });

export const userSettingsSchema = z.object({
  theme: z.enum(themes),
  language: z.string(),
  notifications: z.object({ desktop: z.boolean(), sound: z.boolean(), email: z.boolean() }),
});
export type UserSettingsDto = z.infer<typeof userSettingsSchema>;

export const patchUserSettingsBody = z.strictObject({
  theme: z.enum(themes).optional(),
  language: languageSchema.optional(),
  notifications: z
    .strictObject({
      desktop: z.boolean().optional(),
      sound: z.boolean().optional(),
      email: z.boolean().optional(),
    })
    .optional(),
});
export type PatchUserSettingsInput = z.infer<typeof patchUserSettingsBody>;
export type StoredUserSettings = PatchUserSettingsInput;
