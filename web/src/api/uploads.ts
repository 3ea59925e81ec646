import { errorFromProblem, networkError, V1, withAuth } from './http';
import type { Attachment } from './types';

interface XhrResult {
  status: number;
  body: string;
  retryAfter: string | null;
}

function post(url: string, form: FormData, token: string | null, onProgress: (fraction: number) => void) {
  return new Promise<XhrResult>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () =>
      resolve({
        status: xhr.status,
        body: xhr.responseText,
        retryAfter: xhr.getResponseHeader('retry-after'),
      });
    xhr.onerror = () => reject(networkError());
    xhr.send(form);
  });
}

/** Uploads one file (fetch has no upload progress, XMLHttpRequest does). */
export async function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<Attachment> {
  const res = await withAuth((token) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return post(`${V1}/upload/single`, form, token, onProgress);
  });
  let parsed: unknown = {};
  try {
    parsed = JSON.parse(res.body);
  } catch {
    // A non-JSON answer: the status decides below.
  }
  if (res.status !== 201) throw errorFromProblem(res.status, parsed as object, res.retryAfter);
  return parsed as Attachment;
}
