import { z } from 'zod';
import { GRAPH_ENDPOINTS } from './endpoints.js';

const digits = z.string().regex(/^\d{1,50}$/, 'digits only');
/** Business-scoped user id, e.g. US.13491208655302741918. */
const bsuid = z.string().regex(/^[A-Z]{2}\.\d{5,40}$/, 'must look like US.13491208655302741918');
const phoneNumberId = digits.describe("An integration's phone_number_id (of the caller's tenant)");

export const phoneQuery = z.strictObject({ phone_number_id: phoneNumberId });

// --- simulated customers -------------------------------------------------------------------

const mediaBase = {
  id: digits.optional().describe('A media id already uploaded for this number'),
  data_base64: z.base64().optional().describe('The file; a small sample of the right kind when omitted'),
  mime_type: z.string().min(1).max(255).optional(),
};
const caption = z.string().max(1024).optional();

export const INBOUND_TYPES = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'unsupported',
] as const;
export type InboundType = (typeof INBOUND_TYPES)[number];

/** Types whose object has no sensible default and must be given. */
const OBJECT_REQUIRED: readonly InboundType[] = [
  'text',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
];

export const customerMessageBody = z
  .strictObject({
    phone_number_id: phoneNumberId,
    from: z
      .string()
      .regex(/^\d{0,20}$/, 'digits only')
      .describe("The customer's wa_id; empty for a username-only user (then give user_id)"),
    name: z.string().min(1).max(256).optional(),
    user_id: bsuid.optional(),
    username: z.string().min(1).max(100).optional(),
    id: z.string().min(1).max(200).optional().describe('The wamid; generated when omitted'),
    timestamp: z.int().positive().optional().describe('Unix seconds; now when omitted'),
    type: z.enum(INBOUND_TYPES),
    context: z
      .strictObject({
        id: z.string().min(1).max(200).optional(),
        from: z.string().max(20).optional(),
        forwarded: z.boolean().optional(),
        frequently_forwarded: z.boolean().optional(),
        referred_product: z
          .strictObject({ catalog_id: z.string().min(1), product_retailer_id: z.string().min(1) })
          .optional(),
      })
      .optional(),
    referral: z.record(z.string(), z.unknown()).optional().describe('Click-to-WhatsApp ad referral'),
    text: z.strictObject({ body: z.string().min(1).max(4096) }).optional(),
    image: z.strictObject({ ...mediaBase, caption }).optional(),
    video: z.strictObject({ ...mediaBase, caption }).optional(),
    audio: z.strictObject({ ...mediaBase, voice: z.boolean().optional() }).optional(),
    document: z
      .strictObject({ ...mediaBase, caption, filename: z.string().min(1).max(240).optional() })
      .optional(),
    sticker: z.strictObject({ ...mediaBase, animated: z.boolean().optional() }).optional(),
    location: z
      .strictObject({
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        name: z.string().max(1000).optional(),
        address: z.string().max(1000).optional(),
        url: z.url().optional(),
      })
      .optional(),
    contacts: z.array(z.record(z.string(), z.unknown())).min(1).max(100).optional(),
    interactive: z
      .discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('button_reply'),
          button_reply: z.strictObject({ id: z.string().min(1), title: z.string().min(1) }),
        }),
        z.strictObject({
          type: z.literal('list_reply'),
          list_reply: z.strictObject({
            id: z.string().min(1),
            title: z.string().min(1),
            description: z.string().optional(),
          }),
        }),
        z.strictObject({
          type: z.literal('nfm_reply'),
          nfm_reply: z.strictObject({
            name: z.string().optional(),
            body: z.string().optional(),
            response_json: z.string(),
          }),
        }),
      ])
      .optional(),
    button: z.strictObject({ payload: z.string(), text: z.string().min(1) }).optional(),
    reaction: z
      .strictObject({
        message_id: z.string().min(1),
        emoji: z.string().max(16).optional().describe('Omitted or empty: the reaction is removed'),
      })
      .optional(),
    order: z
      .strictObject({
        catalog_id: z.string().min(1),
        text: z.string().optional(),
        product_items: z
          .array(
            z.strictObject({
              product_retailer_id: z.string().min(1),
              quantity: z.int().positive(),
              item_price: z.number().nonnegative(),
              currency: z.string().length(3),
            }),
          )
          .min(1),
      })
      .optional(),
    system: z
      .strictObject({
        type: z.enum(['user_changed_number', 'customer_identity_changed']),
        wa_id: digits.optional().describe('user_changed_number: the new wa_id'),
        user_id: bsuid.optional(),
        identity: z.string().optional(),
        body: z.string().optional(),
      })
      .optional(),
    unsupported: z.strictObject({ type: z.string().min(1).max(50) }).optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.from && !b.user_id)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'from or user_id is required' });
    if (OBJECT_REQUIRED.includes(b.type) && b[b.type] === undefined)
      ctx.addIssue({ code: 'custom', path: [b.type], message: `Required when type is ${b.type}` });
    for (const other of INBOUND_TYPES) {
      if (other !== b.type && b[other] !== undefined)
        ctx.addIssue({ code: 'custom', path: [other], message: `Not allowed when type is ${b.type}` });
    }
    if (b.system?.type === 'user_changed_number' && !b.system.wa_id)
      ctx.addIssue({
        code: 'custom',
        path: ['system', 'wa_id'],
        message: 'Required for user_changed_number',
      });
  });
export type CustomerMessageInput = z.infer<typeof customerMessageBody>;

// --- webhooks --------------------------------------------------------------------------------

