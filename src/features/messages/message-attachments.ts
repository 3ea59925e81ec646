import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { badRequest } from '../../http/errors.js';
import type { RequestContext } from '../../http/context.js';
import { mayUseUpload } from '../media/media-access.js';
import { installedMediaUrlSigner, signMediaUrls, type SignedMediaUrls } from '../media/media-urls.js';
import { mediaObjects, type MediaObject } from '../media/media.table.js';
import type { AttachmentDto } from './messages.schema.js';
import { messageAttachments, type MessageAttachment } from './messages.table.js';

/** A user attaching files to a message; system senders (webhook, bots) attach what they fetched. */
export type AttachingUser = Pick<RequestContext, 'userId' | 'permissions'>;

const unavailable = (ids: readonly string[]) =>
  badRequest('Unknown or already attached media', [
    { field: 'attachment_ids', message: `Unknown or already attached: ${ids.join(', ')}` },
  ]);

/**
 * The one place that turns stored media into message attachments and back.
 * First step: the tenant's not-yet-attached media objects, in the order of `mediaIds`
 * (400 when one is unknown, another tenant's, already attached, or, when a user attaches, an upload
 * GET /media/:id would hide from them: someone else's is answered like an unknown id).
 */
export async function findAttachableMedia(
  exec: Executor,
  tenantId: string,
  mediaIds: readonly string[],
  attacher?: AttachingUser,
): Promise<MediaObject[]> {
  if (mediaIds.length === 0) return [];
  const rows = await exec
    .select()
    .from(mediaObjects)
    .where(
      and(
        eq(mediaObjects.tenantId, tenantId),
        inArray(mediaObjects.id, [...mediaIds]),
        isNull(mediaObjects.attachedAt),
      ),
    );
  const usable = attacher ? rows.filter((m) => mayUseUpload(attacher, m)) : rows;
  const byId = new Map(usable.map((m) => [m.id, m]));
  const missing = mediaIds.filter((id) => !byId.has(id));
  if (missing.length) throw unavailable(missing);
  return mediaIds.map((id) => byId.get(id)!);
}

/**
 * Second step, once the message exists: claims each media object (attached_at, so a file never ends
 * up on two messages even when two requests race) and copies its metadata onto the message.
 */
export async function attachMedia(
  tx: Executor,
  target: { tenantId: string; messageId: string },
  media: readonly MediaObject[],
): Promise<void> {
  if (media.length === 0) return;
  const ids = media.map((m) => m.id);
  const claimed = await tx
    .update(mediaObjects)
    .set({ attachedAt: new Date() })
    .where(
      and(
        eq(mediaObjects.tenantId, target.tenantId),
        inArray(mediaObjects.id, ids),
        isNull(mediaObjects.attachedAt),
      ),
    )
    .returning({ id: mediaObjects.id });
  if (claimed.length !== ids.length) {
    const got = new Set(claimed.map((c) => c.id));
    throw unavailable(ids.filter((id) => !got.has(id)));
  }
  await tx.insert(messageAttachments).values(
    // The attachment takes the media's id: clients track their uploads by it, and GET /media/:id answers it.
    media.map((m) => ({
      id: m.id,
      tenantId: target.tenantId,
      messageId: target.messageId,
      mediaId: m.id,
      kind: m.kind,
      mimeType: m.mimeType,
      name: m.name,
      size: m.size,
      width: m.width,
      height: m.height,
      durationMs: m.durationMs,
    })),
  );
}

type StoredKeys = Pick<MediaObject, 'storageKey' | 'thumbnailKey' | 'previewKey' | 'mimeType'>;

/**
 * A stored file is shown through fresh signed URLs (they expire, so they are never saved); an
 * attachment without one (its media deleted, or a link) keeps the URLs saved on the row.
 */
async function urlsOf(a: MessageAttachment, media: StoredKeys | null): Promise<SignedMediaUrls | null> {
  const signer = installedMediaUrlSigner();
  if (!media || !signer) return null;
  return signMediaUrls(signer, { ...media, mimeType: a.mimeType ?? media.mimeType, name: a.name });
}

async function toAttachmentDto(a: MessageAttachment, media: StoredKeys | null): Promise<AttachmentDto> {
  const signed = await urlsOf(a, media);
  return {
    // Rows attached before attachments took their media's id still point at it through media_id.
    id: a.mediaId ?? a.id,
    kind: a.kind,
    url: signed ? signed.url : a.url,
    mime_type: a.mimeType,
    name: a.name,
    size: a.size,
    duration_ms: a.durationMs,
    width: a.width,
    height: a.height,
    thumbnail_url: signed ? signed.thumbnail_url : a.thumbnailUrl,
    preview_url: signed ? signed.preview_url : a.previewUrl,
  };
}

/** The attachments of many messages in one query, in the order they were attached. */
export async function loadAttachments(
  exec: Executor,
  messageIds: readonly string[],
): Promise<Map<string, AttachmentDto[]>> {
  const byMessage = new Map<string, AttachmentDto[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await exec
    .select({
      attachment: messageAttachments,
      media: {
        storageKey: mediaObjects.storageKey,
        thumbnailKey: mediaObjects.thumbnailKey,
        previewKey: mediaObjects.previewKey,
        mimeType: mediaObjects.mimeType,
      },
    })
    .from(messageAttachments)
    .leftJoin(mediaObjects, eq(mediaObjects.id, messageAttachments.mediaId))
    .where(inArray(messageAttachments.messageId, [...messageIds]))
    .orderBy(asc(messageAttachments.createdAt), asc(messageAttachments.id));
  const dtos = await Promise.all(rows.map((r) => toAttachmentDto(r.attachment, r.media)));
  rows.forEach(({ attachment }, i) => {
    const list = byMessage.get(attachment.messageId) ?? [];
    list.push(dtos[i]!);
    byMessage.set(attachment.messageId, list);
  });
  return byMessage;
}
