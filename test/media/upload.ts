import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../helpers/app.js';

export interface FilePart {
  name: string;
  data: Buffer;
  /** The client's claimed type; the server ignores it. Default application/octet-stream. */
  type?: string;
  field?: string;
}

/** A multipart/form-data body built by hand, as a browser would send it. */
export function multipartBody(files: FilePart[], defaultField: string, fields: Record<string, string> = {}) {
  const boundary = `----apice${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const f of files) {
    const filename = f.name.replace(/"/g, '%22').replace(/\r|\n/g, ' ');
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? defaultField}"; filename="${filename}"\r\n` +
          `Content-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export interface Attachment {
  id: string;
  kind: string;
  url: string;
  mime_type: string;
  name: string;
  size: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  thumbnail_url: string | null;
  preview_url: string | null;
  sha256: string;
  attached: boolean;
}

/** POST /api/v1/upload/<kind> with files (field `files` for multiple, `file` otherwise). */
export function upload(
  t: TestApp,
  token: string,
  endpoint: string,
  files: FilePart[],
  fields?: Record<string, string>,
): Promise<LightMyRequestResponse> {
  const body = multipartBody(files, endpoint === 'multiple' ? 'files' : 'file', fields);
  return t.request({ method: 'POST', url: `/api/v1/upload/${endpoint}`, token, ...body });
}

/** Uploads one file and returns the attachment, failing loudly on anything but 201. */
export async function uploadOne(
  t: TestApp,
  token: string,
  endpoint: string,
  file: FilePart,
): Promise<Attachment> {
  const res = await upload(t, token, endpoint, [file]);
  if (res.statusCode !== 201) throw new Error(`upload failed: ${res.statusCode} ${res.body}`);
  return res.json<Attachment>();
}

/** GETs a signed URL of the app like a browser: no bearer token. */
export function fetchSigned(t: TestApp, url: string, headers: Record<string, string> = {}) {
  const u = new URL(url);
  return t.app.inject({ method: 'GET', url: `${u.pathname}${u.search}`, headers });
}

/** Every file under a folder, relative paths (empty when the folder does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}
