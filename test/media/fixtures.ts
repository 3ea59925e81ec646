import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/**
 * Small, real media files built in memory for the media tests: every one is recognised by its
 * bytes (file-type), not by a name.
 */

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';

/** A solid-colour image; `orientation` writes that EXIF orientation into a JPEG. */
export async function image(
  format: ImageFormat,
  width = 64,
  height = 32,
  options: { orientation?: number } = {},
): Promise<Buffer> {
  const base = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } });
  const encoded = format === 'jpeg' ? base.jpeg() : base[format]();
  return options.orientation
    ? encoded.withMetadata({ orientation: options.orientation }).toBuffer()
    : encoded.toBuffer();
}

/** PCM WAV of silence: 8 kHz, mono, 16 bit. */
export function wav(durationMs: number): Buffer {
  const sampleRate = 8000;
  const dataSize = Math.round((sampleRate * durationMs) / 1000) * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataSize, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataSize, 40);
  return Buffer.concat([header, Buffer.alloc(dataSize)]);
}

/** An ISO base media box: size, type, payload. */
function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'ascii');
  return Buffer.concat([head, body]);
}

/** An MP4 container (ftyp + moov/mvhd) that declares a duration; it holds no frames. */
export function mp4(durationMs: number): Buffer {
  const ftyp = box('ftyp', Buffer.from('isom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41'));
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale: milliseconds
  mvhd.writeUInt32BE(durationMs, 16);
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
  for (const [i, v] of [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].entries()) {
    mvhd.writeUInt32BE(v, 36 + i * 4); // unity matrix
  }
  mvhd.writeUInt32BE(2, 96); // next track id
  return Buffer.concat([ftyp, box('moov', box('mvhd', mvhd))]);
}

export const pdf = (): Buffer =>
  Buffer.from(
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
      '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n' +
      'trailer << /Root 1 0 R >>\n%%EOF\n',
  );

/** A stored (uncompressed) ZIP archive. */
export function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A minimal Word (OOXML) document. */
export const docx = (): Buffer =>
  zip({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '</Types>',
    'word/document.xml':
      '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
  });

/** The header sector of an OLE2 compound file, the container of legacy .doc/.xls/.ppt files. */
export function cfb(): Buffer {
  const sector = Buffer.alloc(512);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(sector, 0);
  sector.writeUInt16LE(0x3e, 24); // minor version
  sector.writeUInt16LE(3, 26); // major version 3 (512-byte sectors)
  sector.writeUInt16LE(0xfffe, 28); // little endian
  sector.writeUInt16LE(9, 30); // sector shift
  sector.writeUInt16LE(6, 32); // mini sector shift
  return Buffer.concat([sector, Buffer.alloc(512)]);
}

/** The start of a Windows executable. */
export function exe(): Buffer {
  const dos = Buffer.alloc(256);
  dos.write('MZ', 0, 'ascii');
  dos.writeUInt32LE(0x80, 0x3c);
  dos.write('PE\0\0', 0x80, 'binary');
  return dos;
}

/** An EBML element with an 8-byte size field. */
function ebml(id: number, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const idBytes = Buffer.from(
    id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'),
    'hex',
  );
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length));
  size[0] = 0x01;
  return Buffer.concat([idBytes, size, body]);
}
const uint = (id: number, value: number) =>
  ebml(id, Buffer.from([value >> 24, value >> 16, value >> 8, value].map((b) => b & 0xff)));
const str = (id: number, value: string) => ebml(id, Buffer.from(value, 'ascii'));

/** A WebM container that declares a duration and one track; it holds no frames. */
export function webm(durationMs: number, track: 'video' | 'audio' = 'video'): Buffer {
  const duration = Buffer.alloc(8);
  duration.writeDoubleBE(durationMs);
  const entry =
    track === 'video'
      ? [uint(0x83, 1), str(0x86, 'V_VP8'), ebml(0xe0, uint(0xb0, 64), uint(0xba, 32))]
      : [
          uint(0x83, 2),
          str(0x86, 'A_OPUS'),
          ebml(0xe1, ebml(0xb5, Buffer.from('40e7700000000000', 'hex')), uint(0x9f, 1)),
        ];
  return Buffer.concat([
    ebml(
      0x1a45dfa3,
      uint(0x4286, 1),
      uint(0x42f7, 1),
      uint(0x42f2, 4),
      uint(0x42f3, 8),
      str(0x4282, 'webm'),
      uint(0x4287, 4),
      uint(0x4285, 2),
    ),
    ebml(
      0x18538067,
      ebml(
        0x1549a966,
        uint(0x2ad7b1, 1_000_000),
        ebml(0x4489, duration),
        str(0x4d80, 'test'),
        str(0x5741, 'test'),
      ),
      ebml(0x1654ae6b, ebml(0xae, uint(0xd7, 1), uint(0x73c5, 1), ...entry)),
    ),
  ]);
}
