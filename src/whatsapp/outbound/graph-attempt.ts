import type { Job } from 'pg-boss';
import type { WhatsappIntegration } from '../../features/integrations/integrations.table.js';
import { classifyFailure, failureError } from './graph-failures.js';
import { credentialsOf, RetryLater, type NumberCredentials, type OutboundDeps } from './outbound-deps.js';
import { markUnhealthy } from './integration-health.js';

/**
 * One paced Graph call of a job that has no message row to fail (reactions, read receipts):
 * retryable failures throw for pg-boss's backoff until the last attempt, a refused token marks the
 * number unhealthy, anything else is logged and dropped. True when Meta accepted the call.
 */
export function createGraphAttempt(d: OutboundDeps) {
  return async function attempt(
    job: Job<unknown>,
    retryLimit: number,
    integration: WhatsappIntegration,
    json: (creds: NumberCredentials) => Record<string, unknown>,
  ): Promise<boolean> {
    const credentials = credentialsOf(d.secrets, integration);
    if (!credentials.ok) {
      d.logger.warn({ job: job.name, error: credentials.error }, 'WhatsApp call skipped');
      return false;
    }
    await d.pacer.acquire(integration.phoneNumberId);
    const answer = await d.graph.call(credentials.creds, {
      method: 'POST',
      path: `${integration.phoneNumberId}/messages`,
      json: json(credentials.creds),
    });
    if (answer.ok) return true;
    const error = failureError(answer.failure);
    const action = classifyFailure(answer.failure);
    d.logger.warn({ job: job.name, error, action, attempt: job.retryCount + 1 }, 'WhatsApp call failed');
    if (action === 'retry' && job.retryCount < retryLimit) throw new RetryLater(error.title);
    if (action === 'token') await markUnhealthy(d.db, integration, error);
    return false;
  };
}
