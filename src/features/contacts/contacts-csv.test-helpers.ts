import { randomBytes } from 'node:crypto';

/** A multipart/form-data body with one file part, as a browser or curl -F sends it. */
export function multipart(content: string | Buffer, field = 'file', filename = 'contacts.csv') {
  const boundary = `----apice${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
