import { z } from 'zod';
import { phoneNumberSchema } from '../../features/contacts/phone.js';

/** Who a wrapper sends to: a conversation, or a phone number on one of the tenant's WhatsApp numbers. */
const addressing = {
  conversation_id: z.uuid().optional(),
  to: phoneNumberSchema.optional(),
  integration_id: z
    .uuid()
    .optional()
    .describe('With `to`: the WhatsApp number to send from; needed when the tenant has several'),
};

type Addressed = {
  conversation_id?: string | undefined;
  to?: string | undefined;
  integration_id?: string | undefined;
};

function checkAddressing(input: Addressed, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (!input.conversation_id === !input.to) issue('conversation_id', 'Give conversation_id or to (not both)');
  if (input.integration_id && !input.to) issue('integration_id', 'Only with to');
}

export const sendMessageWrapperBody = z
  .strictObject({ ...addressing, text: z.string().trim().min(1).max(4096) })
  .superRefine(checkAddressing);
export type SendMessageWrapperInput = z.infer<typeof sendMessageWrapperBody>;

export const sendMediaWrapperBody = z
  .strictObject({
    ...addressing,
    attachment_id: z.uuid().describe('A file uploaded through /upload/*'),
    caption: z.string().trim().min(1).max(1024).optional(),
  })
  .superRefine(checkAddressing);
export type SendMediaWrapperInput = z.infer<typeof sendMediaWrapperBody>;
