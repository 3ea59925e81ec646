import { buffer } from 'node:stream/consumers';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { mediaObjects, type MediaObject } from '../../features/media/media.table.js';
import type { ObjectStorage } from '../../platform/storage.js';
import { UnsendableMessage } from './bodies.js';
import type { GraphClient, GraphCredentials, GraphResult } from './graph-client.js';

export interface MediaUploadDeps {
  db: Db;
  storage: ObjectStorage;
  graph: GraphClient;
}

/**
 * Media go to Meta by upload (`POST /{phone_number_id}/media`), never by link: our files live on
 * local disk or a private bucket behind short-lived signed URLs, which Meta may fetch late or
 * not at all, while an uploaded id is Meta's own for 30 days and is what Meta recommends for
 * throughput. The id is kept on the media object, so a retried send does not upload again.
 */
export async function uploadedMediaId(
  d: MediaUploadDeps,
  creds: GraphCredentials & { phoneNumberId: string },
  media: MediaObject,
): Promise<GraphResult<{ id: string }>> {
  if (media.source === 'upload' && media.whatsappMediaId)
    return { ok: true, value: { id: media.whatsappMediaId } };
  const object = await d.storage.read(media.storageKey);
  if (!object) throw new UnsendableMessage('The file of this message is no longer stored');
  const bytes = await buffer(object.body);
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', media.mimeType);
  form.set('file', new Blob([bytes], { type: media.mimeType }), media.name ?? `file-${media.id}`);
  const result = await d.graph.call(creds, { method: 'POST', path: `${creds.phoneNumberId}/media`, form });
  if (!result.ok) return result;
  const id = result.value.id;
  if (typeof id !== 'string' || id === '')
    return { ok: false, failure: { kind: 'malformed', httpStatus: 200 } };
  await d.db
    .update(mediaObjects)
    .set({ whatsappMediaId: id })
    .where(and(eq(mediaObjects.id, media.id), eq(mediaObjects.tenantId, media.tenantId)));
  return { ok: true, value: { id } };
}
