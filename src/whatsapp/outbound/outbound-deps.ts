import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { decryptIntegration } from '../../features/integrations/integrations.service.js';
import type { WhatsappIntegration } from '../../features/integrations/integrations.table.js';
import type { MessageError } from '../../features/messages/messages.table.js';
import type { SecretBox } from '../../platform/crypto.js';
import type { DomainEvents } from '../../platform/events.js';
import type { Queue } from '../../platform/queue.js';
import type { ObjectStorage } from '../../platform/storage.js';
import type { GraphClient, GraphCredentials } from './graph-client.js';
import { appError, TOKEN_ERROR_CODE } from './graph-failures.js';
import type { Pacer } from './pacing.js';

/** What the outbound jobs stand on. */
export interface OutboundDeps {
  db: Db;
  events: DomainEvents;
  secrets: SecretBox;
  storage: ObjectStorage;
  graph: GraphClient;
  pacer: Pacer;
  /** Schedules the check of a hand-over Meta may have taken without our hearing back (send-job.ts). */
  queue: Queue;
  /** How long such a hand-over waits for a status webhook naming it before it is sent again. */
  confirmGraceMs: number;
  logger: Pick<Logger, 'warn' | 'info'>;
}

/** Thrown to have pg-boss run the job again after its backoff. */
export class RetryLater extends Error {
  override name = 'RetryLater';
}

export type NumberCredentials = GraphCredentials & { phoneNumberId: string };

/**
 * The number's credentials, or why it cannot send: refused token (until it is replaced) or
 * ciphertext this deployment cannot open (ENCRYPTION_KEY changed).
 */
export function credentialsOf(
  secrets: SecretBox,
  integration: WhatsappIntegration,
): { ok: true; creds: NumberCredentials } | { ok: false; error: MessageError } {
  if (integration.health === 'unhealthy') {
    return {
      ok: false,
      error: {
        code: TOKEN_ERROR_CODE,
        title: 'WhatsApp number unhealthy',
        message: `Meta refused the access token of the WhatsApp number "${integration.name}"; update it in the integration settings to send again`,
      },
    };
  }
  try {
    const { accessToken } = decryptIntegration(secrets, integration);
    return {
      ok: true,
      creds: { accessToken, apiVersion: integration.apiVersion, phoneNumberId: integration.phoneNumberId },
    };
  } catch {
    return {
      ok: false,
      error: appError(
        'WhatsApp credentials unreadable',
        `The access token of the WhatsApp number "${integration.name}" cannot be decrypted; enter it again`,
      ),
    };
  }
}
