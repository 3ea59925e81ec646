import type { WhatsappIntegration } from '../../features/integrations/integrations.table.js';
import type { MessageError } from '../../features/messages/messages.table.js';
import { UnsendableMessage, messageBody, type OutboundMedia } from './bodies.js';
import type { GraphFailure } from './graph-client.js';
import { appError } from './graph-failures.js';
import { uploadedMediaId } from './media-upload.js';
import { credentialsOf, type NumberCredentials, type OutboundDeps } from './outbound-deps.js';
import { recipientOf } from './recipient.js';
import type { SendFacts } from './send-facts.js';

const NO_NUMBER = appError(
  'No WhatsApp number',
  'The conversation is no longer connected to a WhatsApp number',
);
const DELETED = appError('Deleted before sending', 'The message was deleted before it reached WhatsApp');
const NO_RECIPIENT = appError(
  'No WhatsApp recipient',
  'The contact has neither a WhatsApp number nor a WhatsApp user id',
);

/** A request ready to go, or why the message cannot go at all (failed at once, nothing sent). */
export type Prepared =
  | {
      kind: 'ready';
      integration: WhatsappIntegration;
      creds: NumberCredentials;
      body: Record<string, unknown>;
    }
  | { kind: 'refused'; error: MessageError }
  | { kind: 'upload-failed'; integration: WhatsappIntegration; failure: GraphFailure };

async function uploadedMedia(d: OutboundDeps, creds: NumberCredentials, facts: SendFacts) {
  const media = facts.media;
  if (!media) return { ok: true as const, value: null };
  const uploaded = await uploadedMediaId(d, creds, media);
  if (!uploaded.ok) return uploaded;
  const value: OutboundMedia = {
    kind: media.kind,
    id: uploaded.value.id,
    filename: media.name,
    mimeType: media.mimeType,
  };
  return { ok: true as const, value };
}

/** Everything before the hand-over: credentials, recipient, media upload, the exact body. */
export async function prepare(d: OutboundDeps, facts: SendFacts): Promise<Prepared> {
  const { integration, message } = facts;
  if (message.deletedAt) return { kind: 'refused', error: DELETED };
  if (!integration) return { kind: 'refused', error: NO_NUMBER };
  const credentials = credentialsOf(d.secrets, integration);
  if (!credentials.ok) return { kind: 'refused', error: credentials.error };
  const to = recipientOf(facts.contact);
  if (!to) return { kind: 'refused', error: NO_RECIPIENT };
  try {
    const media = await uploadedMedia(d, credentials.creds, facts);
    if (!media.ok) return { kind: 'upload-failed', integration, failure: media.failure };
    const body = messageBody(
      to,
      {
        type: message.type,
        body: message.body,
        content: message.content,
        contextWamid: facts.replyToWamid,
        media: media.value,
      },
      message.id,
    );
    return { kind: 'ready', integration, creds: credentials.creds, body };
  } catch (err) {
    if (err instanceof UnsendableMessage)
      return { kind: 'refused', error: appError('Cannot be sent', err.message) };
    throw err;
  }
}