export const rawWebhookBody = z.strictObject({
  phone_number_id: phoneNumberId,
  body: z
    .union([z.string().min(1), z.record(z.string(), z.unknown())])
    .describe('A JSON object (sent as Meta sends it: compact, \\u-escaped) or the exact text to send'),
  signature: z
    .enum(['valid', 'invalid', 'none'])
    .default('valid')
    .describe("valid: signed with the integration's app secret"),
});
export type RawWebhookInput = z.input<typeof rawWebhookBody>;

export const deliverySchema = z.object({
  id: z.int(),
  phone_number_id: z.string(),
  kind: z.enum(['status', 'message', 'template_status', 'raw']),
  url: z.string(),
  body: z.string().describe('The exact bytes posted'),
  signature: z.string().nullable(),
  status_code: z.int().nullable().describe("The app's HTTP answer; null when the request failed"),
  response: z.string().nullable(),
  error: z.string().nullable(),
  sent_at: z.string(),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const customerMessageResult = z.object({
  message_id: z.string(),
  media_id: z.string().nullable(),
  delivery: deliverySchema,
});

// --- fault injection -------------------------------------------------------------------------

export const faultBody = z
  .strictObject({
    phone_number_id: phoneNumberId,
    endpoint: z.enum([...GRAPH_ENDPOINTS, 'any']).default('messages'),
    count: z.int().min(1).max(10_000).default(1).describe('How many matching requests it answers'),
    error_code: z.int().positive().optional().describe("Meta's error code, e.g. 130429, 131056, 190, 100"),
    http_status: z.int().min(400).max(599).optional().describe("Defaults to Meta's status for error_code"),
    message: z.string().min(1).max(500).optional(),
    details: z.string().min(1).max(1000).optional(),
    delay_ms: z
      .int()
      .min(0)
      .max(300_000)
      .optional()
      .describe('Wait before answering; alone, the request is then served normally (a slow Meta)'),
    malformed: z.boolean().optional().describe('Answer 200 with truncated JSON; nothing is sent'),
    disconnect: z.boolean().optional().describe('Drop the connection without an answer; nothing is sent'),
  })
  .refine(
    (f) =>
      f.error_code !== undefined ||
      f.http_status !== undefined ||
      f.delay_ms !== undefined ||
      f.malformed === true ||
      f.disconnect === true,
    { message: 'Give error_code, http_status, delay_ms, malformed or disconnect' },
  );
export type FaultInput = z.input<typeof faultBody>;
export type FaultSpec = z.infer<typeof faultBody>;

export const faultSchema = z.object({
  id: z.int(),
  phone_number_id: z.string(),
  endpoint: z.string(),
  count: z.int(),
  remaining: z.int(),
  error_code: z.int().optional(),
  http_status: z.int().optional(),
  message: z.string().optional(),
  details: z.string().optional(),
  delay_ms: z.int().optional(),
  malformed: z.boolean().optional(),
  disconnect: z.boolean().optional(),
});

// --- recipients --------------------------------------------------------------------------------

export const recipientBody = z
  .strictObject({
    phone_number_id: phoneNumberId,
    wa_id: digits,
    never_read: z.boolean().default(false).describe('Stop at delivered'),
    fail_with_code: z
      .int()
      .positive()
      .nullable()
      .default(null)
      .describe('Every send to this customer ends in a failed status with this code (131047, 131026...)'),
  })
  .describe('How a simulated customer treats messages sent to them');
export type RecipientInput = z.input<typeof recipientBody>;
export type RecipientBehaviour = z.infer<typeof recipientBody>;

export const recipientQuery = z.strictObject({ phone_number_id: phoneNumberId, wa_id: digits });

// --- request log -----------------------------------------------------------------------------

export const requestsQuery = z.strictObject({
  phone_number_id: phoneNumberId,
  endpoint: z.enum(GRAPH_ENDPOINTS).optional(),
});

export const requestsPage = z.object({
  data: z.array(
    z.object({
      id: z.int(),
      endpoint: z.string(),
      method: z.string(),
      path: z.string(),
      phone_number_id: z.string().nullable(),
      body: z.unknown(),
      raw_body: z.string().nullable(),
      status_code: z.int().nullable(),
      response: z.unknown(),
      received_at: z.string(),
    }),
  ),
  counts: z.record(z.string(), z.int()).describe('Requests received per endpoint'),
});

// --- templates -------------------------------------------------------------------------------

export const TEMPLATE_EVENTS = [
  'APPROVED',
  'REJECTED',
  'PENDING',
  'PAUSED',
  'DISABLED',
  'FLAGGED',
  'REINSTATED',
  'PENDING_DELETION',
  'DELETED',
  'IN_APPEAL',
  'LIMIT_EXCEEDED',
  'LOCKED',
  'ARCHIVED',
  'UNARCHIVED',
] as const;
export type TemplateEvent = (typeof TEMPLATE_EVENTS)[number];

export const templateIdParam = z.object({ id: digits });

export const templateStatusBody = z.strictObject({
  event: z.enum(TEMPLATE_EVENTS),
  reason: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Meta reason code, e.g. INVALID_FORMAT; NONE when omitted'),
  rejection_info: z.strictObject({ reason: z.string().min(1), recommendation: z.string().min(1) }).optional(),
});
export type TemplateStatusInput = z.infer<typeof templateStatusBody>;

export const templateStatusResult = z.object({
  template: z
    .record(z.string(), z.unknown())
    .describe("The template as Meta's message_templates API shows it"),
  delivery: deliverySchema.nullable().describe('null when no integration of the WABA could receive it'),
});
