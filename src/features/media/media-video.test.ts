import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as make from '../../../test/media/fixtures.js';
import { describeMedia, discardRenditions } from './media-metadata.js';
import { discardStaged, stageUpload, type StagedFile } from './media-staging.js';
import { findMediaTools, type MediaTools } from './media-tools.js';

const MB = 1024 * 1024;

describe('video metadata and thumbnails', () => {
  let dir: string;
  let tools: MediaTools;
  const staged: StagedFile[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'apice-video-'));
    tools = await findMediaTools();
  });
  afterAll(async () => {
    await Promise.all([discardStaged(staged), discardRenditions(staged)]);
    rmSync(dir, { recursive: true, force: true });
  });

  const stage = async (name: string, data: Buffer) => {
    const limits = { image: MB, video: MB, audio: MB, document: MB };
    const file = await stageUpload(Readable.from([data]), name, { allowed: ['video'], limits, tmpDir: dir });
    staged.push(file);
    return file;
  };

  it('skips the thumbnail cleanly without ffmpeg and still reads the duration', async () => {
    const file = await stage('clip.webm', make.webm(2500));
    expect(await describeMedia(file, {})).toEqual({
      width: null,
      height: null,
      durationMs: 2500,
      thumbnail: null,
      preview: null,
    });
  });

  // ffmpeg is optional for users, so a machine without it skips this test; CI installs it (.ci/run)
  // and there a missing ffmpeg fails, since this test is the proof that the ffmpeg path works.
  it('reads size and duration with ffprobe and makes a thumbnail with ffmpeg', async (ctx) => {
    if (!tools.ffmpeg || !tools.ffprobe) {
      if (process.env.CI) throw new Error('ffmpeg/ffprobe are not on PATH: apt-get install ffmpeg');
      return ctx.skip();
    }
    const mp4 = path.join(dir, 'made.mp4');
    execFileSync(tools.ffmpeg, [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=10'],
      ...['-t', '1.5', '-pix_fmt', 'yuv420p', mp4],
    ]);
    const file = await stage('made.mp4', readFileSync(mp4));
    const described = await describeMedia(file, tools);
    expect(described).toMatchObject({ width: 640, height: 360, durationMs: 1500 });
    const thumb = await sharp(described.thumbnail!.path).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 320, 180]);
  });
});
