import type { AppDeps } from '../../app.js';
import { mediaServiceFor, stageOptionsFor } from '../../features/media/index.js';
import { UPLOAD_KINDS } from '../../features/media/media-types.js';
import { WhatsappQueue } from '../queues.js';
import { createMediaFetcher, type MediaFetchJob } from './media-fetch.js';
import { requeueStuckEvents, SWEEP_CRON } from './recovery.js';
import { createWebhookProcessor } from './webhook-processor.js';

/** Inbound messages should reach the inbox within a second of Meta's POST. */
const WEBHOOK_POLL_SECONDS = 0.5;
/** Per instance; instances add up (pg-boss hands each job to one worker). */
const WEBHOOK_CONCURRENCY = 4;
const MEDIA_CONCURRENCY = 2;
/** A user can send up to 100 MB (media.md §5); Meta checks the per-type limits, not us. */
const INBOUND_MEDIA_MAX_BYTES = 100 * 1024 * 1024;

export interface WebhookWorkerOptions {
  /** Attempts before an event is parked as `failed` (tests use a small number). */
  maxAttempts?: number;
}

/** The `whatsapp-webhook` worker: one stored event per job. */
export async function startWebhookWorker(deps: AppDeps, options: WebhookWorkerOptions = {}): Promise<void> {
  const processor = createWebhookProcessor({
    db: deps.database.db,
    events: deps.events,
    queue: deps.queue,
    logger: deps.logger,
    ...options,
  });
  await deps.queue.work<{ eventId: string }>(
    WhatsappQueue.Webhook,
    (job) => processor.process(job.data.eventId),
    {
      pollingIntervalSeconds: WEBHOOK_POLL_SECONDS,
      localConcurrency: WEBHOOK_CONCURRENCY,
    },
  );
}

async function startMediaWorker(deps: AppDeps): Promise<void> {
  const limit = INBOUND_MEDIA_MAX_BYTES;
  const fetchMedia = createMediaFetcher({
    db: deps.database.db,
    events: deps.events,
    secrets: deps.secrets,
    media: await mediaServiceFor(deps),
    stage: {
      ...stageOptionsFor(deps)(UPLOAD_KINDS),
      limits: { image: limit, video: limit, audio: limit, document: limit },
    },
    graphBaseUrl: deps.config.whatsapp.baseUrl,
    logger: deps.logger,
  });
  await deps.queue.work<MediaFetchJob>(WhatsappQueue.MediaFetch, fetchMedia, {
    pollingIntervalSeconds: WEBHOOK_POLL_SECONDS,
    localConcurrency: MEDIA_CONCURRENCY,
  });
}

/** Lost jobs are re-enqueued at start-up and every few minutes. */
async function startRecovery(deps: AppDeps): Promise<void> {
  const sweep = async () => {
    const requeued = await requeueStuckEvents(deps.database.db, deps.queue);
    if (requeued > 0) deps.logger.warn({ requeued }, 'stuck webhook events re-enqueued');
  };
  await deps.queue.work(WhatsappQueue.WebhookSweep, sweep);
  await deps.queue.boss.schedule(WhatsappQueue.WebhookSweep, SWEEP_CRON);
  await sweep();
}

/** Everything that turns stored webhook events into messages, statuses and files. */
export async function startInbound(deps: AppDeps): Promise<void> {
  await startWebhookWorker(deps);
  await startMediaWorker(deps);
  await startRecovery(deps);
}
