import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Optional external programs; each feature that needs one is skipped when it is missing. */
export interface MediaTools {
  ffmpeg?: string | undefined;
  ffprobe?: string | undefined;
}

async function findExecutable(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** ffmpeg and ffprobe when they are on PATH. */
export async function findMediaTools(searchPath = process.env.PATH ?? ''): Promise<MediaTools> {
  const [ffmpeg, ffprobe] = await Promise.all([
    findExecutable('ffmpeg', searchPath),
    findExecutable('ffprobe', searchPath),
  ]);
  return { ffmpeg, ffprobe };
}

const TIMEOUT_MS = 20_000;

export interface ProbeResult {
  durationMs?: number;
  width?: number;
  height?: number;
}

interface FfprobeOutput {
  format?: { duration?: string };
  streams?: { codec_type?: string; width?: number; height?: number; duration?: string }[];
}

const msOf = (seconds: string | undefined) => {
  const n = Number(seconds);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : undefined;
};

/** Duration and picture size by ffprobe; empty when it cannot read the file. */
export async function probe(ffprobe: string, file: string): Promise<ProbeResult> {
  try {
    const { stdout } = await run(
      ffprobe,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      { timeout: TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 },
    );
    const parsed = JSON.parse(stdout) as FfprobeOutput;
    const video = parsed.streams?.find((s) => s.codec_type === 'video');
    const durationMs = msOf(parsed.format?.duration) ?? msOf(video?.duration);
    return {
      ...(durationMs ? { durationMs } : {}),
      ...(video?.width && video.height ? { width: video.width, height: video.height } : {}),
    };
  } catch {
    return {};
  }
}

/** The first frame of a video as a PNG file; false when ffmpeg cannot decode one. */
export async function extractFrame(ffmpeg: string, file: string, out: string): Promise<boolean> {
  try {
    await run(
      ffmpeg,
      ['-nostdin', '-v', 'error', '-y', '-i', file, '-frames:v', '1', '-f', 'image2', '-c:v', 'png', out],
      { timeout: TIMEOUT_MS },
    );
    await access(out);
    return true;
  } catch {
    return false;
  }
}
