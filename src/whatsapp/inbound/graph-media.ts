import type { GraphClient, GraphCredentials, GraphFailure } from '../outbound/graph-client.js';

/** Fetching an inbound media file from Graph (media.md §2-3). */

export interface MediaSource {
  graph: GraphClient;
  credentials: GraphCredentials;
  /** config.whatsapp.baseUrl: Meta's graph.facebook.com or the simulator. */
  baseUrl: string;
  signal: AbortSignal;
}

export class GraphMediaError extends Error {
  override name = 'GraphMediaError';
}

/** Hosts Meta serves media from. */
const META_MEDIA_HOSTS = ['.fbsbx.com', '.facebook.com', '.whatsapp.net', '.fbcdn.net'];

/**
 * Whether the access token may go with a request to `url`: the Graph base URL's own origin, or,
 * when talking to Meta, Meta's media hosts over https. The token is never sent anywhere else.
 */
export function trustedMediaUrl(url: string, baseUrl: string): boolean {
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(baseUrl);
  } catch {
    return false;
  }
  if (target.origin === base.origin) return true;
  const meta = base.hostname === 'graph.facebook.com';
  return meta && target.protocol === 'https:' && META_MEDIA_HOSTS.some((h) => target.hostname.endsWith(h));
}

function describeFailure(f: GraphFailure): string {
  switch (f.kind) {
    case 'meta':
      return `${f.httpStatus} (#${f.error.code}) ${f.error.message}`;
    case 'http':
    case 'malformed':
      return `${f.kind} ${f.httpStatus}`;
    case 'timeout':
      return 'timeout';
    case 'network':
      return `network: ${f.reason}`;
  }
}

export interface MediaInfo {
  url: string;
  sha256: string | null;
}

/** `GET /{version}/{media_id}`: a fresh download URL (valid 5 minutes) and the file's hash. */
export async function mediaInfo(s: MediaSource, mediaId: string): Promise<MediaInfo> {
  const result = await s.graph.call<{ url?: unknown; sha256?: unknown }>(s.credentials, {
    method: 'GET',
    path: encodeURIComponent(mediaId),
  });
  if (!result.ok) throw new GraphMediaError(`GET media ${mediaId}: ${describeFailure(result.failure)}`);
  const { url, sha256 } = result.value;
  if (typeof url !== 'string') throw new GraphMediaError(`GET media ${mediaId} answered no url`);
  return { url, sha256: typeof sha256 === 'string' ? sha256 : null };
}

/** `GET <media url>` with the bearer token: the response whose body is the file. */
export async function openMediaUrl(s: MediaSource, url: string): Promise<ReadableStream<Uint8Array>> {
  if (!trustedMediaUrl(url, s.baseUrl)) {
    throw new GraphMediaError('refusing to send the access token to an untrusted media URL');
  }
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${s.credentials.accessToken}` },
    signal: s.signal,
  });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new GraphMediaError(`media download answered ${res.status}`);
  }
  return res.body;
}

/** Meta's sha256 is base64 in webhooks and hex in some Graph answers: either matches. */
export function sha256Matches(hex: string, expected: string): boolean {
  const given = expected.trim();
  if (given.toLowerCase() === hex.toLowerCase()) return true;
  const normalise = (b64: string) => b64.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return normalise(given) === normalise(Buffer.from(hex, 'hex').toString('base64'));
}
