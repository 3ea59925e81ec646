import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Debian's chromium on PATH (`apt-get install chromium`); playwright-core downloads no browser. */
export function findChromium(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser']) {
    const found = dirs.map((dir) => path.join(dir, name)).find(isExecutable);
    if (found) return found;
  }
  return undefined;
}

/**
 * Without Chromium the browser tests are skipped, with the reason, on a developer's machine; in CI
 * (CI set) its absence is a failure, because .ci/run installs it.
 */
export function chromiumOrSkip(): string | undefined {
  const found = findChromium();
  if (found) return found;
  if (process.env.CI)
    throw new Error('chromium is not installed (CI must install it: apt-get install -y chromium)');
  console.warn('browser tests skipped: chromium is not on PATH (apt-get install -y chromium)');
  return undefined;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
