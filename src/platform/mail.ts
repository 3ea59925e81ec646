import type { Tx } from '../db/client.js';
import { renderMail, type MailData, type MailEnv, type MailTemplateName } from './mail-templates.js';
import type { Mailer, OutgoingMail } from './mailer.js';
import type { Queue, QueueDefinition } from './queue.js';
import type { PlatformLogger } from './redis.js';

export const MAIL_QUEUE = 'mail.send';

/**
 * A mail server that is down or greylisting is retried with backoff (2 s, 4 s, ... capped at
 * 10 minutes, about 1.5 hours in all). Sent jobs are kept one day only: they hold one-time links.
 */
export const mailQueues: QueueDefinition[] = [
  {
    name: MAIL_QUEUE,
    retryLimit: 12,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 600,
    expireInSeconds: 120,
    deleteAfterSeconds: 86_400,
  },
];

export interface EnqueueMailOptions {
  /** The caller's open transaction: the mail is queued exactly when it commits. */
  tx?: Tx;
}

/** What features use to send mail; the send itself happens in a queue job, never in the request. */
export interface MailService {
  /** Renders a template for one recipient and queues it. */
  enqueue<N extends MailTemplateName>(
    to: string,
    template: N,
    data: MailData<N>,
    options?: EnqueueMailOptions,
  ): Promise<void>;
}

export interface MailServiceDeps {
  queue: Queue;
  mailer: Mailer;
  env: MailEnv;
  logger: PlatformLogger & { debug(obj: object, msg?: string): void };
}

/**
 * Mail goes out through MAIL_QUEUE: the request only writes a job, and a failed send (refused,
 * timed out) fails the job, which pg-boss retries. The job holds the rendered mail, so what was
 * queued is what is sent even if a template changes meanwhile.
 */
export function createMailService(d: MailServiceDeps): MailService & { start(): Promise<void> } {
  return {
    async enqueue(to, template, data, options = {}) {
      const mail: OutgoingMail = { to, ...renderMail(template, data, d.env) };
      await d.queue.send(MAIL_QUEUE, mail, options.tx ? { tx: options.tx } : {});
      // Outside a transaction the job is committed already: no need to wait for the next poll.
      if (!options.tx) d.queue.wake(MAIL_QUEUE);
    },

    async start() {
      await d.queue.work<OutgoingMail>(MAIL_QUEUE, async (job) => {
        await d.mailer.send(job.data);
        d.logger.debug({ jobId: job.id, driver: d.mailer.driver }, 'mail sent');
      });
    },
  };
}
