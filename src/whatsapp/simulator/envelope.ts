import type { SimulatedNumber } from './credentials.js';
import { unixNow } from './ids.js';

/** A `messages` webhook for one number, in Meta's envelope (entry = the WABA, change = the number). */
export const messagesWebhook = (n: SimulatedNumber, value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: n.wabaId ?? n.phoneNumberId,
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: n.displayPhoneNumber, phone_number_id: n.phoneNumberId },
            ...value,
          },
          field: 'messages',
        },
      ],
    },
  ],
});

/** Account-level template events carry no metadata; `entry.time` and the template id are integers. */
export const templateStatusWebhook = (wabaId: string, value: Record<string, unknown>) => ({
  entry: [{ id: wabaId, time: unixNow(), changes: [{ value, field: 'message_template_status_update' }] }],
  object: 'whatsapp_business_account',
});
