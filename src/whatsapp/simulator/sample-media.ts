/**
 * Small but real files for simulated customers who send media without bytes of their own: each is
 * recognised by its content (file-type, sharp, music-metadata), like what a phone would send.
 */
export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

export const DEFAULT_MIME: Record<MediaKind, string> = {
  image: 'image/jpeg',
  audio: 'audio/ogg; codecs=opus',
  video: 'video/mp4',
  document: 'application/pdf',
  sticker: 'image/webp',
};

export interface SampleFile {
  bytes: Buffer;
  mimeType: string;
  filename: string | null;
}

async function picture(format: 'jpeg' | 'webp', size: number): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const base = sharp({
    create: { width: size, height: size, channels: 3, background: { r: 37, g: 211, b: 102 } },
  });
  return format === 'jpeg' ? base.jpeg().toBuffer() : base.webp().toBuffer();
}

/** Ogg's CRC-32: polynomial 0x04c11db7, no reflection, zero init. */
const OGG_CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
  let r = i << 24;
  for (let b = 0; b < 8; b++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

function oggPage(packets: Buffer[], o: { seq: number; granule: number; flags: number }): Buffer {
  const lacing = packets.flatMap((p) => [
    ...Array<number>(Math.floor(p.length / 255)).fill(255),
    p.length % 255,
  ]);
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header.writeUInt8(o.flags, 5);
  header.writeBigUInt64LE(BigInt(o.granule), 6);
  header.writeUInt32LE(0x53494d55, 14); // stream serial
  header.writeUInt32LE(o.seq, 18);
  header.writeUInt8(lacing.length, 26);
  const page = Buffer.concat([header, Buffer.from(lacing), ...packets]);
  let crc = 0;
  for (const byte of page) crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  page.writeUInt32LE(crc, 22);
  return page;
}

/** One second of silence as a mono Ogg Opus voice note (20 ms silent frames). */
function voiceNote(): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head.writeUInt8(1, 8); // version
  head.writeUInt8(1, 9); // mono
  head.writeUInt16LE(312, 10); // pre-skip
  head.writeUInt32LE(48_000, 12);
  const vendor = Buffer.from('apicechat-simulator');
  const tags = Buffer.alloc(16 + vendor.length);
  tags.write('OpusTags', 0, 'latin1');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  const frames = Array.from({ length: 50 }, () => Buffer.from([0xf8, 0xff, 0xfe]));
  return Buffer.concat([
    oggPage([head], { seq: 0, granule: 0, flags: 0x02 }),
    oggPage([tags], { seq: 1, granule: 0, flags: 0 }),
    oggPage(frames, { seq: 2, granule: 312 + 50 * 960, flags: 0x04 }),
  ]);
}

function isoBox(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** An MP4 container declaring a 1 s duration (no frames: enough to be recognised and measured). */
function clip(): Buffer {
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale: ms
  mvhd.writeUInt32BE(1000, 16); // duration
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
  for (const [i, v] of [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].entries()) {
    mvhd.writeUInt32BE(v, 36 + i * 4);
  }
  mvhd.writeUInt32BE(2, 96); // next track id
  const ftyp = isoBox(
    'ftyp',
    Buffer.from('isom'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isomiso2avc1mp41'),
  );
  return Buffer.concat([ftyp, isoBox('moov', isoBox('mvhd', mvhd))]);
}

const receipt = (): Buffer =>
  Buffer.from(
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
      '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n' +
      'trailer << /Root 1 0 R >>\n%%EOF\n',
  );

export async function sampleMedia(kind: MediaKind): Promise<SampleFile> {
  const mimeType = DEFAULT_MIME[kind];
  switch (kind) {
    case 'image':
      return { bytes: await picture('jpeg', 64), mimeType, filename: null };
    case 'sticker':
      return { bytes: await picture('webp', 96), mimeType, filename: null };
    case 'audio':
      return { bytes: voiceNote(), mimeType, filename: null };
    case 'video':
      return { bytes: clip(), mimeType, filename: null };
    case 'document':
      return { bytes: receipt(), mimeType, filename: 'receipt.pdf' };
  }
}
