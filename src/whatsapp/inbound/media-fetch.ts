import { Readable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Executor } from '../../db/client.js';
import { transactionWithEvents } from '../../features/conversations/after-commit.js';
import { domainEvent } from '../../features/conversations/domain-event.js';
import { decryptIntegration } from '../../features/integrations/integrations.service.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import { discardStaged, stageUpload, type StageOptions } from '../../features/media/media-staging.js';
import type { MediaService } from '../../features/media/media.service.js';
import { mediaObjects, type MediaObject } from '../../features/media/media.table.js';
import { attachMedia } from '../../features/messages/message-attachments.js';
import { messageColumns, toMessageDtoOne } from '../../features/messages/message-dto.js';
import { messageAttachments, messages } from '../../features/messages/messages.table.js';
import { AppError } from '../../http/errors.js';
import type { SecretBox } from '../../platform/crypto.js';
import { DomainEventType } from '../../platform/event-types.js';
import type { DomainEvents } from '../../platform/events.js';
import type { Job } from '../../platform/queue.js';
import { MEDIA_FETCH_RETRIES } from '../queues.js';
import type { MediaKind } from '../webhook-parser.js';
import { createGraphClient } from '../outbound/graph-client.js';
import { mediaInfo, openMediaUrl, sha256Matches, type MediaSource } from './graph-media.js';

/** One inbound file to fetch; enqueued with its message, keyed by message id + media id. */
export interface MediaFetchJob {
  tenantId: string;
  integrationId: string;
  messageId: string;
  mediaId: string;
  kind: MediaKind;
  /** The webhook's direct URL (newer webhooks); GET /{media_id} gives a fresh one otherwise. */
  url: string | null;
  sha256: string | null;
  filename: string | null;
}

export interface MediaFetcherDeps {
  db: Db;
  events: DomainEvents;
  secrets: SecretBox;
  media: MediaService;
  stage: StageOptions;
  graphBaseUrl: string;
  logger: Pick<Logger, 'warn'>;
}

/** Longer than any file WhatsApp allows (100 MB) should take. */
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const GRAPH_TIMEOUT_MS = 30_000;

export class MediaIntegrityError extends Error {
  override name = 'MediaIntegrityError';
}

/** Staging refused the bytes (unknown type, too large): fetching again cannot help. */
const isPermanent = (err: unknown) => err instanceof AppError && (err.status === 413 || err.status === 415);

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/**
 * Fetches an inbound media file promptly and attaches it: the webhook's URL when Meta sent one
 * (and it still works), else a fresh URL from Graph; the bytes are checked against Meta's
 * sha256, stored through the media feature (type from the bytes, metadata, thumbnails) and
 * attached to the message, which is announced as updated. Re-running attaches nothing twice.
 */
export function createMediaFetcher(d: MediaFetcherDeps) {
  const transaction = transactionWithEvents(d.db, d.events);
  const graph = createGraphClient({ baseUrl: d.graphBaseUrl, timeoutMs: GRAPH_TIMEOUT_MS });

  const messageOf = (j: MediaFetchJob) =>
    and(eq(messages.id, j.messageId), eq(messages.tenantId, j.tenantId));

  async function attached(exec: Executor, j: MediaFetchJob): Promise<boolean> {
    const [row] = await exec
      .select({ id: messageAttachments.id })
      .from(messageAttachments)
      .innerJoin(mediaObjects, eq(mediaObjects.id, messageAttachments.mediaId))
      .where(
        and(
          eq(messageAttachments.messageId, j.messageId),
          eq(messageAttachments.tenantId, j.tenantId),
          eq(mediaObjects.whatsappMediaId, j.mediaId),
        ),
      )
      .limit(1);
    return row !== undefined;
  }

  async function sourceOf(j: MediaFetchJob, signal: AbortSignal): Promise<MediaSource | undefined> {
    const [integration] = await d.db
      .select()
      .from(whatsappIntegrations)
      .where(
        and(eq(whatsappIntegrations.id, j.integrationId), eq(whatsappIntegrations.tenantId, j.tenantId)),
      );
    if (!integration) return undefined;
    return {
      graph,
      credentials: {
        apiVersion: integration.apiVersion,
        accessToken: decryptIntegration(d.secrets, integration).accessToken,
      },
      baseUrl: d.graphBaseUrl,
      signal: AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]),
    };
  }

  /** The webhook's URL first (it may have expired: then Graph's fresh one). */
  async function open(s: MediaSource, j: MediaFetchJob) {
    if (j.url) {
      const direct = await openMediaUrl(s, j.url).catch(() => undefined);
      if (direct) return { body: direct, sha256: j.sha256 };
    }
    const info = await mediaInfo(s, j.mediaId);
    return { body: await openMediaUrl(s, info.url), sha256: j.sha256 ?? info.sha256 };
  }

  async function download(s: MediaSource, j: MediaFetchJob): Promise<MediaObject> {
    const { body, sha256 } = await open(s, j);
    const bytes = Readable.fromWeb(body);
    const staged = await stageUpload(bytes, j.filename ?? undefined, d.stage);
    if (sha256 && !sha256Matches(staged.sha256, sha256)) {
      await discardStaged([staged]);
      throw new MediaIntegrityError(`media ${j.mediaId}: the bytes do not match Meta's sha256`);
    }
    return d.media.ingest(j.tenantId, staged, { whatsappMediaId: j.mediaId, kind: j.kind });
  }

  /**
   * Attaches under the message's lock, so two runs of the job never attach it twice (the loser's
   * copy stays unattached and the orphan sweep deletes it).
   */
  const attach = (j: MediaFetchJob, media: MediaObject) =>
    transaction(async (tx, outbox) => {
      const [message] = await tx.select(messageColumns).from(messages).where(messageOf(j)).for('update');
      if (!message || (await attached(tx, j))) return;
      await attachMedia(tx, { tenantId: j.tenantId, messageId: j.messageId }, [media]);
      const dto = await toMessageDtoOne(tx, message);
      outbox.push(domainEvent(DomainEventType.MessageUpdated, { tenantId: j.tenantId }, dto));
    });

  /** The file will not come: the message says so (content.media_error) instead of waiting forever. */
  const markUnavailable = (j: MediaFetchJob, reason: string) =>
    transaction(async (tx, outbox) => {
      const mediaError = { media_error: { media_id: j.mediaId, reason } };
      const [message] = await tx
        .update(messages)
        .set({ content: sql`${messages.content} || ${JSON.stringify(mediaError)}::jsonb` })
        .where(messageOf(j))
        .returning(messageColumns);
      if (!message) return;
      const dto = await toMessageDtoOne(tx, message);
      outbox.push(domainEvent(DomainEventType.MessageUpdated, { tenantId: j.tenantId }, dto));
    });

  return async function fetchInboundMedia(job: Job<MediaFetchJob>): Promise<void> {
    const j = job.data;
    if (await attached(d.db, j)) return;
    const source = await sourceOf(j, job.signal);
    if (!source) {
      d.logger.warn({ messageId: j.messageId }, 'inbound media skipped: the number is no longer connected');
      return;
    }
    try {
      await attach(j, await download(source, j));
    } catch (err) {
      const final = isPermanent(err) || job.retryCount >= MEDIA_FETCH_RETRIES;
      d.logger.warn({ err, messageId: j.messageId, mediaId: j.mediaId, final }, 'inbound media fetch failed');
      if (final) await markUnavailable(j, reasonOf(err));
      if (!isPermanent(err)) throw err;
    }
  };
}
